using Observe.Collector.Pipeline;
using Observe.Store;
using Observe.Store.Mesh;
using Observe.Store.RowBinary;
using Observe.Store.Schema;
using Observe.Topology.AccessLogs;

namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>Where a raw access-log line came from, recorded beside it in otel_logs.</summary>
/// <param name="Transport">http, tail, als or otlp.</param>
/// <param name="File">The tailed file, if any.</param>
internal sealed record LineOrigin(string Transport, string? File = null);

/// <summary>
/// The two rows an access-log line becomes: the raw line in otel_logs (always, so nothing is lost
/// when parsing falls short) and, when it parsed, the typed report in mesh_reports.
/// </summary>
internal static class AccessLogRows
{
    public const string ScopeName = "observe.accesslog";

    public static void Report(IngestBatch batch, MeshRequest report)
    {
        MeshRequestRows.Write(batch.For(MeshSchema.Reports), report);
        batch.RowAdded(MeshSchema.Reports);
    }

    /// <param name="format">The format the line parsed as, or null when it did not parse.</param>
    /// <param name="error">Why it did not parse.</param>
    public static void Raw(
        IngestBatch batch, ReadOnlySpan<byte> line, DateTimeOffset timestamp, ReportingProxy? proxy, LineOrigin origin,
        string? format, string? error)
    {
        var w = batch.For(OtelSchema.Logs);
        w.DateTime64Nanos((ulong)UnixTime.Nanos(timestamp));
        w.String(""); // TraceId
        w.String(""); // SpanId
        w.UInt8(0); // TraceFlags
        w.String(error is null ? "" : "WARN");
        w.UInt8(error is null ? (byte)0 : (byte)13); // SEVERITY_NUMBER_WARN
        var peer = proxy?.Peer ?? MeshPeer.None;
        w.String(peer.Service != MeshPeer.Unknown ? peer.Service : peer.Workload != MeshPeer.Unknown ? peer.Workload : "");
        w.String(line);
        w.String(""); // ResourceSchemaUrl
        Map(w, ResourceAttributes(peer));
        w.String(""); // ScopeSchemaUrl
        w.String(ScopeName);
        w.String(""); // ScopeVersion
        w.Count(0); // ScopeAttributes
        Map(w,
            ("log.file.path", origin.File),
            ("observe.accesslog.format", format),
            ("observe.accesslog.parse_error", error),
            ("observe.accesslog.transport", origin.Transport));
        w.String(""); // EventName
        batch.RowAdded(OtelSchema.Logs);
    }

    private static (string, string?)[] ResourceAttributes(MeshPeer peer) =>
    [
        ("cloud.availability_zone", Known(peer.Zone)),
        ("k8s.cluster.name", Known(peer.Cluster)),
        ("k8s.namespace.name", Known(peer.Namespace)),
        ("k8s.workload.name", Known(peer.Workload)),
        ("service.name", Known(peer.Service)),
        ("service.version", Known(peer.Version)),
    ];

    private static string? Known(string value) => value == MeshPeer.Unknown ? null : value;

    /// <summary>A Map(String, String) of the pairs that have a value; keys are given in sorted order.</summary>
    private static void Map(RowBinaryWriter w, params (string Key, string? Value)[] pairs)
    {
        var count = 0;
        foreach (var (_, value) in pairs)
        {
            count += value is null ? 0 : 1;
        }
        w.Count(count);
        foreach (var (key, value) in pairs)
        {
            if (value is not null)
            {
                w.String(key);
                w.String(value);
            }
        }
    }
}
