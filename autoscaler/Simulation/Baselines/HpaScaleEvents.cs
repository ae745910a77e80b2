namespace Observe.Autoscaler.Simulation.Baselines;

/// <summary>
/// The HPA's record of its own scale events and the rate limits its policies derive from them
/// (<c>storeScaleEvent</c>, <c>calculateScaleUpLimitWithScalingRules</c> and
/// <c>calculateScaleDownLimitWithBehaviors</c> in <c>horizontal.go</c>). A policy's limit is
/// relative to the replica count at the start of its period: the current count minus what was
/// added plus what was removed by events strictly younger than the period.
/// </summary>
internal sealed class HpaScaleEvents
{
    private readonly List<ScaleEvent> ups = [];
    private readonly List<ScaleEvent> downs = [];

    public void Store(HpaBehavior behavior, int previous, int next, DateTimeOffset now)
    {
        if (next > previous)
            Store(ups, behavior.ScaleUp.LongestPeriod, next - previous, now);
        else
            Store(downs, behavior.ScaleDown.LongestPeriod, previous - next, now);
    }

    /// <summary>The most replicas the scale-up policies allow now (not below the current count is the caller's concern).</summary>
    public int ScaleUpLimit(int currentReplicas, HpaScalingRules rules, DateTimeOffset now)
    {
        if (rules.SelectPolicy == HpaSelectPolicy.Disabled)
            return currentReplicas;
        var min = rules.SelectPolicy == HpaSelectPolicy.Min;
        var result = min ? int.MaxValue : int.MinValue;
        foreach (var policy in rules.Policies)
        {
            var periodStart = PeriodStart(currentReplicas, policy.Period, now);
            var proposed = policy.Type == HpaPolicyType.Pods
                ? periodStart + policy.Value
                // Rounded up, or a small workload could never grow by a percentage.
                : (int)Math.Ceiling(periodStart * (1 + policy.Value / 100.0));
            result = min ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }
        return result;
    }

    /// <summary>The fewest replicas the scale-down policies allow now.</summary>
    public int ScaleDownLimit(int currentReplicas, HpaScalingRules rules, DateTimeOffset now)
    {
        if (rules.SelectPolicy == HpaSelectPolicy.Disabled)
            return currentReplicas;
        // For a scale-down the smallest change is the highest count.
        var min = rules.SelectPolicy == HpaSelectPolicy.Min;
        var result = min ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies)
        {
            var periodStart = PeriodStart(currentReplicas, policy.Period, now);
            var proposed = policy.Type == HpaPolicyType.Pods
                ? periodStart - policy.Value
                // Truncated, as Go's int32 conversion does: the pods removed round up.
                : (int)(periodStart * (1 - policy.Value / 100.0));
            result = min ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }
        return result;
    }

    private int PeriodStart(int currentReplicas, TimeSpan period, DateTimeOffset now) =>
        currentReplicas - ChangeWithin(ups, period, now) + ChangeWithin(downs, period, now);

    private static int ChangeWithin(List<ScaleEvent> events, TimeSpan period, DateTimeOffset now)
    {
        var cutoff = now - period;
        var change = 0;
        foreach (var e in events)
        {
            if (e.At > cutoff)
                change += e.Change;
        }
        return change;
    }

    // As in the controller: events older than the direction's longest period are marked outdated
    // and the last of them is overwritten by the new one. An overwritten event is gone even for the
    // other direction's policies, whose periods may be longer; that is the controller's behaviour too.
    private static void Store(List<ScaleEvent> events, TimeSpan longestPeriod, int change, DateTimeOffset now)
    {
        var cutoff = now - longestPeriod;
        var oldIndex = -1;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].At < cutoff)
                events[i] = events[i] with { Outdated = true };
            if (events[i].Outdated)
                oldIndex = i;
        }
        var added = new ScaleEvent(change, now, Outdated: false);
        if (oldIndex >= 0)
            events[oldIndex] = added;
        else
            events.Add(added);
    }

    private readonly record struct ScaleEvent(int Change, DateTimeOffset At, bool Outdated);
}
