using Observe.Autoscaler.Slo.Evaluation;
using Observe.Store.Mesh;

namespace Observe.Autoscaler.Control;

/// <summary>
/// The workload rollups' cumulative latency histogram: <see cref="AtMost"/>[i] requests took at most
/// <see cref="MeshSchema.LatencyBucketsMillis"/>[i] ms, and the last entry counts every request.
/// </summary>
internal readonly record struct LatencyHistogram(long[] AtMost)
{
    private static IReadOnlyList<double> Bounds => MeshSchema.LatencyBucketsMillis;

    /// <summary>Every request in the histogram (its "slower than every bound" entry); 0 when it is empty.</summary>
    public long Requests => AtMost.Length > Bounds.Count ? AtMost[Bounds.Count] : 0;

    /// <summary>The latency in seconds at quantile q (0..1); null without requests (see <see cref="CumulativeHistogram.QuantileMillis"/>).</summary>
    public double? QuantileSeconds(double q) => CumulativeHistogram.QuantileMillis(Bounds, AtMost, Requests, q) / 1000;

    /// <summary>
    /// Mean latency in seconds, each request counted at its bucket's mid-point (the slowest bucket at
    /// its lower bound, having no upper one); null without requests.
    /// </summary>
    public double? MeanSeconds()
    {
        var total = Requests;
        if (total == 0)
        {
            return null;
        }
        double sum = 0, lowBound = 0;
        long below = 0;
        for (var i = 0; i <= Bounds.Count; i++)
        {
            var inBucket = AtMost[i] - below;
            var midpoint = i < Bounds.Count ? (lowBound + Bounds[i]) / 2 : Bounds[^1];
            sum += inBucket * midpoint;
            below = AtMost[i];
            lowBound = i < Bounds.Count ? Bounds[i] : lowBound;
        }
        return sum / total / 1000;
    }
}
