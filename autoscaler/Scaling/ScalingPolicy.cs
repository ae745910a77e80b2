using Observe.Autoscaler.Slo;

namespace Observe.Autoscaler.Scaling;

/// <summary>
/// How Observe scales one workload: a <c>ScalingPolicy</c> document (apiVersion
/// <c>observe.dev/v1alpha1</c>), the same shape as the custom resource. The scaler reads it; the
/// workload's real behaviour (how fast it starts, how much one replica serves) is what the
/// scaler learns, and the figures here only seed or bound that learning.
/// </summary>
/// <param name="Slos">Names of the SLOs (OpenSLO/ASM documents) this policy protects.</param>
/// <param name="CapacityHint">Requests per second one warm replica serves within the latency objective; seeds the learned capacity. Null: learn from scratch, starting from the observed load.</param>
/// <param name="Tick">How often a decision is taken (the controller's loop; the simulator's decision period).</param>
public sealed record ScalingPolicy(
    string Name,
    string? Namespace,
    ScaleTarget Target,
    IReadOnlyList<string> Slos,
    int MinReplicas,
    int MaxReplicas,
    double? CapacityHint,
    PodStartup Startup,
    BurstSettings Burst,
    ScaleUpSettings ScaleUp,
    ScaleDownSettings ScaleDown,
    PredictionSettings Prediction,
    HeadroomSettings Headroom,
    ScalingMode Mode,
    TimeSpan Tick,
    SourceLocation Location)
{
    /// <summary>How far ahead a decision must look: a replica asked for now serves fully only after start-up, warm-up and the next tick.</summary>
    public TimeSpan Horizon => Prediction.Horizon ?? Startup.Delay + Startup.Warmup + Tick;
}

/// <summary>The scalable workload (anything with a <c>/scale</c> subresource).</summary>
/// <param name="ApiVersion">e.g. <c>apps/v1</c>.</param>
/// <param name="Kind">e.g. <c>Deployment</c>, <c>StatefulSet</c>.</param>
/// <param name="Namespace">Defaults to the policy's own namespace.</param>
public sealed record ScaleTarget(string ApiVersion, string Kind, string Name, string? Namespace);

/// <param name="Delay">From asking for a replica to it being ready (scheduling, image pull, readiness probe).</param>
/// <param name="Warmup">After ready, how long until it serves at full capacity (JIT, caches, a mesh's slow start).</param>
/// <param name="WarmupStartFactor">Share of full capacity a replica serves the moment it turns ready; rises linearly to 1 over <see cref="Warmup"/>.</param>
public sealed record PodStartup(TimeSpan Delay, TimeSpan Warmup, double WarmupStartFactor)
{
    /// <summary>Share of a warm replica's capacity a replica of this age (since it was asked for) serves.</summary>
    public double CapacityFactor(TimeSpan age)
    {
        if (age < Delay) return 0;
        if (Warmup <= TimeSpan.Zero) return 1;
        var warmed = (age - Delay) / Warmup;
        return warmed >= 1 ? 1 : WarmupStartFactor + (1 - WarmupStartFactor) * warmed;
    }
}

/// <summary>
/// Burst (panic) mode: entered when the short-window rate, or in-flight load, exceeds
/// <see cref="Threshold"/> × what the stable window implies; left once no trigger has been seen
/// for <see cref="HoldFor"/>. While in it the scaler scales straight to the short-window need and
/// never scales down.
/// </summary>
public sealed record BurstSettings(double Threshold, TimeSpan ShortWindow, TimeSpan StableWindow, TimeSpan HoldFor);

/// <summary>At most max(<see cref="MaxPercent"/> % of current, <see cref="MaxPods"/>) replicas added per <see cref="Period"/>, outside burst mode.</summary>
public sealed record ScaleUpSettings(double MaxPercent, int MaxPods, TimeSpan Period);

/// <summary>
/// Scale-down uses the highest recommendation of the last <see cref="Stabilisation"/>, and
/// removes at most max(<see cref="MaxPercent"/> % of current, <see cref="MaxPods"/>) per <see cref="Period"/>.
/// </summary>
public sealed record ScaleDownSettings(TimeSpan Stabilisation, double MaxPercent, int MaxPods, TimeSpan Period);

/// <param name="Horizon">Null: start-up delay + warm-up + tick.</param>
/// <param name="TrendWindow">The window the short-term trend is fitted over.</param>
/// <param name="Daily">Use a daily profile once history holds <see cref="MinSeasons"/> days.</param>
/// <param name="Weekly">Use a weekly profile once history holds <see cref="MinSeasons"/> weeks.</param>
public sealed record PredictionSettings(bool Enabled, TimeSpan? Horizon, TimeSpan TrendWindow, bool Daily, bool Weekly, int MinSeasons);

/// <summary>
/// Spare capacity kept above the forecast need, as a share of it: <see cref="Min"/> while the
/// error budget is healthy, rising to <see cref="Max"/> as it burns fast or runs out.
/// </summary>
public sealed record HeadroomSettings(double Min, double Max);

public enum ScalingMode { Enforce, DryRun }
