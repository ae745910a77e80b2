using Observe.Store.Mesh;
using Observe.Store.Schema;

namespace Observe.Store.Slo;

/// <summary>
/// What SLO evaluation reads and writes. The SLI rollups keep, per minute and per hour, request
/// counts by destination, route and status with a latency histogram, so that any status class and
/// any latency threshold can be counted after the fact; evaluations are stored one row per SLO
/// objective per step, for history and for the autoscaler.
/// </summary>
public static class SloSchema
{
    /// <summary>SLI rollups by window length: windows are read from the hourly table where whole hours fit, from the minutes at the edges.</summary>
    public static IReadOnlyList<(string Table, int WindowSeconds)> SliRollups { get; } = [("mesh_sli_1m", 60), ("mesh_sli_1h", 3600)];

    /// <summary>The series key of the SLI rollups, in order.</summary>
    public static IReadOnlyList<string> SliKeys { get; } =
        ["DestinationNamespace", "DestinationService", "DestinationWorkload", "DestinationVersion", "Origin", "Protocol", "Route", "Method", "ResponseCode", "GrpcStatus"];

    /// <summary>
    /// Upper bounds, in milliseconds, of the SLI latency histogram: finer than the topology's so that
    /// usual thresholds (200 ms, 300 ms, 1.5 s…) are counted exactly. The last bucket counts everything slower.
    /// </summary>
    public static IReadOnlyList<double> LatencyBoundsMillis { get; } =
        [1, 2, 3, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10000, 15000, 20000, 30000, 60000];

    /// <summary>
    /// The route of a request: its path without query string, segments that look like ids (all
    /// digits, or 16 and more hex digits and dashes) written {id} so that one route is one series.
    /// </summary>
    internal const string RouteExpression =
        "substring(arrayStringConcat(arrayMap(s -> if(match(s, '^([0-9]+|[0-9a-fA-F-]{16,})$'), '{id}', s), splitByChar('/', cutQueryStringAndFragment(Path))), '/'), 1, 200)";

    public static readonly TableSpec Evaluations = new("slo_evaluations",
        "Time, Slo, Objective, Service, Budgeting, PeriodStart, PeriodEnd, Target, Good, Total, Sli, " +
        "BudgetTotal, BudgetConsumed, BudgetRemaining, BudgetMinutes, BudgetRemainingMinutes, BurnWindows, BurnRates, AlertState, AlertSince");

    internal static Migration Migration { get; } = new(6, "SLI rollups by route and status; SLO evaluations", c =>
    [
        .. SliRollups.SelectMany(r => Rollup(c, r.Table, r.WindowSeconds)),
        $"""
        CREATE TABLE IF NOT EXISTS `{c.Database}`.{Evaluations.Name} (
            Time DateTime CODEC(Delta, ZSTD(1)),
            Slo LowCardinality(String),
            Objective LowCardinality(String),
            Service LowCardinality(String),
            Budgeting LowCardinality(String),
            PeriodStart DateTime CODEC(Delta, ZSTD(1)),
            PeriodEnd DateTime CODEC(Delta, ZSTD(1)),
            Target Float64,
            Good UInt64 CODEC(T64, ZSTD(1)),
            Total UInt64 CODEC(T64, ZSTD(1)),
            Sli Nullable(Float64),
            BudgetTotal Float64,
            BudgetConsumed Nullable(Float64),
            BudgetRemaining Nullable(Float64),
            BudgetMinutes Float64,
            BudgetRemainingMinutes Nullable(Float64),
            BurnWindows Array(UInt32),
            BurnRates Array(Nullable(Float64)),
            AlertState LowCardinality(String),
            AlertSince Nullable(DateTime)
        ) ENGINE = MergeTree()
        PARTITION BY toYYYYMM(Time)
        ORDER BY (Slo, Objective, Time)
        {c.Ttl("Time", c.Retention.SloEvaluations)}
        SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
        """,
    ]);

    private static IEnumerable<string> Rollup(SchemaContext c, string table, int windowSeconds)
    {
        var keys = string.Join(", ", SliKeys);
        yield return $"""
            CREATE TABLE IF NOT EXISTS `{c.Database}`.{table} (
                Window DateTime CODEC(Delta, ZSTD(1)),
                DestinationNamespace LowCardinality(String),
                DestinationService LowCardinality(String),
                DestinationWorkload LowCardinality(String),
                DestinationVersion LowCardinality(String),
                Origin LowCardinality(String),
                Protocol LowCardinality(String),
                Route LowCardinality(String),
                Method LowCardinality(String),
                ResponseCode UInt16,
                GrpcStatus Int16,
                Requests SimpleAggregateFunction(sum, UInt64),
                LatencyBuckets AggregateFunction(sumForEach, Array(UInt64))
            ) ENGINE = AggregatingMergeTree()
            PARTITION BY {(windowSeconds < 3600 ? "toDate(Window)" : "toYYYYMM(Window)")}
            ORDER BY (toStartOfHour(Window), {keys}, Window)
            {c.Ttl("Window", c.Retention.Rollups)}
            SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
            """;
        foreach (var statement in MeshSchema.FedFromRequests(c, table, RollupSelect(c, windowSeconds, weighted: false), keys))
        {
            yield return statement;
        }
    }

    /// <summary>The SLI rollups' views, replaced by ones that count requests by AdjustedCount (see SpanSchema.AdjustedCountMigration).</summary>
    internal static IEnumerable<string> WeightedViews(SchemaContext c) =>
        SliRollups.Select(r => MeshSchema.ReplacedView(c, r.Table, RollupSelect(c, r.WindowSeconds, weighted: true), string.Join(", ", SliKeys)));

    private static string RollupSelect(SchemaContext c, int windowSeconds, bool weighted) => $"""
        SELECT
            toStartOfInterval(Timestamp, INTERVAL {windowSeconds} SECOND) AS Window,
            DestinationNamespace, DestinationService, DestinationWorkload, DestinationVersion, Origin, Protocol,
            {RouteExpression} AS Route,
            Method, ResponseCode, GrpcStatus,
            {MeshSchema.Count(weighted)} AS Requests,
            {MeshSchema.LatencyHistogramState(LatencyBoundsMillis, weighted)} AS LatencyBuckets
        FROM `{c.Database}`.{MeshSchema.Requests.Name}
        """;
}
