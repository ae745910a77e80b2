using System.Globalization;
using Observe.Store;
using Observe.Store.Slo;

namespace Observe.Collector.Bench;

/// <summary>
/// Synthetic SLI rollups, generated inside the engine (<c>INSERT … SELECT … FROM numbers()</c>),
/// so that a month of minutes for hundreds of workloads loads in seconds rather than through
/// raw requests. Workload w is version v1 or v2 (w mod 2) of service svc-(w/2) in one of 50
/// namespaces; every minute it serves two routes, with occasional 503s, 429s on a fifth of the
/// workloads, and one workload in fifty failing a fifth of its requests in the last 90 minutes,
/// so that some pages fire. One workload in ten is known only from spans (no proxy).
/// </summary>
internal static class SyntheticSli
{
    private static readonly string Minutes = SloSchema.SliRollups.Single(r => r.WindowSeconds == 60).Table;
    private static readonly string Hours = SloSchema.SliRollups.Single(r => r.WindowSeconds == 3600).Table;
    private static readonly string Keys = string.Join(", ", SloSchema.SliKeys);

    /// <summary>Minutes before the end in which the failing workloads fail.</summary>
    public const int IncidentMinutes = 90;

    public static string Namespace(int workload) => $"ns-{workload / 2 % 50}";

    public static string Service(int workload) => $"svc-{workload / 2}";

    public static string Workload(int workload) => $"{Service(workload)}-v{workload % 2 + 1}";

    public static IReadOnlyList<string> Routes { get; } = ["/api/items", "/api/items/{id}"];

    /// <summary>
    /// One day of minutes into the minute rollup: day <paramref name="day"/> counted from
    /// <paramref name="start"/>, the data ending <paramref name="days"/> days after it.
    /// </summary>
    public static Task InsertMinutesAsync(IClickHouseTransport engine, string database, DateTimeOffset start, int days, int day, int workloads, CancellationToken cancellationToken)
    {
        // Latency: log-normal around a per-series median (σ = 0.6), so bucket i holds
        // Requests × CDF(bound i), rounded down: cumulative, monotonic and ending at Requests.
        var bounds = string.Join(", ", SloSchema.LatencyBoundsMillis.Select(b => b.ToString(CultureInfo.InvariantCulture)));
        var sql = $$"""
            INSERT INTO `{{database}}`.{{Minutes}} (Window, {{Keys}}, Requests, LatencyBuckets)
            SELECT Window, Namespace, Service, concat(Service, '-', Version), Version, Origin, 'http/1.1', Route, 'GET', Code, -1, Requests,
                   initializeAggregation('sumForEachState',
                       arrayMap(b -> toUInt64(floor(Requests * 0.5 * erfc(-log(b / Median) / (0.6 * sqrt(2))))), [{{bounds}}, inf]))
            FROM (
                SELECT
                    intDiv(number, {workloads:UInt32}) AS Minute,
                    toUInt32(number % {workloads:UInt32}) AS W,
                    toDateTime({start:UInt32} + Minute * 60) AS Window,
                    concat('ns-', toString(intDiv(W, 2) % 50)) AS Namespace,
                    concat('svc-', toString(intDiv(W, 2))) AS Service,
                    concat('v', toString(W % 2 + 1)) AS Version,
                    if(W % 10 = 9, 'span', 'accesslog') AS Origin,
                    arrayJoin([(0, 200), (0, 503), (0, 429), (1, 200), (1, 503), (1, 429)]) AS Kind,
                    ['/api/items', '/api/items/{id}'][Kind.1 + 1] AS Route,
                    toUInt16(Kind.2) AS Code,
                    cityHash64(W, Kind.1, Code, Minute) AS Noise,
                    -- 5 to 124 requests a minute on the list route, half on the item route, ±50 % over the UTC day, ±20 % noise.
                    (5 + (W * 37) % 120) * if(Kind.1 = 0, 1, 0.5)
                        * (1 + 0.5 * sin(2 * pi() * ((intDiv({start:UInt32}, 60) + Minute) % 1440) / 1440))
                        * (0.8 + (Noise % 41) / 100) AS Rate,
                    Minute >= {incidentFrom:UInt32} AND W % 50 = 7 AS Incident,
                    multiIf(Code = 200, toUInt64(Rate),
                            Code = 503, if(Incident, toUInt64(Rate / 4) + 1, if(Noise % 100 < 3, 1 + Noise % 4, 0)),
                            if(W % 5 = 0 AND Noise % 100 < 5, 1 + Noise % 7, 0)) AS Requests,
                    multiIf(Code = 200, (20 + (W * 13) % 130) * if(Kind.1 = 0, 1, 1.5), Code = 503, 4, 1) AS Median
                FROM numbers({first:UInt64}, {count:UInt64})
            )
            WHERE Requests > 0
            """;
        var perDay = 1440L * workloads;
        return engine.ExecuteAsync(sql, new QueryParameters()
            .Add("workloads", workloads)
            .Add("start", start.ToUnixTimeSeconds())
            .Add("incidentFrom", days * 1440 - IncidentMinutes)
            .Add("first", day * perDay)
            .Add("count", perDay), cancellationToken);
    }

    /// <summary>The hourly rollup of one day, aggregated from the minutes, so that both tables agree as the views keep them.</summary>
    public static Task InsertHoursAsync(IClickHouseTransport engine, string database, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var sql = $$"""
            INSERT INTO `{{database}}`.{{Hours}} (Window, {{Keys}}, Requests, LatencyBuckets)
            SELECT toStartOfHour(Window) AS Hour, {{Keys}}, sum(Requests), sumForEachMergeState(LatencyBuckets)
            FROM `{{database}}`.{{Minutes}}
            WHERE Window >= toDateTime({from:UInt32}) AND Window < toDateTime({to:UInt32})
            GROUP BY Hour, {{Keys}}
            """;
        return engine.ExecuteAsync(sql, new QueryParameters().Add("from", from.ToUnixTimeSeconds()).Add("to", to.ToUnixTimeSeconds()), cancellationToken);
    }

    /// <summary>Rows and requests in one rollup.</summary>
    public static async Task<(long Rows, long Requests)> CountAsync(IClickHouseTransport engine, string database, string table, CancellationToken cancellationToken)
    {
        var row = await engine.QueryRowAsync($"SELECT count(), sum(Requests) FROM `{database}`.{table}", cancellationToken: cancellationToken).ConfigureAwait(false);
        return (TabSeparated.Long(row[0]), TabSeparated.Long(row[1]));
    }
}
