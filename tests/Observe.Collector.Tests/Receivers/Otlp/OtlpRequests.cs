using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Observe.Collector.Tests.Receivers.Otlp;

/// <summary>Protobuf requests built from the generated OTLP types.</summary>
internal static class OtlpRequests
{
    public static ExportTraceServiceRequest Spans(string service, int count, ulong startNanos)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } };
        for (var i = 0; i < count; i++)
        {
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(b => (byte)(b + i)).ToArray()),
                SpanId = ByteString.CopyFrom(Enumerable.Range(1, 8).Select(b => (byte)(b + i)).ToArray()),
                Name = $"op-{i}",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = startNanos,
                EndTimeUnixNano = startNanos + 1_000_000,
            });
        }
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
        return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { scope } } } };
    }

    public static ulong NowNanos() => (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
}
