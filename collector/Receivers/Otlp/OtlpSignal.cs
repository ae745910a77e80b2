using Google.Protobuf;
using Observe.Collector.Pipeline;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>What one export request became: rows to commit, and the items that could not be stored.</summary>
internal sealed record MappedExport(IngestBatch Batch, long Accepted, long Rejected, string? RejectionMessage);

/// <summary>
/// One OTLP signal (traces, metrics or logs): its gRPC method and HTTP path, how its request is
/// decoded and turned into rows, and how its response reports partial success.
/// </summary>
internal sealed class OtlpSignal(
    string name,
    string grpcMethod,
    string httpPath,
    MessageParser parser,
    Func<IMessage, MappedExport> map,
    Func<long, string?, IMessage> response)
{
    private static readonly JsonParser Json = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private readonly Google.Protobuf.Reflection.MessageDescriptor _descriptor = parser.ParseFrom(ReadOnlySpan<byte>.Empty).Descriptor;

    /// <summary>traces, metrics or logs: the word used in counters and messages.</summary>
    public string Name { get; } = name;

    /// <summary>e.g. <c>/opentelemetry.proto.collector.trace.v1.TraceService/Export</c>.</summary>
    public string GrpcMethod { get; } = grpcMethod;

    /// <summary>e.g. <c>/v1/traces</c>.</summary>
    public string HttpPath { get; } = httpPath;

    public MappedExport Map(IMessage request) => map(request);

    public IMessage Response(long rejected, string? message) => response(rejected, message);

    public IMessage ParseProtobuf(ReadOnlySpan<byte> payload)
    {
        IMessage message;
        try
        {
            message = parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidPayloadException($"the body is not a valid protobuf {_descriptor.Name}: {e.Message}");
        }
        if (Utf8FieldCheck.FindInvalid(payload, _descriptor) is { } path)
        {
            throw new InvalidPayloadException($"{path} is not valid UTF-8 (protobuf string fields must be UTF-8)");
        }
        return message;
    }

    public IMessage ParseJson(ReadOnlySpan<byte> payload) => OtlpJson.Parse(payload, _descriptor, Json);
}
