using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Logs.V1;
using Observe.Collector.Pipeline;
using Observe.Store.RowBinary;
using Observe.Store.Schema;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>Turns an ExportLogsServiceRequest into otel_logs rows.</summary>
internal static class LogRows
{
    public static MappedExport Map(ExportLogsServiceRequest request)
    {
        var batch = new IngestBatch();
        var table = OtelSchema.Logs;
        var rejections = new Rejections("log record");
        long accepted = 0;
        // A record without either time is stored at the time the collector received it.
        var receivedAt = (ulong)Observe.Store.UnixTime.Nanos(DateTimeOffset.UtcNow);
        using var resource = new RowBinaryWriter(1024);
        using var scope = new RowBinaryWriter(256);
        for (var r = 0; r < request.ResourceLogs.Count; r++)
        {
            var resourceLogs = request.ResourceLogs[r];
            var attributes = resourceLogs.Resource?.Attributes ?? [];
            var serviceName = AnyValueText.Find(attributes, "service.name");
            resource.Clear();
            resource.String(resourceLogs.SchemaUrl);
            AnyValueText.WriteMap(resource, attributes);
            for (var s = 0; s < resourceLogs.ScopeLogs.Count; s++)
            {
                var scopeLogs = resourceLogs.ScopeLogs[s];
                scope.Clear();
                scope.String(scopeLogs.SchemaUrl);
                scope.String(scopeLogs.Scope?.Name);
                scope.String(scopeLogs.Scope?.Version);
                AnyValueText.WriteMap(scope, scopeLogs.Scope?.Attributes ?? []);
                for (var i = 0; i < scopeLogs.LogRecords.Count; i++)
                {
                    var record = scopeLogs.LogRecords[i];
                    var problem = Validate(record);
                    if (problem is not null)
                    {
                        rejections.Add($"resourceLogs[{r}].scopeLogs[{s}].logRecords[{i}]", problem);
                        continue;
                    }
                    Write(batch.For(table), record, serviceName, resource.WrittenSpan, scope.WrittenSpan, receivedAt);
                    batch.RowAdded(table);
                    accepted++;
                }
            }
        }
        return new MappedExport(batch, accepted, rejections.Count, rejections.Message());
    }

    public static ExportLogsServiceResponse Response(long rejected, string? message) =>
        rejected == 0 && message is null
            ? new ExportLogsServiceResponse()
            : new ExportLogsServiceResponse { PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = rejected, ErrorMessage = message ?? "" } };

    private static string? Validate(LogRecord record)
    {
        if (record.TraceId.Length is not (0 or 16))
        {
            return $"trace_id must be empty or 16 bytes, got {record.TraceId.Length} bytes";
        }
        if (record.SpanId.Length is not (0 or 8))
        {
            return $"span_id must be empty or 8 bytes, got {record.SpanId.Length} bytes";
        }
        if ((int)record.SeverityNumber is < 0 or > 24)
        {
            return $"severity_number must be 0 to 24, got {(int)record.SeverityNumber}";
        }
        return null;
    }

    private static void Write(RowBinaryWriter w, LogRecord record, string serviceName, ReadOnlySpan<byte> resource, ReadOnlySpan<byte> scope, ulong receivedAt)
    {
        // A record without its own time is stored at the time the collector first saw it.
        w.DateTime64Nanos(record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano != 0 ? record.ObservedTimeUnixNano : receivedAt);
        SpanRows.OptionalId(w, record.TraceId);
        SpanRows.OptionalId(w, record.SpanId);
        w.UInt8((byte)(record.Flags & 0xFF));
        w.String(record.SeverityText);
        w.UInt8((byte)record.SeverityNumber);
        w.String(serviceName);
        AnyValueText.Write(w, record.Body);
        // ResourceSchemaUrl, ResourceAttributes; then ScopeSchemaUrl, ScopeName, ScopeVersion, ScopeAttributes.
        w.Raw(resource);
        w.Raw(scope);
        AnyValueText.WriteMap(w, record.Attributes);
        w.String(record.EventName);
    }
}
