namespace Observe.Autoscaler.Scaling;

/// <summary>
/// Everything a scaler sees at one tick. Rates and latencies are null when no data covers the
/// window (that is not the same as zero traffic, which is 0). The controller fills this from the
/// store and the Kubernetes API; the simulator from its own model. A decision is a function of
/// this record and the scaler's state, so recording both explains it.
/// </summary>
/// <param name="DataUntil">End of the newest data the rates are computed from; null when there is none. Older than the scaler's staleness limit means stale.</param>
/// <param name="RateShort">Arrival rate (requests/s) over the short (burst) window.</param>
/// <param name="RateLong">Arrival rate over the stable window.</param>
/// <param name="InFlight">Average number of requests in flight across the workload over the short window.</param>
/// <param name="Latency">Latency quantiles over the stable window.</param>
/// <param name="ErrorRatio">Share of requests over the stable window that failed (rejected or 5xx).</param>
/// <param name="Slo">Error budget and burn of the SLOs the policy protects (the worst of them).</param>
public sealed record ScalingSignals(
    DateTimeOffset Time,
    DateTimeOffset? DataUntil,
    double? RateShort,
    double? RateLong,
    double? InFlight,
    LatencyQuantiles? Latency,
    double? ErrorRatio,
    ReplicaSnapshot Replicas,
    SloSignal? Slo);

/// <summary>Latency quantiles in seconds; <see cref="AtObjective"/> is the quantile at the latency objective's target (e.g. p99.9 for "99.9 % within 300 ms").</summary>
public sealed record LatencyQuantiles(double? P50, double? P90, double? P99, double? AtObjective);

/// <summary>The workload's replicas: how many are asked for, and each pod with its age (since it was created) and readiness.</summary>
public sealed record ReplicaSnapshot(int Desired, IReadOnlyList<PodInfo> Pods)
{
    public int Ready => Pods.Count(p => p.Ready);
}

public readonly record struct PodInfo(TimeSpan Age, bool Ready);

/// <param name="BudgetRemaining">Share of the error budget left in the SLO period, 1 = untouched, ≤ 0 = spent.</param>
/// <param name="BurnRateShort">Burn rate over the shortest alert window (1 = spending exactly the budget over the period).</param>
/// <param name="BurnRateLong">Burn rate over the longest alert window.</param>
public sealed record SloSignal(double BudgetRemaining, double? BurnRateShort, double? BurnRateLong);

/// <summary>The latency objective a scaler keeps: <see cref="Target"/> of requests complete within <see cref="ThresholdSeconds"/>.</summary>
public sealed record LatencyObjective(double ThresholdSeconds, double Target);

/// <summary>
/// A scaler's answer for one tick: the replica count it wants, why, and the figures it derived
/// from the inputs, so the decision can be explained (and replayed) from what was recorded.
/// </summary>
public sealed record ScalingDecision(
    DateTimeOffset Time,
    int Current,
    int Desired,
    IReadOnlyList<ScalingReason> Reasons,
    DecisionFigures Figures)
{
    public bool Changes => Desired != Current;
}

/// <summary>A reason as data: a stable <see cref="Code"/> (see <see cref="ReasonCodes"/>) and a sentence with the numbers.</summary>
public sealed record ScalingReason(string Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>What a decision was computed from; null where the scaler has no such figure.</summary>
/// <param name="CapacityPerReplica">Requests/s one warm replica serves within the objective, as the scaler believes now.</param>
/// <param name="DemandNow">The rate the scaler plans for now (requests/s).</param>
/// <param name="DemandForecast">The rate it expects at the end of the horizon.</param>
/// <param name="Headroom">Spare capacity kept above the need, as a share of it.</param>
/// <param name="EffectiveReplicas">Ready replicas weighted by warm-up (a half-warm replica counts 0.5).</param>
public sealed record DecisionFigures(
    double? CapacityPerReplica = null,
    double? DemandNow = null,
    double? DemandForecast = null,
    double? Headroom = null,
    double? EffectiveReplicas = null,
    int? Recommendation = null,
    bool Burst = false);

/// <summary>The reason codes every scaler uses, so decisions of different scalers read alike.</summary>
public static class ReasonCodes
{
    public const string Steady = "steady";
    public const string Demand = "demand";
    public const string Forecast = "forecast";
    public const string Burst = "burst";
    public const string BudgetBurn = "budget-burn";
    public const string WarmingPods = "warming-pods";
    public const string ScaleDownStabilised = "scale-down-stabilised";
    public const string ScaleUpLimited = "scale-up-limited";
    public const string ScaleDownLimited = "scale-down-limited";
    public const string BoundedByMax = "bounded-by-max";
    public const string BoundedByMin = "bounded-by-min";
    public const string MissingDataHold = "missing-data-hold";
    public const string WithinTolerance = "within-tolerance";
}

/// <summary>
/// A scaling algorithm: Observe's, or a baseline the simulator compares it with. Free of I/O;
/// stateful (windows, learned figures) and fed one tick at a time, in time order.
/// </summary>
public interface IReplicaScaler
{
    string Name { get; }

    /// <summary>What the scaler wants to see and how often: the caller computes the signals over these windows, delayed by the metrics lag.</summary>
    ScalerCadence Cadence { get; }

    ScalingDecision Decide(ScalingSignals signals);
}

/// <param name="Tick">Decision period.</param>
/// <param name="ShortWindow">Window of <see cref="ScalingSignals.RateShort"/> and <see cref="ScalingSignals.InFlight"/>.</param>
/// <param name="LongWindow">Window of <see cref="ScalingSignals.RateLong"/>, latency and errors.</param>
/// <param name="MetricsLag">How old the newest data is when the scaler reads it (scrape interval, rollup delay).</param>
public sealed record ScalerCadence(TimeSpan Tick, TimeSpan ShortWindow, TimeSpan LongWindow, TimeSpan MetricsLag);
