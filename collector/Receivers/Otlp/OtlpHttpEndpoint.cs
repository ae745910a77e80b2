using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Observe.Collector.Pipeline;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>
/// OTLP/HTTP: <c>POST /v1/{signal}</c> with a protobuf or JSON body, optionally gzip-compressed,
/// answered in the request's content type. Failures carry a google.rpc.Status body.
/// </summary>
internal sealed class OtlpHttpEndpoint(OtlpExport export, OtlpOptions options, ILogger<OtlpHttpEndpoint> logger)
{
    private const string Protobuf = "application/x-protobuf";
    private const string Json = "application/json";
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    public async Task HandleAsync(HttpContext context, OtlpSignal signal)
    {
        var mediaType = MediaType(context.Request.ContentType);
        if (mediaType is not (Protobuf or Json))
        {
            await FailAsync(context, Protobuf, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type must be {Protobuf} or {Json}, got '{context.Request.ContentType}'").ConfigureAwait(false);
            return;
        }
        try
        {
            var message = await ReadMessageAsync(context, signal, mediaType).ConfigureAwait(false);
            var reply = await export.ExportAsync(signal, message, context.RequestAborted).ConfigureAwait(false);
            await WriteAsync(context, mediaType, StatusCodes.Status200OK, reply).ConfigureAwait(false);
        }
        catch (InvalidPayloadException e)
        {
            await FailAsync(context, mediaType, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
        }
        catch (PayloadTooLargeException e)
        {
            await FailAsync(context, mediaType, StatusCodes.Status413PayloadTooLarge, e.Message).ConfigureAwait(false);
        }
        catch (UnsupportedEncodingException e)
        {
            await FailAsync(context, mediaType, StatusCodes.Status415UnsupportedMediaType, e.Message).ConfigureAwait(false);
        }
        catch (IngestRefusedException e)
        {
            logger.LogWarning("OTLP/HTTP {Signal} refused: {Reason}", signal.Name, e.Message);
            context.Response.Headers.RetryAfter = Math.Ceiling(e.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            await FailAsync(context, mediaType, StatusCodes.Status503ServiceUnavailable, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
    }

    private async Task<IMessage> ReadMessageAsync(HttpContext context, OtlpSignal signal, string mediaType)
    {
        var limit = options.MaxRequestBytes;
        using var body = await PayloadBuffer.ReadAsync(context.Request.Body, limit, context.Request.ContentLength, context.RequestAborted).ConfigureAwait(false);
        using var inflated = PayloadBuffer.Decode(body, context.Request.Headers.ContentEncoding.ToString(), limit);
        var payload = (inflated ?? body).Span;
        return mediaType == Json ? signal.ParseJson(payload) : signal.ParseProtobuf(payload);
    }

    private static Task FailAsync(HttpContext context, string mediaType, int status, string message) =>
        WriteAsync(context, mediaType, status, new Google.Rpc.Status { Code = GrpcCode(status), Message = message });

    private static async Task WriteAsync(HttpContext context, string mediaType, int status, IMessage message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = mediaType;
        if (mediaType == Json)
        {
            await context.Response.WriteAsync(Formatter.Format(message), context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            await context.Response.Body.WriteAsync(message.ToByteArray(), context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>The gRPC code that google.rpc.Status.code carries for an HTTP status.</summary>
    private static int GrpcCode(int httpStatus) => httpStatus switch
    {
        StatusCodes.Status400BadRequest => (int)GrpcStatus.InvalidArgument,
        StatusCodes.Status413PayloadTooLarge => (int)GrpcStatus.ResourceExhausted,
        StatusCodes.Status415UnsupportedMediaType => (int)GrpcStatus.InvalidArgument,
        StatusCodes.Status503ServiceUnavailable => (int)GrpcStatus.Unavailable,
        _ => (int)GrpcStatus.Internal,
    };

    private static string? MediaType(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }
        var end = contentType.IndexOf(';');
        return (end < 0 ? contentType : contentType[..end]).Trim().ToLowerInvariant();
    }
}
