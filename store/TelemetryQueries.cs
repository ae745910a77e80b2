using System.Text.Json;
using Observe.Store.Schema;

namespace Observe.Store;

/// <summary>A service's spans in a time window.</summary>
public sealed record ServiceSummary(string Service, long Spans, long Errors, double P50Millis, double P99Millis);

/// <summary>One stored span, as the API shows it.</summary>
public sealed record StoredSpan(
    DateTimeOffset Timestamp, string TraceId, string SpanId, string ParentSpanId, string TraceState, string Name, string Kind,
    string Service, IReadOnlyDictionary<string, string> ResourceAttributes, string ScopeName, string ScopeVersion,
    IReadOnlyDictionary<string, string> Attributes, ulong DurationNanos, string StatusCode, string StatusMessage,
    IReadOnlyList<StoredSpanEvent> Events, IReadOnlyList<StoredSpanLink> Links);

public sealed record StoredSpanEvent(DateTimeOffset Timestamp, string Name, IReadOnlyDictionary<string, string> Attributes);

public sealed record StoredSpanLink(string TraceId, string SpanId, string TraceState, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A trace found by a search: the slowest matching span stands for it.</summary>
/// <param name="Start">The earliest matching span's start.</param>
/// <param name="SpanCount">Every stored span of the trace, not only the matching ones.</param>
public sealed record TraceSummary(string TraceId, string Service, string Namespace, string Name, DateTimeOffset Start, double DurationMs, bool Error, long SpanCount);

/// <summary>What a trace search looks for; empty strings match any service or namespace.</summary>
/// <param name="Workload">The span's workload as the span pairing names it: <c>k8s.deployment.name</c>, <c>k8s.statefulset.name</c>, <c>k8s.daemonset.name</c>, else the service.</param>
/// <param name="Version"><c>service.version</c>.</param>
/// <param name="Zone"><c>cloud.availability_zone</c>.</param>
public sealed record TraceSearch(
    DateTimeOffset From, DateTimeOffset To, string Service = "", string Namespace = "", double MinDurationMs = 0, bool ErrorsOnly = false, int Limit = 20,
    string Workload = "", string Version = "", string Zone = "");

/// <summary>The read queries the HTTP API answers from the raw tables.</summary>
public sealed class TelemetryQueries(IClickHouseTransport store, string database)
{
    /// <summary>Rows per data table (system.parts of active parts: cheap, never a scan).</summary>
    public async Task<IReadOnlyDictionary<string, long>> RowCountsAsync(CancellationToken cancellationToken = default)
    {
        var output = await store.QueryAsync(
            "SELECT table, sum(rows) AS rows FROM system.parts WHERE database = {db:String} AND active GROUP BY table",
            "JSONEachRow", new QueryParameters().Add("db", database), cancellationToken).ConfigureAwait(false);
        var counts = OtelSchema.DataTables.Concat([Mesh.MeshSchema.Reports.Name, Mesh.MeshSchema.Requests.Name, Mesh.SpanSchema.Calls.Name]).ToDictionary(t => t, _ => 0L);
        foreach (var row in JsonLines.Read(output))
        {
            var table = row.GetProperty("table").GetString()!;
            if (counts.ContainsKey(table))
            {
                counts[table] = JsonLines.Int64(row.GetProperty("rows"));
            }
        }
        return counts;
    }

    /// <summary>
    /// The spans of one trace, oldest first. The lookup table narrows the scan of otel_traces to the
    /// trace's time range, as the exporter's companion table is meant to be used.
    /// </summary>
    public async Task<IReadOnlyList<StoredSpan>> TraceAsync(string traceId, CancellationToken cancellationToken = default)
    {
        var sql = $$"""
            WITH
                (SELECT min(Start) FROM `{{database}}`.{{OtelSchema.TraceIdLookup}} WHERE TraceId = {traceId:String}) AS first,
                (SELECT max(End) + 1 FROM `{{database}}`.{{OtelSchema.TraceIdLookup}} WHERE TraceId = {traceId:String}) AS last
            SELECT
                toUnixTimestamp64Nano(Timestamp) AS ts, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName,
                ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes, Duration, StatusCode, StatusMessage,
                arrayMap(t -> toUnixTimestamp64Nano(t), `Events.Timestamp`) AS eventTimes, `Events.Name` AS eventNames, `Events.Attributes` AS eventAttributes,
                `Links.TraceId` AS linkTraceIds, `Links.SpanId` AS linkSpanIds, `Links.TraceState` AS linkStates, `Links.Attributes` AS linkAttributes
            FROM `{{database}}`.{{OtelSchema.Traces.Name}}
            WHERE TraceId = {traceId:String} AND Timestamp >= first AND Timestamp <= last
            ORDER BY Timestamp, SpanId
            SETTINGS output_format_json_quote_64bit_integers = 1
            """;
        var output = await store.QueryAsync(sql, "JSONEachRow", new QueryParameters().Add("traceId", traceId), cancellationToken).ConfigureAwait(false);
        return JsonLines.Read(output).Select(ReadSpan).ToList();
    }

    /// <summary>
    /// The newest traces with a span in [From, To) that matches the search, newest first. A span's
    /// namespace is <c>service.namespace</c>, else <c>k8s.namespace.name</c>. The span counts come
    /// from a second read narrowed by the found ids, a day either side of the range (traces longer
    /// than that are counted short).
    /// </summary>
    public async Task<IReadOnlyList<TraceSummary>> SearchTracesAsync(TraceSearch search, CancellationToken cancellationToken = default)
    {
        var sql = $$"""
            SELECT
                TraceId,
                argMax(ServiceName, Duration) AS service,
                argMax(if(ResourceAttributes['service.namespace'] != '', ResourceAttributes['service.namespace'], ResourceAttributes['k8s.namespace.name']), Duration) AS namespace,
                argMax(SpanName, Duration) AS name,
                toUnixTimestamp64Nano(min(Timestamp)) AS start,
                max(Duration) / 1e6 AS durationMs,
                max(StatusCode = 'Error') AS error
            FROM `{{database}}`.{{OtelSchema.Traces.Name}}
            WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND Timestamp < fromUnixTimestamp64Nano({to:Int64})
                AND ({service:String} = '' OR ServiceName = {service:String})
                AND ({namespace:String} = '' OR ResourceAttributes['service.namespace'] = {namespace:String} OR ResourceAttributes['k8s.namespace.name'] = {namespace:String})
                AND ({workload:String} = '' OR multiIf(
                        ResourceAttributes['k8s.deployment.name'] != '', ResourceAttributes['k8s.deployment.name'],
                        ResourceAttributes['k8s.statefulset.name'] != '', ResourceAttributes['k8s.statefulset.name'],
                        ResourceAttributes['k8s.daemonset.name'] != '', ResourceAttributes['k8s.daemonset.name'],
                        ServiceName) = {workload:String})
                AND ({version:String} = '' OR ResourceAttributes['service.version'] = {version:String})
                AND ({zone:String} = '' OR ResourceAttributes['cloud.availability_zone'] = {zone:String})
                AND Duration >= {minDuration:UInt64}
                AND (NOT {errorsOnly:Bool} OR StatusCode = 'Error')
            GROUP BY TraceId
            ORDER BY start DESC, TraceId
            LIMIT {limit:UInt32}
            SETTINGS output_format_json_quote_64bit_integers = 1
            """;
        var parameters = new QueryParameters()
            .Add("from", UnixTime.Nanos(search.From)).Add("to", UnixTime.Nanos(search.To))
            .Add("service", search.Service).Add("namespace", search.Namespace)
            .Add("workload", search.Workload).Add("version", search.Version).Add("zone", search.Zone)
            .Add("minDuration", (ulong)Math.Max(0, search.MinDurationMs * 1e6)).Add("errorsOnly", search.ErrorsOnly ? "true" : "false")
            .Add("limit", (long)search.Limit);
        var output = await store.QueryAsync(sql, "JSONEachRow", parameters, cancellationToken).ConfigureAwait(false);
        var found = JsonLines.Read(output).ToList();
        if (found.Count == 0)
        {
            return [];
        }
        var ids = found.Select(row => row.GetProperty("TraceId").GetString()!).ToArray();
        var countSql = $$"""
            SELECT TraceId, count() AS spans
            FROM `{{database}}`.{{OtelSchema.Traces.Name}}
            WHERE TraceId IN {ids:Array(String)}
                AND Timestamp >= fromUnixTimestamp64Nano({from:Int64}) - INTERVAL 1 DAY AND Timestamp < fromUnixTimestamp64Nano({to:Int64}) + INTERVAL 1 DAY
            GROUP BY TraceId
            SETTINGS output_format_json_quote_64bit_integers = 1
            """;
        var countOutput = await store.QueryAsync(countSql, "JSONEachRow",
            new QueryParameters().Add("ids", ids).Add("from", UnixTime.Nanos(search.From)).Add("to", UnixTime.Nanos(search.To)), cancellationToken).ConfigureAwait(false);
        var counts = JsonLines.Read(countOutput).ToDictionary(row => row.GetProperty("TraceId").GetString()!, row => JsonLines.Int64(row.GetProperty("spans")));
        return found.Select(row =>
        {
            var traceId = row.GetProperty("TraceId").GetString()!;
            return new TraceSummary(
                traceId,
                row.GetProperty("service").GetString()!,
                row.GetProperty("namespace").GetString()!,
                row.GetProperty("name").GetString()!,
                ReadTime(row.GetProperty("start")),
                row.GetProperty("durationMs").GetDouble(),
                JsonLines.Int64(row.GetProperty("error")) != 0,
                counts.GetValueOrDefault(traceId));
        }).ToList();
    }

    /// <summary>Each service with spans whose start lies in [from, to).</summary>
    public async Task<IReadOnlyList<ServiceSummary>> ServicesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var sql = $$"""
            SELECT
                ServiceName AS service,
                count() AS spans,
                countIf(StatusCode = 'Error') AS errors,
                quantileTDigest(0.5)(Duration) / 1e6 AS p50,
                quantileTDigest(0.99)(Duration) / 1e6 AS p99
            FROM `{{database}}`.{{OtelSchema.Traces.Name}}
            WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND Timestamp < fromUnixTimestamp64Nano({to:Int64})
            GROUP BY ServiceName
            ORDER BY ServiceName
            SETTINGS output_format_json_quote_64bit_integers = 0
            """;
        var output = await store.QueryAsync(sql, "JSONEachRow",
            new QueryParameters().Add("from", UnixTime.Nanos(from)).Add("to", UnixTime.Nanos(to)), cancellationToken).ConfigureAwait(false);
        return JsonLines.Read(output).Select(row => new ServiceSummary(
            row.GetProperty("service").GetString()!,
            JsonLines.Int64(row.GetProperty("spans")),
            JsonLines.Int64(row.GetProperty("errors")),
            row.GetProperty("p50").GetDouble(),
            row.GetProperty("p99").GetDouble())).ToList();
    }

    private static StoredSpan ReadSpan(JsonElement row)
    {
        var eventTimes = row.GetProperty("eventTimes").EnumerateArray().Select(ReadTime).ToList();
        var eventNames = Strings(row.GetProperty("eventNames"));
        var eventAttributes = row.GetProperty("eventAttributes").EnumerateArray().Select(ReadMap).ToList();
        var linkTraceIds = Strings(row.GetProperty("linkTraceIds"));
        var linkSpanIds = Strings(row.GetProperty("linkSpanIds"));
        var linkStates = Strings(row.GetProperty("linkStates"));
        var linkAttributes = row.GetProperty("linkAttributes").EnumerateArray().Select(ReadMap).ToList();
        return new StoredSpan(
            ReadTime(row.GetProperty("ts")),
            row.GetProperty("TraceId").GetString()!,
            row.GetProperty("SpanId").GetString()!,
            row.GetProperty("ParentSpanId").GetString()!,
            row.GetProperty("TraceState").GetString()!,
            row.GetProperty("SpanName").GetString()!,
            row.GetProperty("SpanKind").GetString()!,
            row.GetProperty("ServiceName").GetString()!,
            ReadMap(row.GetProperty("ResourceAttributes")),
            row.GetProperty("ScopeName").GetString()!,
            row.GetProperty("ScopeVersion").GetString()!,
            ReadMap(row.GetProperty("SpanAttributes")),
            (ulong)JsonLines.Int64(row.GetProperty("Duration")),
            row.GetProperty("StatusCode").GetString()!,
            row.GetProperty("StatusMessage").GetString()!,
            eventTimes.Select((t, i) => new StoredSpanEvent(t, eventNames[i], eventAttributes[i])).ToList(),
            linkTraceIds.Select((t, i) => new StoredSpanLink(t, linkSpanIds[i], linkStates[i], linkAttributes[i])).ToList());
    }

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToList();

    private static Dictionary<string, string> ReadMap(JsonElement map) =>
        map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    private static DateTimeOffset ReadTime(JsonElement nanos) =>
        DateTimeOffset.UnixEpoch.AddTicks(JsonLines.Int64(nanos) / 100);
}
