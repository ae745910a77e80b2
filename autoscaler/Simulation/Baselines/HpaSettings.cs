namespace Observe.Autoscaler.Simulation.Baselines;

/// <summary>
/// A HorizontalPodAutoscaler (autoscaling/v2) with one metric of type Pods: average requests/s per
/// pod, target <c>averageValue</c> = <paramref name="TargetPerPod"/>, and the controller flags and
/// metrics pipeline it runs with.
/// </summary>
/// <param name="MinReplicas"><c>minReplicas</c> (at least 1: scaling to zero is behind an alpha gate).</param>
/// <param name="MaxReplicas"><c>maxReplicas</c>.</param>
/// <param name="TargetPerPod">Requests/s per pod the HPA keeps the average at.</param>
internal sealed record HpaSettings(int MinReplicas, int MaxReplicas, double TargetPerPod)
{
    /// <summary><c>spec.behavior</c>; default: the API's defaults.</summary>
    public HpaBehavior Behavior { get; init; } = HpaBehavior.Default;

    /// <summary><c>--horizontal-pod-autoscaler-tolerance</c>: no change while the usage ratio is within 1 ± this. Default 0.1.</summary>
    public double Tolerance { get; init; } = 0.1;

    /// <summary><c>--horizontal-pod-autoscaler-sync-period</c>: how often the controller reconciles. Default 15 s.</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The window of the per-pod rate the metrics adapter serves: a Prometheus adapter rule of the
    /// form <c>sum(rate(requests_total[1m])) by (pod)</c>. Default 60 s.
    /// </summary>
    public TimeSpan MetricsWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How old the newest sample in that window is when the controller reads it: one Prometheus
    /// scrape interval of 30 s (a sample is up to that old just before the next scrape; the adapter's
    /// relist interval caches which series exist, not their values, so each HPA read runs the query
    /// afresh). Default 30 s.
    /// </summary>
    public TimeSpan MetricsLag { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (MinReplicas < 1)
            throw new ArgumentException($"MinReplicas must be at least 1, not {MinReplicas}.");
        if (MaxReplicas < MinReplicas)
            throw new ArgumentException($"MaxReplicas ({MaxReplicas}) must be at least MinReplicas ({MinReplicas}).");
        if (!(TargetPerPod > 0) || double.IsInfinity(TargetPerPod))
            throw new ArgumentException($"TargetPerPod must be a positive number of requests/s, not {TargetPerPod}.");
        if (!(Tolerance >= 0))
            throw new ArgumentException($"Tolerance must not be negative, not {Tolerance}.");
        if (SyncPeriod <= TimeSpan.Zero)
            throw new ArgumentException($"SyncPeriod must be positive, not {SyncPeriod}.");
        if (MetricsWindow <= TimeSpan.Zero)
            throw new ArgumentException($"MetricsWindow must be positive, not {MetricsWindow}.");
        if (MetricsLag < TimeSpan.Zero)
            throw new ArgumentException($"MetricsLag must not be negative, not {MetricsLag}.");
        ArgumentNullException.ThrowIfNull(Behavior);
        Behavior.Validate();
    }
}
