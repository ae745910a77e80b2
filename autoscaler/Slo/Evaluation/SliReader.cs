using Observe.Store;
using Observe.Store.Slo;

namespace Observe.Autoscaler.Slo.Evaluation;

/// <summary>Counts of the SLI rollups' series, per segment of time.</summary>
internal sealed record SeriesSegments(IReadOnlyList<SeriesKey> Keys, IReadOnlyList<(int Series, int Segment, SeriesCounts Counts)> Rows);

/// <summary>
/// Reads request counts per series from the SLI rollups, split into segments of time in one query:
/// whole hours come from the hourly rollup and only the hours a boundary cuts from the minutes, so
/// a 30-day window costs about 720 rows per series instead of 43,200.
/// </summary>
internal sealed class SliReader(IClickHouseTransport store, string database)
{
    private static readonly string Keys = string.Join(", ", SloSchema.SliKeys);
    private static readonly string Minutes = SloSchema.SliRollups.Single(r => r.WindowSeconds == 60).Table;
    private static readonly string Hours = SloSchema.SliRollups.Single(r => r.WindowSeconds == 3600).Table;

    /// <summary>
    /// Counts over [bounds[i], bounds[i+1]) as segment i, the last segment ending at
    /// <paramref name="end"/>. Bounds are ascending whole minutes.
    /// </summary>
    public async Task<SeriesSegments> SegmentsAsync(IReadOnlyList<DateTimeOffset> bounds, DateTimeOffset end, CancellationToken cancellationToken)
    {
        if (bounds.Count == 0 || bounds[0] >= end)
        {
            return new([], []);
        }
        // Hours a boundary falls inside are read from the minute rollup; all others whole.
        var split = bounds.Append(end)
            .Where(t => t.ToUnixTimeSeconds() % 3600 != 0)
            .Select(t => Seconds(t) / 3600 * 3600)
            .Distinct()
            .Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var parameters = new QueryParameters()
            .Add("from", Seconds(bounds[0]))
            .Add("hourFrom", Seconds(bounds[0]) / 3600 * 3600)
            .Add("end", Seconds(end))
            .Add("bounds", $"[{string.Join(",", bounds.Select(b => Seconds(b)))}]")
            .Add("split", $"[{string.Join(",", split)}]");
        var sql = $$"""
            SELECT {{Keys}}, arrayCount(b -> b <= toUInt32(Window), {bounds:Array(UInt32)}) - 1 AS w_segment,
                   sum(Requests), sumForEachMerge(LatencyBuckets)
            FROM (
                SELECT * FROM `{{database}}`.{{Hours}}
                WHERE Window >= toDateTime({hourFrom:UInt32}) AND Window < toDateTime({end:UInt32})
                  AND NOT has({split:Array(UInt32)}, toUInt32(Window))
                UNION ALL
                SELECT * FROM `{{database}}`.{{Minutes}}
                WHERE Window >= toDateTime({from:UInt32}) AND Window < toDateTime({end:UInt32})
                  AND has({split:Array(UInt32)}, toUInt32(toStartOfHour(Window)))
            )
            GROUP BY {{Keys}}, w_segment
            """;
        return Parse(await store.QueryRowsAsync(sql, parameters, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Counts per slice of <paramref name="slice"/> from <paramref name="from"/> (segment i is
    /// [from + i·slice, from + (i+1)·slice)) up to <paramref name="to"/>, for the series
    /// <paramref name="selector"/> selects (all when null).
    /// </summary>
    /// <param name="latency">Whether the latency histogram is needed: without it each row is a few numbers instead of 34.</param>
    public async Task<SeriesSegments> SlicesAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan slice, RequestMatcher? selector, bool latency, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters()
            .Add("from", Seconds(from))
            .Add("to", Seconds(to))
            .Add("slice", (long)slice.TotalSeconds);
        var where = selector?.Where(parameters, "s_") ?? "1";
        var sql = $$"""
            SELECT {{Keys}}, intDiv(toUInt32(Window) - {from:UInt32}, {slice:UInt32}) AS w_segment,
                   sum(Requests), {{(latency ? "sumForEachMerge(LatencyBuckets)" : "emptyArrayUInt64()")}}
            FROM `{{database}}`.{{Minutes}}
            WHERE Window >= toDateTime({from:UInt32}) AND Window < toDateTime({to:UInt32}) AND {{where}}
            GROUP BY {{Keys}}, w_segment
            """;
        return Parse(await store.QueryRowsAsync(sql, parameters, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Whether any request the selector selects arrived since <paramref name="since"/>.</summary>
    public async Task<bool> AnyAsync(RequestMatcher selector, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters().Add("since", Seconds(since) / 3600 * 3600);
        var where = selector.Where(parameters, "s_");
        var sql = $"""
            SELECT count() FROM (
                SELECT 1 FROM `{database}`.{Hours} WHERE Window >= toDateTime({"{since:UInt32}"}) AND {where} LIMIT 1
            )
            """;
        var row = await store.QueryRowAsync(sql, parameters, cancellationToken).ConfigureAwait(false);
        return TabSeparated.Long(row[0]) > 0;
    }

    private static long Seconds(DateTimeOffset t) => t.ToUnixTimeSeconds();

    private static SeriesSegments Parse(IReadOnlyList<string[]> rows)
    {
        var keys = new List<SeriesKey>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<(int, int, SeriesCounts)>(rows.Count);
        var width = SloSchema.SliKeys.Count;
        foreach (var f in rows)
        {
            var id = string.Join('\t', f, 0, width);
            if (!index.TryGetValue(id, out var series))
            {
                series = keys.Count;
                index.Add(id, series);
                keys.Add(SeriesKey.Parse(f));
            }
            result.Add((series, (int)TabSeparated.Long(f[width]), SeriesCounts.Parse(f[width + 1], f[width + 2])));
        }
        return new(keys, result);
    }
}
