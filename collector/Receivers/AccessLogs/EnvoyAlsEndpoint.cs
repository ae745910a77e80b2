using System.Buffers.Binary;
using Envoy.Service.Accesslog.V3;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Observe.Collector.Pipeline;
using Observe.Collector.Receivers.Otlp;
using Observe.Topology.AccessLogs;

namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>
/// Envoy's gRPC access-log service on the OTLP gRPC port: one client-streaming call per Envoy
/// stream, the node in the first message's identifier only, then batches of HTTP or TCP
/// entries. Each message is committed before the next is read (the stream's flow control is the
/// back-pressure), so when a stream breaks off, every message that arrived whole is kept.
/// </summary>
internal sealed class EnvoyAlsEndpoint(AccessLogIngest ingest, OtlpOptions options, ILogger<EnvoyAlsEndpoint> logger)
{
    public const string Path = "/envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs";

    private const int FrameHeader = 5;
    private static readonly LineOrigin Origin = new("als");

    public async Task HandleAsync(HttpContext context)
    {
        if (context.Request.ContentType is not { } contentType || !contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await context.Response.WriteAsync($"content-type must be application/grpc, got '{context.Request.ContentType}'", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        context.Response.ContentType = "application/grpc";
        var proxy = ReportingProxy.Unknown;
        string? logName = null;
        var messages = 0;
        try
        {
            var header = new byte[FrameHeader];
            while (true)
            {
                var read = await context.Request.Body.ReadAtLeastAsync(header, FrameHeader, throwOnEndOfStream: false, context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                if (read < FrameHeader)
                {
                    throw new GrpcProtocolException(GrpcStatus.Internal, $"message {messages + 1}: the stream ended inside the 5-byte gRPC message header");
                }
                var message = await ReadMessageAsync(context, header, messages + 1).ConfigureAwait(false);
                messages++;
                if (message.Identifier is { } identifier)
                {
                    // Envoy sends the identifier once per stream; a later one (a new node) replaces it.
                    proxy = EnvoyAlsEntries.Proxy(identifier.Node);
                    logName = identifier.LogName;
                }
                var entries = new List<(AccessLogRecord, string)>();
                foreach (var entry in message.HttpLogs?.LogEntry ?? [])
                {
                    entries.Add((EnvoyAlsEntries.Http(entry), EnvoyAlsEntries.RawJson(entry)));
                }
                foreach (var entry in message.TcpLogs?.LogEntry ?? [])
                {
                    entries.Add((EnvoyAlsEntries.Tcp(entry), EnvoyAlsEntries.RawJson(entry)));
                }
                if (entries.Count > 0)
                {
                    await ingest.IngestRecordsAsync(entries, proxy, Origin with { File = logName }, "envoy-als", context.RequestAborted).ConfigureAwait(false);
                }
            }
            await OtlpGrpcEndpoint.WriteMessageAsync(context, new StreamAccessLogsResponse()).ConfigureAwait(false);
            context.Response.AppendTrailer("grpc-status", "0");
        }
        catch (GrpcProtocolException e)
        {
            ingest.Unreadable(Origin, $"stream message {messages + 1}", e.Message);
            OtlpGrpcEndpoint.Fail(context, e.Status, e.Message);
        }
        catch (PayloadTooLargeException e)
        {
            ingest.Unreadable(Origin, $"stream message {messages + 1}", e.Message);
            OtlpGrpcEndpoint.Fail(context, GrpcStatus.ResourceExhausted, e.Message);
        }
        catch (IngestRefusedException e)
        {
            logger.LogWarning("Envoy access-log stream refused after {Messages} messages: {Reason}", messages, e.Message);
            OtlpGrpcEndpoint.Fail(context, GrpcStatus.Unavailable, e.Message, e.RetryAfter);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException || context.RequestAborted.IsCancellationRequested)
        {
            // The stream broke off: what was committed stays; a half-received message is counted.
            ingest.Unreadable(Origin, $"stream message {messages + 1}", $"the stream was reset after {messages} whole messages");
        }
    }

    private async Task<StreamAccessLogsMessage> ReadMessageAsync(HttpContext context, byte[] header, int number)
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (length > options.MaxRequestBytes)
        {
            throw new PayloadTooLargeException($"message {number} is {length} bytes, over the limit of {options.MaxRequestBytes} bytes (Otlp:MaxRequestBytes)");
        }
        var payload = new byte[length];
        var read = await context.Request.Body.ReadAtLeastAsync(payload, (int)length, throwOnEndOfStream: false, context.RequestAborted).ConfigureAwait(false);
        if (read < length)
        {
            throw new GrpcProtocolException(GrpcStatus.Internal, $"message {number} declares {length} bytes but the stream ended after {read}");
        }
        try
        {
            if (header[0] == 0)
            {
                return StreamAccessLogsMessage.Parser.ParseFrom(payload);
            }
            if (!string.Equals(context.Request.Headers["grpc-encoding"].ToString(), "gzip", StringComparison.OrdinalIgnoreCase))
            {
                throw new GrpcProtocolException(GrpcStatus.Unimplemented, $"message {number} is compressed with an encoding other than gzip");
            }
            using var inflated = PayloadBuffer.Gunzip(payload, options.MaxRequestBytes);
            return StreamAccessLogsMessage.Parser.ParseFrom(inflated.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new GrpcProtocolException(GrpcStatus.InvalidArgument, $"message {number} is not a StreamAccessLogsMessage: {e.Message}");
        }
        catch (InvalidPayloadException e)
        {
            throw new GrpcProtocolException(GrpcStatus.InvalidArgument, $"message {number}: {e.Message}");
        }
    }
}
