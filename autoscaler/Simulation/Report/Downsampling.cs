namespace Observe.Autoscaler.Simulation.Report;

/// <summary>Fewer points for a plot without losing the peaks a reader looks for.</summary>
internal static class Downsampling
{
    /// <summary>
    /// At most <paramref name="maxPoints"/> points: the series cut into runs of equal length, each
    /// kept as its first x and its largest y. An average would hide a one-minute overload, and the
    /// overloads are what the plots are for.
    /// </summary>
    public static IReadOnlyList<(double X, double Y)> MaxPerBucket(IReadOnlyList<(double X, double Y)> points, int maxPoints)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPoints);
        if (points.Count <= maxPoints)
        {
            return points;
        }
        var size = (points.Count + maxPoints - 1) / maxPoints;
        var kept = new List<(double X, double Y)>(maxPoints);
        for (var i = 0; i < points.Count; i += size)
        {
            var max = points[i].Y;
            for (var j = i + 1; j < Math.Min(i + size, points.Count); j++)
            {
                max = Math.Max(max, points[j].Y);
            }
            kept.Add((points[i].X, max));
        }
        return kept;
    }
}
