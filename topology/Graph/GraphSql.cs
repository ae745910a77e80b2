using Observe.Store.Mesh;

namespace Observe.Topology.Graph;

/// <summary>
/// The SQL that reads graphs from the edge rollups. Two levels: per rollup window, the edges of
/// the grouping with the proxies' record preferred over the span pairs' (an edge both describe
/// counts once); then per frame (or the whole window), edges and destination nodes in one pass
/// with GROUPING SETS, so that node latency merges the digests of every inbound edge.
/// Only identifiers chosen here enter the text; every value is a parameter.
/// </summary>
internal static class GraphSql
{
    private static readonly string[] Counters = ["Requests", "Errors", "ServerErrors", "ClientErrors", "GrpcErrors", "MtlsRequests", "BytesReceived", "BytesSent"];

    /// <param name="table">The edge rollup read.</param>
    /// <param name="frame">
    /// An expression of Window giving the frame each rollup window belongs to (an arrayJoin when a
    /// window counts in several frames), or null for one graph over the whole range.
    /// </param>
    /// <param name="windowFilter">The condition on Window, with its parameters.</param>
    public static string Build(string table, GraphFilter filter, string? frame, string windowFilter)
    {
        var source = Side("Source", "s", filter);
        var destination = Side("Destination", "d", filter);
        var preferred = string.Join(",\n        ", Counters.Select(c =>
            $"if(proxied, sumIf({c}, Origin = 'accesslog'), sumIf({c}, Origin != 'accesslog')) AS w_{c}"));
        var sums = string.Join(", ", Counters.Select(c => $"sum(w_{c})"));
        var frameKey = frame is null ? "" : "frame, ";
        var filters = "";
        if (filter.Namespaces is { Count: > 0 })
        {
            filters += "\n      AND (has({namespaces:Array(String)}, SourceNamespace) OR has({namespaces:Array(String)}, DestinationNamespace))";
        }
        if (filter.Services is { Count: > 0 })
        {
            filters += "\n      AND (has({services:Array(String)}, SourceService) OR has({services:Array(String)}, DestinationService))";
        }
        return $"""
            SELECT {frameKey}{Keys("s")}, {Keys("d")}, Protocol,
                any(s_service), any(s_version), any(d_service), any(d_version),
                {sums},
                quantilesTDigestMerge({MeshSchema.LatencyQuantiles})(w_Latency)
            FROM (
                SELECT {(frame is null ? "" : frame + " AS frame, ")}
                    {source},
                    {destination},
                    Protocol,
                    sumIf(Requests, Origin = 'accesslog') > 0 AS proxied,
                    {preferred},
                    if(proxied, quantilesTDigestMergeStateIf({MeshSchema.LatencyQuantiles})(LatencyMillis, Origin = 'accesslog'),
                                quantilesTDigestMergeStateIf({MeshSchema.LatencyQuantiles})(LatencyMillis, Origin != 'accesslog')) AS w_Latency
                FROM {table}
                WHERE {windowFilter}{filters}
                GROUP BY Window, {frameKey}{Keys("s")}, {Keys("d")}, Protocol
            )
            GROUP BY GROUPING SETS (({frameKey}{Keys("s")}, {Keys("d")}, Protocol), ({frameKey}{Keys("d")}))
            """;
    }

    private static string Keys(string p) => $"{p}_kind, {p}_cluster, {p}_ns, {p}_name, {p}_ver, {p}_zone";

    /// <summary>The node key of one side under the grouping, and the attributes a node carries.</summary>
    private static string Side(string side, string p, GraphFilter filter)
    {
        // Virtual peers (a database named "orders" of system "postgresql") and unnamed services are named by their workload.
        var service = $"if({side}Service = 'unknown' OR {side}Kind NOT IN ('workload', 'gateway'), {side}Workload, {side}Service)";
        var name = filter.GroupBy == GraphGrouping.Workload ? $"{side}Workload" : service;
        var version = filter.GroupBy == GraphGrouping.Version ? $"{side}Version" : "''";
        var zone = filter.ByZone ? $"{side}Zone" : "'*'";
        return $"{side}Kind AS {p}_kind, {side}Cluster AS {p}_cluster, {side}Namespace AS {p}_ns, {name} AS {p}_name, {version} AS {p}_ver, {zone} AS {p}_zone, " +
            $"any({service}) AS {p}_service, any({side}Version) AS {p}_version";
    }
}
