using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Control;
using Observe.Store.Mesh;

namespace Observe.Autoscaler.Tests.Control;

/// <summary>Quantiles and the mean read from the workload rollups' cumulative histogram.</summary>
public sealed class LatencyHistogramTests
{
    private static readonly IReadOnlyList<double> Bounds = MeshSchema.LatencyBucketsMillis;

    /// <summary>A cumulative histogram from per-bucket counts (the last bucket: slower than every bound).</summary>
    private static LatencyHistogram FromBuckets(IReadOnlyList<int> perBucket)
    {
        var atMost = new long[Bounds.Count + 1];
        long running = 0;
        for (var i = 0; i < atMost.Length; i++)
        {
            running += perBucket[i];
            atMost[i] = running;
        }
        return new LatencyHistogram(atMost);
    }

    private static readonly Gen<int[]> Buckets =
        from counts in Gen.ArrayOf(Gen.Choose(0, 50), Bounds.Count + 1)
        from extra in Gen.Choose(0, Bounds.Count)
        select counts.Select((c, i) => i == extra ? c + 1 : c).ToArray(); // never empty

    [Fact]
    public void Quantiles_rise_with_the_level_and_stay_inside_the_histogram()
    {
        Prop.ForAll(Arb.From(from b in Buckets from q1 in Gen.Choose(0, 1000) from q2 in Gen.Choose(0, 1000) select (b, q1 / 1000.0, q2 / 1000.0)), c =>
        {
            var h = FromBuckets(c.b);
            var (low, high) = (Math.Min(c.Item2, c.Item3), Math.Max(c.Item2, c.Item3));
            var a = h.QuantileSeconds(low)!.Value;
            var z = h.QuantileSeconds(high)!.Value;
            return a <= z + 1e-12 && a >= 0 && z <= Bounds[^1] / 1000;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_mean_lies_between_the_fastest_and_slowest_buckets_used()
    {
        Prop.ForAll(Arb.From(Buckets), b =>
        {
            var mean = FromBuckets(b).MeanSeconds()!.Value * 1000;
            var first = Array.FindIndex(b, c => c > 0);
            var last = Array.FindLastIndex(b, c => c > 0);
            var lowest = first == 0 ? 0 : Bounds[first - 1];
            var highest = last < Bounds.Count ? Bounds[last] : Bounds[^1];
            return mean >= lowest - 1e-9 && mean <= highest + 1e-9;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Requests_slower_than_every_bound_read_as_the_last_bound()
    {
        var counts = new int[Bounds.Count + 1];
        counts[^1] = 10;
        var h = FromBuckets(counts);

        Assert.Equal(Bounds[^1] / 1000, h.QuantileSeconds(0.5));
        Assert.Equal(Bounds[^1] / 1000, h.MeanSeconds());
    }

    [Fact]
    public void An_empty_histogram_has_no_quantile_and_no_mean()
    {
        Assert.Null(new LatencyHistogram([]).QuantileSeconds(0.5));
        Assert.Null(new LatencyHistogram(new long[Bounds.Count + 1]).MeanSeconds());
    }
}
