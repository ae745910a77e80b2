using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;
using Observe.Collector.Pipeline;
using Observe.Store.RowBinary;
using Observe.Store.Schema;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>Turns an ExportTraceServiceRequest into otel_traces rows.</summary>
internal static class SpanRows
{
    private static readonly byte[][] KindNames =
        [.. new[] { "Unspecified", "Internal", "Server", "Client", "Producer", "Consumer" }.Select(System.Text.Encoding.UTF8.GetBytes)];

    private static readonly byte[][] StatusNames =
        [.. new[] { "Unset", "Ok", "Error" }.Select(System.Text.Encoding.UTF8.GetBytes)];

    public static MappedExport Map(ExportTraceServiceRequest request)
    {
        var batch = new IngestBatch();
        var table = OtelSchema.Traces;
        var rejections = new Rejections("span");
        long accepted = 0;
        using var resource = new RowBinaryWriter(1024);
        using var scope = new RowBinaryWriter(256);
        var rows = request.ResourceSpans.Count == 0 ? null : batch.For(table);
        for (var r = 0; r < request.ResourceSpans.Count; r++)
        {
            var resourceSpans = request.ResourceSpans[r];
            var attributes = resourceSpans.Resource?.Attributes ?? [];
            // Resource columns are the same for every span of the resource: encode them once.
            resource.Clear();
            resource.String(AnyValueText.Find(attributes, "service.name"));
            AnyValueText.WriteMap(resource, attributes);
            for (var s = 0; s < resourceSpans.ScopeSpans.Count; s++)
            {
                var scopeSpans = resourceSpans.ScopeSpans[s];
                scope.Clear();
                scope.String(scopeSpans.Scope?.Name);
                scope.String(scopeSpans.Scope?.Version);
                for (var i = 0; i < scopeSpans.Spans.Count; i++)
                {
                    var span = scopeSpans.Spans[i];
                    var problem = Validate(span);
                    if (problem is not null)
                    {
                        rejections.Add($"resourceSpans[{r}].scopeSpans[{s}].spans[{i}]", problem);
                        continue;
                    }
                    Write(rows!, span, resource.WrittenSpan, scope.WrittenSpan);
                    batch.RowAdded(table);
                    accepted++;
                }
            }
        }
        return new MappedExport(batch, accepted, rejections.Count, rejections.Message());
    }

    public static ExportTraceServiceResponse Response(long rejected, string? message) =>
        rejected == 0 && message is null
            ? new ExportTraceServiceResponse()
            : new ExportTraceServiceResponse { PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = message ?? "" } };

    private static string? Validate(Span span)
    {
        if (span.TraceId.Length != 16 || IsZero(span.TraceId))
        {
            return $"trace_id must be 16 bytes and not all zero, got {Describe(span.TraceId)}";
        }
        if (span.SpanId.Length != 8 || IsZero(span.SpanId))
        {
            return $"span_id must be 8 bytes and not all zero, got {Describe(span.SpanId)}";
        }
        if (span.ParentSpanId.Length is not (0 or 8))
        {
            return $"parent_span_id must be empty or 8 bytes, got {span.ParentSpanId.Length} bytes";
        }
        if (span.EndTimeUnixNano < span.StartTimeUnixNano)
        {
            return $"end_time_unix_nano ({span.EndTimeUnixNano}) is before start_time_unix_nano ({span.StartTimeUnixNano})";
        }
        for (var l = 0; l < span.Links.Count; l++)
        {
            var link = span.Links[l];
            if (link.TraceId.Length != 16 || link.SpanId.Length != 8)
            {
                return $"links[{l}] needs a 16-byte trace_id and an 8-byte span_id, got {link.TraceId.Length} and {link.SpanId.Length} bytes";
            }
        }
        return null;
    }

    private static void Write(RowBinaryWriter w, Span span, ReadOnlySpan<byte> resource, ReadOnlySpan<byte> scope)
    {
        w.DateTime64Nanos(span.StartTimeUnixNano);
        w.HexString(span.TraceId.Span);
        w.HexString(span.SpanId.Span);
        OptionalId(w, span.ParentSpanId);
        w.String(span.TraceState);
        w.String(span.Name);
        w.String(KindNames[(int)span.Kind is >= 0 and <= 5 ? (int)span.Kind : 0]);
        // ServiceName then ResourceAttributes, encoded once per resource.
        w.Raw(resource);
        w.Raw(scope);
        AnyValueText.WriteMap(w, span.Attributes);
        w.UInt64(span.EndTimeUnixNano - span.StartTimeUnixNano);
        var status = span.Status?.Code ?? Status.Types.StatusCode.Unset;
        w.String(StatusNames[(int)status is >= 0 and <= 2 ? (int)status : 0]);
        w.String(span.Status?.Message);

        var events = span.Events;
        w.Count(events.Count);
        foreach (var e in events)
        {
            w.DateTime64Nanos(e.TimeUnixNano);
        }
        w.Count(events.Count);
        foreach (var e in events)
        {
            w.String(e.Name);
        }
        w.Count(events.Count);
        foreach (var e in events)
        {
            AnyValueText.WriteMap(w, e.Attributes);
        }

        var links = span.Links;
        w.Count(links.Count);
        foreach (var link in links)
        {
            w.HexString(link.TraceId.Span);
        }
        w.Count(links.Count);
        foreach (var link in links)
        {
            w.HexString(link.SpanId.Span);
        }
        w.Count(links.Count);
        foreach (var link in links)
        {
            w.String(link.TraceState);
        }
        w.Count(links.Count);
        foreach (var link in links)
        {
            AnyValueText.WriteMap(w, link.Attributes);
        }
    }

    /// <summary>An id that may be absent: empty or all zero is stored as "", as the exporter does.</summary>
    internal static void OptionalId(RowBinaryWriter w, ByteString id)
    {
        if (id.Length == 0 || IsZero(id))
        {
            w.String(ReadOnlySpan<byte>.Empty);
        }
        else
        {
            w.HexString(id.Span);
        }
    }

    internal static bool IsZero(ByteString id) => !id.Span.ContainsAnyExcept((byte)0);

    internal static string Describe(ByteString id) =>
        id.Length == 0 ? "none" : IsZero(id) ? $"{id.Length} zero bytes" : $"{id.Length} bytes";
}
