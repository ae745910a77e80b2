namespace Observe.Autoscaler.Slo.Evaluation;

/// <summary>Arithmetic on the store's cumulative latency histograms: atMost[i] requests took at most bounds[i] ms.</summary>
internal static class CumulativeHistogram
{
    /// <summary>
    /// The latency in ms at quantile q (clamped to 0..1) of <paramref name="total"/> requests,
    /// interpolated linearly inside the bucket that holds it; null without requests. Slower than
    /// the last bound the histogram cannot say by how much, so the answer is that bound.
    /// </summary>
    public static double? QuantileMillis(IReadOnlyList<double> bounds, IReadOnlyList<long> atMost, long total, double q)
    {
        if (total == 0)
        {
            return null;
        }
        var rank = Math.Clamp(q, 0, 1) * total;
        double previousBound = 0, previous = 0;
        for (var i = 0; i < bounds.Count; i++)
        {
            if (atMost[i] >= rank)
            {
                var inBucket = atMost[i] - previous;
                return inBucket <= 0 ? bounds[i] : previousBound + (bounds[i] - previousBound) * (rank - previous) / inBucket;
            }
            previousBound = bounds[i];
            previous = atMost[i];
        }
        return bounds[^1];
    }
}
