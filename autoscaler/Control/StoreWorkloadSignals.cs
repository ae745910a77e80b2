using System.Globalization;
using Observe.Autoscaler.Scaling;
using Observe.Store;
using Observe.Store.Mesh;

namespace Observe.Autoscaler.Control;

/// <summary>
/// A workload's reading from the 10 s workload rollup, in one query: the short and long windows,
/// the latency state and the newest window with data are all conditional aggregates over the same
/// rows, so the reading is consistent and costs one round trip per tick.
/// </summary>
/// <remarks>
/// Windows are whole rollup windows ending at the newest 10 s boundary at or before now − lag; a
/// window length that is not a multiple of 10 s is rounded up to one, and rates are divided by the
/// length actually covered.
/// </remarks>
internal sealed class StoreWorkloadSignals(IClickHouseTransport store, string database) : IWorkloadSignals
{
    private const long RollupSeconds = 10;

    /// <summary>How far before the long window DataUntil may still find a window: enough to tell "idle a while" from "no data", bounded so the scan stays small.</summary>
    private static readonly TimeSpan DataLookBehind = TimeSpan.FromMinutes(5);

    private static readonly string Table = MeshSchema.WorkloadRollups.Single(r => r.WindowSeconds == RollupSeconds).Table;

    // The digest can only be read at the levels its state was built with; find ours among them.
    private static readonly double[] DigestLevels = [.. MeshSchema.LatencyQuantiles.Split(',').Select(l => double.Parse(l, CultureInfo.InvariantCulture))];
    private static readonly int P50Index = Array.IndexOf(DigestLevels, 0.5);
    private static readonly int P99Index = Array.IndexOf(DigestLevels, 0.99);

    public async Task<WorkloadReading> ReadAsync(WorkloadRef workload, ScalerCadence cadence, double objectiveTarget, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var end = (now - cadence.MetricsLag).ToUnixTimeSeconds();
        end -= Mod(end, RollupSeconds);
        var shortSeconds = WholeWindows(cadence.ShortWindow);
        var longSeconds = WholeWindows(cadence.LongWindow);
        var parameters = new QueryParameters()
            .Add("name", workload.Name)
            .Add("namespace", workload.Namespace)
            .Add("end", end)
            .Add("shortFrom", end - shortSeconds)
            .Add("longFrom", end - longSeconds)
            .Add("lookFrom", end - Math.Max(shortSeconds, longSeconds) - (long)DataLookBehind.TotalSeconds);
        const string InShort = "Window >= toDateTime({shortFrom:Int64})";
        const string InLong = "Window >= toDateTime({longFrom:Int64})";
        // A series (version, zone) that proxies logged is read from their record alone: its span
        // pairs describe the same requests again (and, sampled, count by adjusted count).
        const string Series = "(Window, DestinationVersion, DestinationZone, DestinationCluster)";
        var sql = $$"""
            WITH proxied AS (
                SELECT {{Series}}
                FROM `{{database}}`.{{Table}}
                WHERE DestinationWorkload = {name:String} AND DestinationNamespace = {namespace:String}
                  AND Window >= toDateTime({lookFrom:Int64}) AND Window < toDateTime({end:Int64})
                GROUP BY {{Series}}
                HAVING sumIf(Requests, Origin = 'accesslog') > 0)
            SELECT sumIf(Requests, {{InShort}}),
                   sumIf(Requests, {{InLong}}),
                   sumIf(ServerErrors, {{InLong}}),
                   quantilesTDigestMergeIf({{MeshSchema.LatencyQuantiles}})(LatencyMillis, {{InLong}}),
                   sumForEachMergeIf(LatencyBuckets, {{InLong}}),
                   sumForEachMergeIf(LatencyBuckets, {{InShort}}),
                   toInt64(max(Window))
            FROM `{{database}}`.{{Table}}
            WHERE DestinationWorkload = {name:String} AND DestinationNamespace = {namespace:String}
              AND Window >= toDateTime({lookFrom:Int64}) AND Window < toDateTime({end:Int64})
              AND (Origin = 'accesslog') = ({{Series}} IN proxied)
            """;
        var f = await store.QueryRowAsync(sql, parameters, cancellationToken).ConfigureAwait(false);
        var newest = TabSeparated.Long(f[6]);
        if (newest <= 0)
        {
            // No window at all: the pipeline says nothing about this workload, which is not zero traffic.
            return new WorkloadReading(null, null, null, null, null, null);
        }
        var shortRequests = TabSeparated.Long(f[0]);
        var longRequests = TabSeparated.Long(f[1]);
        var serverErrors = TabSeparated.Long(f[2]);
        var digest = TabSeparated.Doubles(f[3]);
        var longHistogram = new LatencyHistogram(TabSeparated.Longs(f[4]));
        var shortHistogram = new LatencyHistogram(TabSeparated.Longs(f[5]));
        var rateShort = (double)shortRequests / shortSeconds;
        var latency = longRequests == 0 ? null : new LatencyQuantiles(
            Seconds(digest, P50Index), longHistogram.QuantileSeconds(0.9), Seconds(digest, P99Index), longHistogram.QuantileSeconds(objectiveTarget));
        return new WorkloadReading(
            DateTimeOffset.FromUnixTimeSeconds(newest + RollupSeconds),
            rateShort,
            (double)longRequests / longSeconds,
            // Little's law: arrivals per second × seconds each stays = requests present on average.
            shortRequests == 0 ? 0 : rateShort * shortHistogram.MeanSeconds(),
            latency,
            longRequests == 0 ? null : (double)serverErrors / longRequests);
    }

    private static long WholeWindows(TimeSpan window)
    {
        var seconds = (long)Math.Ceiling(window.TotalSeconds / RollupSeconds) * RollupSeconds;
        return Math.Max(RollupSeconds, seconds);
    }

    private static long Mod(long value, long modulus) => ((value % modulus) + modulus) % modulus;

    private static double? Seconds(double[] digestMillis, int index) =>
        index < 0 || index >= digestMillis.Length || double.IsNaN(digestMillis[index]) ? null : digestMillis[index] / 1000;
}
