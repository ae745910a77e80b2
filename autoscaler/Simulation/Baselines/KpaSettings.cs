namespace Observe.Autoscaler.Simulation.Baselines;

/// <summary>
/// A Knative revision scaled by the Knative Pod Autoscaler on the <c>rps</c> metric, with the
/// <c>config-autoscaler</c> settings it runs with (defaults as Knative ships them).
/// </summary>
/// <param name="MinReplicas"><c>min-scale</c>; at least 1 here, since scale to zero is not modelled.</param>
/// <param name="MaxReplicas"><c>max-scale</c>; 0 means unlimited, as in Knative.</param>
/// <param name="TargetPerPod">
/// Requests/s per pod the KPA aims at: the revision's <c>target</c> times its target utilisation.
/// The simulator passes 70 % of a pod's capacity, Knative's default utilisation.
/// </param>
internal sealed record KpaSettings(int MinReplicas, int MaxReplicas, double TargetPerPod)
{
    /// <summary><c>stable-window</c>: the window of the stable-mode average (6 s to 1 h). Default 60 s.</summary>
    public TimeSpan StableWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>panic-window-percentage</c>: the panic window as a share of the stable window (1–100). Default 10, i.e. 6 s.</summary>
    public double PanicWindowPercentage { get; init; } = 10.0;

    /// <summary><c>panic-threshold-percentage</c>: panic when the panic window needs this share of the ready pods (110–1000). Default 200.</summary>
    public double PanicThresholdPercentage { get; init; } = 200.0;

    /// <summary><c>max-scale-up-rate</c>: at most this many times the ready pods, rounded up, per decision. Default 1000.</summary>
    public double MaxScaleUpRate { get; init; } = 1000.0;

    /// <summary><c>max-scale-down-rate</c>: at least the ready pods divided by this, rounded down, per decision. Default 2.</summary>
    public double MaxScaleDownRate { get; init; } = 2.0;

    /// <summary><c>tick-interval</c>: how often the autoscaler decides. Default 2 s.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Age of the newest data at a decision: the autoscaler scrapes every pod's queue-proxy once a
    /// second into one-second buckets, so the newest bucket is up to 1 s old. Default 1 s.
    /// </summary>
    public TimeSpan MetricsLag { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan PanicWindow => StableWindow * (PanicWindowPercentage / 100.0);

    internal void Validate()
    {
        if (MinReplicas < 1)
            throw new ArgumentException($"MinReplicas must be at least 1 (scale to zero is not modelled), not {MinReplicas}.");
        if (MaxReplicas != 0 && MaxReplicas < MinReplicas)
            throw new ArgumentException($"MaxReplicas ({MaxReplicas}) must be 0 (unlimited) or at least MinReplicas ({MinReplicas}).");
        if (!(TargetPerPod > 0) || double.IsInfinity(TargetPerPod))
            throw new ArgumentException($"TargetPerPod must be a positive number of requests/s, not {TargetPerPod}.");
        if (StableWindow < TimeSpan.FromSeconds(6) || StableWindow > TimeSpan.FromHours(1))
            throw new ArgumentException($"StableWindow must be between 6 s and 1 h, not {StableWindow}.");
        if (!(PanicWindowPercentage >= 1 && PanicWindowPercentage <= 100))
            throw new ArgumentException($"PanicWindowPercentage must be between 1 and 100, not {PanicWindowPercentage}.");
        if (!(PanicThresholdPercentage >= 110 && PanicThresholdPercentage <= 1000))
            throw new ArgumentException($"PanicThresholdPercentage must be between 110 and 1000, not {PanicThresholdPercentage}.");
        if (!(MaxScaleUpRate > 1))
            throw new ArgumentException($"MaxScaleUpRate must be above 1, not {MaxScaleUpRate}.");
        if (!(MaxScaleDownRate > 1))
            throw new ArgumentException($"MaxScaleDownRate must be above 1, not {MaxScaleDownRate}.");
        if (TickInterval <= TimeSpan.Zero)
            throw new ArgumentException($"TickInterval must be positive, not {TickInterval}.");
        if (MetricsLag < TimeSpan.Zero)
            throw new ArgumentException($"MetricsLag must not be negative, not {MetricsLag}.");
    }
}
