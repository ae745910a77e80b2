namespace Observe.Autoscaler.Simulation.Baselines;

/// <summary>
/// The HPA's replica calculator for a metric of type Pods (<c>calcPlainMetricReplicas</c> in
/// kubernetes/kubernetes <c>pkg/controller/podautoscaler/replica_calculator.go</c>): pure arithmetic
/// on the pods' metric values.
/// </summary>
/// <remarks>
/// What the code does for a Pods metric, as opposed to CPU: <c>groupPods</c> checks the Ready
/// condition and the CPU initialisation period only for CPU. For any other metric a pod counts as
/// ready as soon as it is Running and has a value; a Pending pod is "unready"; a Running pod
/// without a value is "missing"; deleted and failed pods are dropped. Unready pods count at 0 only
/// when the ready pods alone ask for a scale-up; missing pods count at the target (exactly 100 %)
/// on a scale-down and at 0 on a scale-up. If any were filled in, the ratio is recomputed over
/// all the pods counted, and the replica count stays as it is when the new ratio is within the
/// tolerance or points the other way than the first one, or when the new count moves against the
/// ratio. The controller averages integer milli-values; this uses doubles (the difference is below
/// 0.001 requests/s per pod).
/// </remarks>
internal static class HpaReplicaCalculator
{
    public static HpaProposal PodsMetric(int currentReplicas, HpaPodGroups pods, double target, HpaTolerances tolerances)
    {
        if (pods.WithMetrics + pods.Unready + pods.Missing == 0)
            return HpaProposal.Failure(HpaOutcome.NoPods, currentReplicas);
        if (pods.WithMetrics == 0)
            return HpaProposal.Failure(HpaOutcome.NoMetrics, currentReplicas);

        var average = pods.UsageSum / pods.WithMetrics;
        var usageRatio = average / target;
        var scaleUpWithUnready = pods.Unready > 0 && usageRatio > 1.0;

        if (!scaleUpWithUnready && pods.Missing == 0)
        {
            if (tolerances.IsWithin(usageRatio))
                return new HpaProposal(HpaOutcome.WithinTolerance, currentReplicas, average, usageRatio, usageRatio, pods.WithMetrics, Recomputed: false);
            return new HpaProposal(HpaOutcome.Scaled, (int)Math.Ceiling(usageRatio * pods.WithMetrics), average, usageRatio, usageRatio, pods.WithMetrics, Recomputed: false);
        }

        var sum = pods.UsageSum;
        var counted = pods.WithMetrics;
        if (pods.Missing > 0)
        {
            // At exactly the target the controller fills in nothing: the ratio stays 1, within tolerance.
            if (usageRatio < 1.0)
            {
                sum += pods.Missing * target;
                counted += pods.Missing;
            }
            else if (usageRatio > 1.0)
            {
                counted += pods.Missing;
            }
        }
        if (scaleUpWithUnready)
            counted += pods.Unready;

        var newRatio = sum / counted / target;
        if (tolerances.IsWithin(newRatio))
            return new HpaProposal(HpaOutcome.WithinTolerance, currentReplicas, average, usageRatio, newRatio, counted, Recomputed: true);
        if ((usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0))
            return new HpaProposal(HpaOutcome.DirectionReversed, currentReplicas, average, usageRatio, newRatio, counted, Recomputed: true);

        var replicas = (int)Math.Ceiling(newRatio * counted);
        if ((newRatio < 1.0 && replicas > currentReplicas) || (newRatio > 1.0 && replicas < currentReplicas))
            return new HpaProposal(HpaOutcome.DirectionReversed, currentReplicas, average, usageRatio, newRatio, counted, Recomputed: true);
        return new HpaProposal(HpaOutcome.Scaled, replicas, average, usageRatio, newRatio, counted, Recomputed: true);
    }
}

/// <summary>The pods the calculator sees, grouped as <c>groupPods</c> groups them for a Pods metric.</summary>
/// <param name="WithMetrics">Running pods with a value.</param>
/// <param name="UsageSum">Sum of their values (requests/s).</param>
/// <param name="Unready">Pending pods.</param>
/// <param name="Missing">Running pods without a value.</param>
internal readonly record struct HpaPodGroups(int WithMetrics, double UsageSum, int Unready, int Missing);

/// <summary>The usage ratio band within which the HPA leaves the replica count alone; both ends included.</summary>
internal readonly record struct HpaTolerances(double ScaleDown, double ScaleUp)
{
    public bool IsWithin(double usageRatio) => 1.0 - ScaleDown <= usageRatio && usageRatio <= 1.0 + ScaleUp;

    public override string ToString() => $"[{1.0 - ScaleDown:0.00}, {1.0 + ScaleUp:0.00}]";
}

internal enum HpaOutcome
{
    /// <summary>A new count from the ratio (it may equal the current one).</summary>
    Scaled,
    WithinTolerance,
    /// <summary>Counting unready or missing pods turned the ratio, or the count, the other way: no change.</summary>
    DirectionReversed,
    /// <summary>No pods match: the controller reports an error and does not scale.</summary>
    NoPods,
    /// <summary>No pod has a value: an error, no scaling.</summary>
    NoMetrics,
}

/// <param name="Replicas">The metric's recommendation: the current count unless <see cref="HpaOutcome.Scaled"/>.</param>
/// <param name="Average">Average value over the pods with metrics (what the HPA's status reports).</param>
/// <param name="UsageRatio">Average over target, from the pods with metrics.</param>
/// <param name="FinalRatio">The ratio after unready and missing pods were filled in (the usage ratio when none were).</param>
/// <param name="PodsCounted">Pods behind <see cref="FinalRatio"/>.</param>
/// <param name="Recomputed">Whether unready or missing pods were filled in.</param>
internal sealed record HpaProposal(HpaOutcome Outcome, int Replicas, double Average, double UsageRatio, double FinalRatio, int PodsCounted, bool Recomputed)
{
    public bool IsFailure => Outcome is HpaOutcome.NoPods or HpaOutcome.NoMetrics;

    internal static HpaProposal Failure(HpaOutcome outcome, int currentReplicas) =>
        new(outcome, currentReplicas, double.NaN, double.NaN, double.NaN, 0, Recomputed: false);
}
