namespace Observe.Autoscaler.Scaling.Limits;

/// <summary>
/// Outside burst mode, at most max(MaxPercent % of the count at the period's start, MaxPods)
/// replicas are added per period, counting what was already added within the trailing period
/// (the HPA's rule).
/// </summary>
internal sealed class ScaleUpLimit(ScaleUpSettings settings)
{
    public TimeSpan Period => settings.Period;

    /// <summary>The highest count allowed now.</summary>
    public int Ceiling(int current, int addedInPeriod, int removedInPeriod)
    {
        var start = Math.Max(0, current - addedInPeriod + removedInPeriod);
        var allowance = Math.Max((int)Math.Ceiling(start * settings.MaxPercent / 100), settings.MaxPods);
        // A workload at zero with a percentage-only rule could otherwise never start.
        allowance = Math.Max(allowance, 1);
        return Math.Max(current, start + allowance);
    }
}
