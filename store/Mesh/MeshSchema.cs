using Observe.Store.Schema;

namespace Observe.Store.Mesh;

/// <summary>
/// The typed mesh_requests table and its rollups. Rollups keep, per window and per (source,
/// destination) edge or per workload, counts as sums and latency as a t-digest state, so that
/// windows merge correctly when read over any range (quantilesTDigestMerge over the states).
/// </summary>
public static class MeshSchema
{
    public static readonly TableSpec Requests = new("mesh_requests",
        "Timestamp, RequestId, TraceId, Reporter, Origin, " +
        "SourceWorkload, SourceNamespace, SourceService, SourceVersion, SourceCluster, SourceZone, SourceKind, " +
        "DestinationWorkload, DestinationNamespace, DestinationService, DestinationVersion, DestinationCluster, DestinationZone, DestinationKind, " +
        "Protocol, Method, Authority, Path, ResponseCode, GrpcStatus, ResponseFlags, Duration, BytesReceived, BytesSent, Mtls, Error, " +
        "UpstreamCluster, UpstreamHost");

    /// <summary>
    /// Every proxy report as received, before the two reports of one request are paired: the
    /// staging table <see cref="MeshReportPairing"/> reads by block number. Same columns as
    /// <see cref="Requests"/>; ReceivedAt is filled by the engine at insert.
    /// </summary>
    public static readonly TableSpec Reports = new("mesh_reports", Requests.Columns);

    /// <summary>
    /// Rollup tables by window: edges (source → destination) and workloads (as a destination).
    /// Both are keyed by Origin as well, so that readers can prefer a proxy's record of an edge to
    /// the span pair describing the same calls.
    /// </summary>
    public static IReadOnlyList<(string Table, int WindowSeconds)> EdgeRollups { get; } = [("mesh_edges_10s", 10), ("mesh_edges_1m", 60)];

    public static IReadOnlyList<(string Table, int WindowSeconds)> WorkloadRollups { get; } = [("mesh_workloads_10s", 10), ("mesh_workloads_1m", 60)];

    /// <summary>
    /// The highest block number a row's part can hold, from the part's name
    /// (partition_minblock_maxblock_level): pairing steps read "blocks above N" and skip whole
    /// parts with it before reading any row's _block_number.
    /// </summary>
    public const string MaxBlockOfPart = "toUInt64(splitByChar('_', _part)[3])";

    /// <summary>The quantiles every latency digest is read at, in milliseconds.</summary>
    public const string LatencyQuantiles = "0.5, 0.95, 0.99";

    /// <summary>
    /// Upper bounds, in milliseconds, of the latency histogram the rollups keep beside the digest:
    /// counts per bucket answer "how many requests took at most T", which latency SLIs need and
    /// a quantile digest cannot give. The last bucket counts everything slower.
    /// </summary>
    public static IReadOnlyList<double> LatencyBucketsMillis { get; } = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

    private const string Peer = "LowCardinality(String) CODEC(ZSTD(1))";

    /// <summary>The fields of one side of a request; columns are these prefixed with Source or Destination.</summary>
    internal static IReadOnlyList<string> PeerFields { get; } = ["Workload", "Namespace", "Service", "Version", "Cluster", "Zone", "Kind"];

    /// <summary>The columns of a request, shared by mesh_requests, the mesh_reports staging table and span_call_outcomes.</summary>
    internal static string RequestColumns => $"""
            Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
            RequestId String CODEC(ZSTD(1)),
            TraceId String CODEC(ZSTD(1)),
            Reporter LowCardinality(String) CODEC(ZSTD(1)),
            Origin LowCardinality(String) CODEC(ZSTD(1)),
        {Columns("Source")},
        {Columns("Destination")},
            Protocol LowCardinality(String) CODEC(ZSTD(1)),
            Method LowCardinality(String) CODEC(ZSTD(1)),
            Authority LowCardinality(String) CODEC(ZSTD(1)),
            Path String CODEC(ZSTD(1)),
            ResponseCode UInt16 CODEC(ZSTD(1)),
            GrpcStatus Int16 CODEC(ZSTD(1)),
            ResponseFlags Array(LowCardinality(String)) CODEC(ZSTD(1)),
            Duration UInt64 CODEC(ZSTD(1)),
            BytesReceived UInt64 CODEC(ZSTD(1)),
            BytesSent UInt64 CODEC(ZSTD(1)),
            Mtls Bool,
            Error Bool,
            UpstreamCluster LowCardinality(String) CODEC(ZSTD(1)),
            UpstreamHost String CODEC(ZSTD(1))
        """;

    private static string Columns(string side) => string.Join(",\n", PeerFields.Select(f => $"    {side}{f} {Peer}"));

    private static string Names(string side) => string.Join(", ", PeerFields.Select(f => side + f));

    private static string EdgeKeys => $"{Names("Source")}, {Names("Destination")}, Protocol, Origin";

    private static string WorkloadKeys => $"{Names("Destination")}, Origin";

    internal static Migration Migration { get; } = new(2, "mesh_requests", c =>
    [
        $"""
        CREATE TABLE IF NOT EXISTS `{c.Database}`.{Requests.Name} (
        {RequestColumns},
            INDEX idx_request_id RequestId TYPE bloom_filter(0.001) GRANULARITY 1,
            INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1
        ) ENGINE = MergeTree()
        PARTITION BY toDate(Timestamp)
        ORDER BY (DestinationNamespace, DestinationWorkload, SourceWorkload, toDateTime(Timestamp))
        {c.Ttl("toDateTime(Timestamp)", c.Retention.MeshRequests)}
        SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
        """,
    ]);

    /// <summary>
    /// Reports are staged and paired before they become requests, so that a request both proxies
    /// report counts once. Block numbers are kept per row (they survive merges) because a part's
    /// block number is allocated when it becomes visible: "every block up to N" is then a prefix
    /// no later insert can add to, which makes the pairing exactly-once without a clock.
    /// </summary>
    internal static Migration PairingMigration { get; } = new(3, "mesh_reports staging table and pairing watermarks on mesh_requests", c =>
    [
        $"""
        CREATE TABLE IF NOT EXISTS `{c.Database}`.{Reports.Name} (
        {RequestColumns},
            ReceivedAt DateTime64(3) DEFAULT now64(3) CODEC(Delta, ZSTD(1))
        ) ENGINE = MergeTree()
        PARTITION BY toStartOfHour(ReceivedAt)
        ORDER BY (ReceivedAt, RequestId)
        {c.Ttl("toDateTime(ReceivedAt)", c.Retention.MeshReports)}
        SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, enable_block_number_column = 1
        """,
        $"""
        ALTER TABLE `{c.Database}`.{Requests.Name}
            ADD COLUMN IF NOT EXISTS ReportsThrough UInt64 DEFAULT 0 CODEC(Delta, ZSTD(1)),
            ADD COLUMN IF NOT EXISTS SourceReportsThrough UInt64 DEFAULT 0 CODEC(Delta, ZSTD(1))
        """,
    ]);

    /// <summary>
    /// Peer kinds (workload, gateway, user, database, messaging, external, unknown), and rollups
    /// keyed by origin with the error classes health needs and a latency histogram. Rollups of
    /// earlier versions are replaced and refilled from mesh_requests.
    /// </summary>
    internal static Migration GraphMigration { get; } = new(4, "peer kinds; rollups by origin with error classes and latency buckets", c =>
    [
        .. new[] { Requests.Name, Reports.Name }.Select(table => $"""
            ALTER TABLE `{c.Database}`.{table}
                ADD COLUMN IF NOT EXISTS SourceKind LowCardinality(String) DEFAULT if(SourceWorkload = 'unknown', 'unknown', 'workload') CODEC(ZSTD(1)) AFTER SourceZone,
                ADD COLUMN IF NOT EXISTS DestinationKind LowCardinality(String) DEFAULT if(DestinationWorkload = 'unknown', 'unknown', 'workload') CODEC(ZSTD(1)) AFTER DestinationZone
            """),
        .. EdgeRollups.Concat(WorkloadRollups).SelectMany(r => new[]
        {
            $"DROP VIEW IF EXISTS `{c.Database}`.{r.Table}_mv",
            $"DROP TABLE IF EXISTS `{c.Database}`.{r.Table}",
        }),
        .. EdgeRollups.SelectMany(r => Rollup(c, r.Table, r.WindowSeconds, EdgeKeys,
            $"{Columns("Source")},\n{Columns("Destination")},\n    Protocol {Peer},\n    Origin {Peer},")),
        .. WorkloadRollups.SelectMany(r => Rollup(c, r.Table, r.WindowSeconds, WorkloadKeys, $"{Columns("Destination")},\n    Origin {Peer},")),
    ]);

    /// <summary>
    /// An AggregatingMergeTree keyed by <paramref name="keys"/> within each hour (so that a query
    /// over the last minutes reads the granules of one hour, not of the whole day), its materialized view from
    /// mesh_requests, and the statement that fills it from the requests already stored.
    /// </summary>
    private static IEnumerable<string> Rollup(SchemaContext c, string table, int windowSeconds, string keys, string keyColumns)
    {
        yield return $"""
            CREATE TABLE IF NOT EXISTS `{c.Database}`.{table} (
                Window DateTime CODEC(Delta, ZSTD(1)),
            {keyColumns}
                Requests SimpleAggregateFunction(sum, UInt64),
                Errors SimpleAggregateFunction(sum, UInt64),
                ClientErrors SimpleAggregateFunction(sum, UInt64),
                ServerErrors SimpleAggregateFunction(sum, UInt64),
                GrpcErrors SimpleAggregateFunction(sum, UInt64),
                MtlsRequests SimpleAggregateFunction(sum, UInt64),
                BytesReceived SimpleAggregateFunction(sum, UInt64),
                BytesSent SimpleAggregateFunction(sum, UInt64),
                LatencyMillis AggregateFunction(quantilesTDigest({LatencyQuantiles}), Float64),
                LatencyBuckets AggregateFunction(sumForEach, Array(UInt64))
            ) ENGINE = AggregatingMergeTree()
            PARTITION BY toDate(Window)
            ORDER BY (toStartOfHour(Window), {keys}, Window)
            {c.Ttl("Window", c.Retention.Rollups)}
            SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
            """;
        foreach (var statement in FedFromRequests(c, table, RollupSelect(c, windowSeconds, keys, weighted: false), keys))
        {
            yield return statement;
        }
    }

    /// <summary>
    /// What a rollup sums per window. Weighted, each request counts as its AdjustedCount (a sampled
    /// span stands for several); latency digests stay per row, as uniform sampling leaves the
    /// distribution as it was.
    /// </summary>
    private static string RollupSelect(SchemaContext c, int windowSeconds, string keys, bool weighted) => $"""
        SELECT
            toStartOfInterval(Timestamp, INTERVAL {windowSeconds} SECOND) AS Window,
            {keys},
            {Count(weighted)} AS Requests,
            {Count(weighted, "Error")} AS Errors,
            {Count(weighted, "ResponseCode BETWEEN 400 AND 499")} AS ClientErrors,
            {Count(weighted, "ResponseCode >= 500 OR (Error AND ResponseCode = 0 AND GrpcStatus <= 0)")} AS ServerErrors,
            {Count(weighted, "GrpcStatus > 0")} AS GrpcErrors,
            {Count(weighted, "Mtls")} AS MtlsRequests,
            sum(BytesReceived{(weighted ? " * AdjustedCount" : "")}) AS BytesReceived,
            sum(BytesSent{(weighted ? " * AdjustedCount" : "")}) AS BytesSent,
            quantilesTDigestState({LatencyQuantiles})(Duration / 1e6) AS LatencyMillis,
            {LatencyHistogramState(LatencyBucketsMillis, weighted)} AS LatencyBuckets
        FROM `{c.Database}`.{Requests.Name}
        """;

    /// <summary>The requests (where <paramref name="condition"/> holds), each once or by its AdjustedCount.</summary>
    internal static string Count(bool weighted, string? condition = null) => (weighted, condition) switch
    {
        (false, null) => "count()",
        (false, _) => $"countIf({condition})",
        (true, null) => "sum(AdjustedCount)",
        (true, _) => $"sumIf(AdjustedCount, {condition})",
    };

    /// <summary>The edge and workload rollups' views, replaced by ones that count requests by AdjustedCount; the rollups keep their rows.</summary>
    internal static IEnumerable<string> WeightedViews(SchemaContext c) =>
        EdgeRollups.Select(r => (r.Table, Select: RollupSelect(c, r.WindowSeconds, EdgeKeys, weighted: true), Keys: EdgeKeys))
            .Concat(WorkloadRollups.Select(r => (r.Table, Select: RollupSelect(c, r.WindowSeconds, WorkloadKeys, weighted: true), Keys: WorkloadKeys)))
            .Select(r => ReplacedView(c, r.Table, r.Select, r.Keys));

    /// <summary>A cumulative latency histogram state over mesh_requests' Duration: per bound, the requests that took at most that many ms, then all.</summary>
    internal static string LatencyHistogramState(IReadOnlyList<double> boundsMillis, bool weighted) =>
        $"sumForEachState(arrayMap(b -> toUInt64(Duration / 1e6 <= b){(weighted ? " * AdjustedCount" : "")}, [{string.Join(", ", boundsMillis)}, inf]))";

    /// <summary>A rollup's view given <paramref name="select"/> in place of its query, without a moment in which inserts pass unseen.</summary>
    internal static string ReplacedView(SchemaContext c, string table, string select, string keys) => $"""
        ALTER TABLE `{c.Database}`.{table}_mv MODIFY QUERY
        {select}
        GROUP BY Window, {keys}
        """;

    /// <summary>The materialized view that keeps a rollup fed from mesh_requests, and the statement that fills it from the requests already stored.</summary>
    internal static IEnumerable<string> FedFromRequests(SchemaContext c, string table, string select, string keys)
    {
        yield return View(c, table, select, keys);
        yield return $"""
            INSERT INTO `{c.Database}`.{table}
            {select}
            GROUP BY Window, {keys}
            """;
    }

    private static string View(SchemaContext c, string table, string select, string keys) => $"""
        CREATE MATERIALIZED VIEW IF NOT EXISTS `{c.Database}`.{table}_mv TO `{c.Database}`.{table}
        AS {select}
        GROUP BY Window, {keys}
        """;
}
