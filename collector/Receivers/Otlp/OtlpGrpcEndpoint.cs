using System.Buffers.Binary;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Observe.Collector.Pipeline;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>
/// OTLP/gRPC served straight on Kestrel's HTTP/2: a unary call is one length-prefixed message in
/// the request body, answered with one length-prefixed message and the status in the trailers.
/// </summary>
internal sealed class OtlpGrpcEndpoint(OtlpExport export, OtlpOptions options, ILogger<OtlpGrpcEndpoint> logger)
{
    private const int FrameHeader = 5;

    public async Task HandleAsync(HttpContext context, OtlpSignal signal)
    {
        var request = context.Request;
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            // The gRPC protocol answers a non-gRPC content type with plain HTTP 415.
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await context.Response.WriteAsync($"content-type must be application/grpc, got '{request.ContentType}'", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        context.Response.ContentType = "application/grpc";
        try
        {
            var message = await ReadMessageAsync(context, signal).ConfigureAwait(false);
            var reply = await export.ExportAsync(signal, message, context.RequestAborted).ConfigureAwait(false);
            await WriteMessageAsync(context, reply).ConfigureAwait(false);
            context.Response.AppendTrailer("grpc-status", "0");
        }
        catch (InvalidPayloadException e)
        {
            Fail(context, GrpcStatus.InvalidArgument, e.Message);
        }
        catch (PayloadTooLargeException e)
        {
            Fail(context, GrpcStatus.ResourceExhausted, e.Message);
        }
        catch (GrpcProtocolException e)
        {
            Fail(context, e.Status, e.Message);
        }
        catch (IngestRefusedException e)
        {
            logger.LogWarning("OTLP/gRPC {Signal} refused: {Reason}", signal.Name, e.Message);
            Fail(context, GrpcStatus.Unavailable, e.Message, e.RetryAfter);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
    }

    private async Task<IMessage> ReadMessageAsync(HttpContext context, OtlpSignal signal)
    {
        var limit = options.MaxRequestBytes;
        var stream = context.Request.Body;
        var header = new byte[FrameHeader];
        var headerRead = await stream.ReadAtLeastAsync(header, FrameHeader, throwOnEndOfStream: false, context.RequestAborted).ConfigureAwait(false);
        if (headerRead == 0)
        {
            throw new GrpcProtocolException(GrpcStatus.Internal, "the call carried no request message");
        }
        if (headerRead < FrameHeader)
        {
            throw new GrpcProtocolException(GrpcStatus.Internal, $"the request ended inside the 5-byte gRPC message header ({headerRead} bytes)");
        }
        var compressed = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        // The declared size is checked before the message is read, so an oversize call costs nothing.
        if (length > limit)
        {
            throw new PayloadTooLargeException($"the request message is {length} bytes, over the limit of {limit} bytes");
        }
        PayloadBuffer body;
        try
        {
            body = await PayloadBuffer.ReadAsync(stream, length, length, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PayloadTooLargeException)
        {
            throw new GrpcProtocolException(GrpcStatus.Unimplemented, "Export is a unary method: the request must hold exactly one message");
        }
        using var _ = body;
        if (body.Length < length)
        {
            throw new GrpcProtocolException(GrpcStatus.Internal, $"the gRPC message declares {length} bytes but the request ended after {body.Length}");
        }
        var payload = body.Memory;
        if (compressed == 0)
        {
            return signal.ParseProtobuf(payload.Span);
        }
        var encoding = context.Request.Headers["grpc-encoding"].ToString();
        if (!string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers["grpc-accept-encoding"] = "gzip,identity";
            throw new GrpcProtocolException(
                string.IsNullOrEmpty(encoding) || encoding == "identity" ? GrpcStatus.Internal : GrpcStatus.Unimplemented,
                string.IsNullOrEmpty(encoding) || encoding == "identity"
                    ? "the message is flagged compressed but no grpc-encoding was given"
                    : $"grpc-encoding '{encoding}' is not supported; use gzip or identity");
        }
        using var inflated = PayloadBuffer.Gunzip(payload, limit);
        return signal.ParseProtobuf(inflated.Span);
    }

    /// <summary>Writes one length-prefixed, uncompressed gRPC message.</summary>
    internal static async Task WriteMessageAsync(HttpContext context, IMessage reply)
    {
        var size = reply.CalculateSize();
        var frame = new byte[FrameHeader + size];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)size);
        reply.WriteTo(frame.AsSpan(FrameHeader));
        await context.Response.Body.WriteAsync(frame, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// A failed call. Before any message was written the status goes in the headers (a
    /// "trailers-only" response); a retry hint travels as google.rpc.RetryInfo in grpc-status-details-bin.
    /// </summary>
    internal static void Fail(HttpContext context, GrpcStatus status, string message, TimeSpan? retryAfter = null)
    {
        var headers = context.Response.HasStarted ? null : context.Response.Headers;
        void Set(string name, string value)
        {
            if (headers is not null)
            {
                headers[name] = value;
            }
            else
            {
                context.Response.AppendTrailer(name, value);
            }
        }
        Set("grpc-status", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set("grpc-message", GrpcMessage.Encode(message));
        if (retryAfter is { } delay)
        {
            var details = new Google.Rpc.Status { Code = (int)status, Message = message };
            details.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }));
            Set("grpc-status-details-bin", Convert.ToBase64String(details.ToByteArray()).TrimEnd('='));
        }
    }
}

/// <summary>The call broke the gRPC protocol itself (framing, compression), not the OTLP payload.</summary>
internal sealed class GrpcProtocolException(GrpcStatus status, string message) : Exception(message)
{
    public GrpcStatus Status { get; } = status;
}
