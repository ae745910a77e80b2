namespace Observe.Autoscaler.Scaling.Limits;

/// <summary>
/// At most max(MaxPercent % of the count at the period's start, MaxPods) replicas are removed
/// per period, counting what was already removed within the trailing period (the HPA's rule).
/// </summary>
internal sealed class ScaleDownLimit(ScaleDownSettings settings)
{
    public TimeSpan Period => settings.Period;

    /// <summary>The lowest count allowed now.</summary>
    public int Floor(int current, int addedInPeriod, int removedInPeriod)
    {
        var start = Math.Max(0, current + removedInPeriod - addedInPeriod);
        var allowance = Math.Max((int)Math.Ceiling(start * settings.MaxPercent / 100), settings.MaxPods);
        return Math.Min(current, Math.Max(0, start - allowance));
    }
}
