using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Control;

/// <summary>The workload a policy scales, as the mesh data names it (destination workload and namespace).</summary>
public sealed record WorkloadRef(string Name, string Namespace);

/// <summary>What the store says about a workload's traffic at one tick (the store's part of <see cref="ScalingSignals"/>).</summary>
/// <param name="DataUntil">End of the newest rollup window holding data for the workload; null when none does.</param>
/// <param name="InFlight">Requests in flight over the short window, by Little's law (rate × mean latency).</param>
public sealed record WorkloadReading(
    DateTimeOffset? DataUntil,
    double? RateShort,
    double? RateLong,
    double? InFlight,
    LatencyQuantiles? Latency,
    double? ErrorRatio);

/// <summary>Reads a workload's rates, latencies and errors from the store's rollups, never from raw rows.</summary>
public interface IWorkloadSignals
{
    /// <summary>
    /// The reading over the cadence's windows ending at the newest complete rollup window before
    /// <paramref name="now"/> − the cadence's metrics lag. <paramref name="objectiveTarget"/> is the
    /// latency objective's target share (e.g. 0.999), the quantile of <see cref="LatencyQuantiles.AtObjective"/>.
    /// Throws <c>StoreUnavailableException</c> / <c>ClickHouseException</c> when the store does not answer.
    /// </summary>
    Task<WorkloadReading> ReadAsync(WorkloadRef workload, ScalerCadence cadence, double objectiveTarget, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>What the controller did with a decision.</summary>
public static class DecisionOutcomes
{
    /// <summary>The scale was patched to the desired count.</summary>
    public const string Scaled = "scaled";

    /// <summary>The decision keeps the current count.</summary>
    public const string Unchanged = "unchanged";

    /// <summary>dryRun: recorded only.</summary>
    public const string DryRun = "dry-run";

    /// <summary>An HPA controls the same target; nothing was done.</summary>
    public const string Refused = "refused";

    /// <summary>Stale data or an unreachable store: the count was held.</summary>
    public const string Held = "held";

    /// <summary>The API refused or failed the write.</summary>
    public const string Failed = "failed";
}

/// <summary>One decision of one policy, with everything it was computed from: a row of <c>scaling_decisions</c>.</summary>
/// <param name="Outcome">One of <see cref="DecisionOutcomes"/>.</param>
/// <param name="Message">Why the outcome is what it is beyond the reasons (the API error, the competing HPA), or null.</param>
public sealed record DecisionRecord(
    DateTimeOffset Time,
    string PolicyNamespace,
    string Policy,
    ScaleTarget Target,
    ScalingMode Mode,
    string Outcome,
    int Current,
    int Desired,
    IReadOnlyList<ScalingReason> Reasons,
    DecisionFigures Figures,
    ScalingSignals Signals,
    string? Message);

/// <summary>Decisions over a time range, optionally of one target (<paramref name="TargetNamespace"/> null: any namespace).</summary>
public sealed record DecisionQuery(DateTimeOffset From, DateTimeOffset To, string? TargetName = null, string? TargetNamespace = null, int Limit = 1000);

/// <summary>The <c>scaling_decisions</c> table: every decision appended, read back by target and time.</summary>
public interface IScalingDecisionLog
{
    Task AppendAsync(DecisionRecord record, CancellationToken cancellationToken);

    /// <summary>Matching decisions, oldest first, at most the query's limit (the newest ones when more match).</summary>
    Task<IReadOnlyList<DecisionRecord>> ReadAsync(DecisionQuery query, CancellationToken cancellationToken);
}

/// <summary>A status condition as Kubernetes writes them (<c>metav1.Condition</c>).</summary>
/// <param name="Status"><c>True</c>, <c>False</c> or <c>Unknown</c>.</param>
public sealed record PolicyCondition(string Type, string Status, string Reason, string Message, DateTimeOffset LastTransitionTime);

/// <summary>The condition types a ScalingPolicy's status carries.</summary>
public static class ConditionTypes
{
    /// <summary>The policy is loaded, valid and its loop runs.</summary>
    public const string Active = "Active";

    /// <summary>The controller can read the target and its signals and write its scale.</summary>
    public const string AbleToScale = "AbleToScale";

    /// <summary>The desired count was bounded by min/max or a rate limit.</summary>
    public const string ScalingLimited = "ScalingLimited";

    /// <summary>Another autoscaler (an HPA) controls the same target.</summary>
    public const string Conflict = "Conflict";
}

/// <summary>The state of one policy's loop, as <c>GET /api/v1/scaling/policies</c> shows it.</summary>
/// <param name="Problem">Why the policy is not active (invalid document, unknown SLO), or null.</param>
public sealed record PolicyState(
    string Namespace,
    string Name,
    ScaleTarget? Target,
    ScalingMode Mode,
    int? Current,
    int? Desired,
    DateTimeOffset? LastScaleTime,
    DateTimeOffset? LastDecisionTime,
    IReadOnlyList<ScalingReason> Reasons,
    IReadOnlyList<PolicyCondition> Conditions,
    string? Problem);

/// <summary>The controller as a whole: whether this replica leads, and each policy's state.</summary>
public sealed record ControllerState(string Identity, bool Leading, string? Leader, IReadOnlyList<PolicyState> Policies);

/// <summary>What the API reads of a running controller.</summary>
public interface IControllerStates
{
    ControllerState Current { get; }
}
