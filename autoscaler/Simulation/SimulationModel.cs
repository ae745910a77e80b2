using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Simulation;

/// <summary>
/// A demand curve: request counts per step (a second or a minute) from <see cref="Start"/>.
/// The simulator turns it into Poisson arrivals whose rate is constant within a step.
/// </summary>
public sealed record RequestTrace(string Name, DateTimeOffset Start, TimeSpan Step, double[] Counts)
{
    public TimeSpan Length => Step * Counts.Length;

    public double PeakRate => Counts.Length == 0 ? 0 : Counts.Max() / Step.TotalSeconds;

    /// <summary>Arrival rate (requests/s) during the step that holds second <paramref name="second"/> since <see cref="Start"/>.</summary>
    public double RateAt(long second)
    {
        var perStep = (long)Step.TotalSeconds;
        var index = second / perStep;
        return index < 0 || index >= Counts.Length ? 0 : Counts[index] / Step.TotalSeconds;
    }
}

/// <summary>How requests are spread over the ready pods.</summary>
public enum Balancer
{
    /// <summary>Two pods picked at random, the one with fewer requests in flight wins (Envoy's LEAST_REQUEST default).</summary>
    PowerOfTwoChoices,

    /// <summary>The pod whose queue empties first; with FIFO pods this is exactly an M/G/c queue.</summary>
    LeastWork,
}

public enum ServiceTimeDistribution { Exponential }

/// <summary>
/// The workload the trace is replayed against: the truth the scalers do not see.
/// </summary>
/// <param name="ServiceRate">μ: requests/s one warm pod completes when busy (mean service time 1/μ).</param>
/// <param name="Startup">Start-up delay and warm-up curve of a new pod.</param>
/// <param name="Objective">A request is good when it is not rejected and completes within the threshold; the target defines violation minutes and the budget.</param>
/// <param name="QueueLimit">Requests one pod holds (in service + waiting); a request sent to a full pod is rejected (503).</param>
/// <param name="InitialReplicas">Warm pods at the start of the trace.</param>
/// <param name="CapacityChanges">From each time on (since the trace start), every pod serves at this factor of μ: a new version rolled out.</param>
public sealed record WorkloadModel(
    double ServiceRate,
    PodStartup Startup,
    LatencyObjective Objective,
    int QueueLimit,
    int InitialReplicas,
    Balancer Balancer = Balancer.PowerOfTwoChoices,
    ServiceTimeDistribution ServiceTimes = ServiceTimeDistribution.Exponential,
    IReadOnlyList<CapacityChange>? CapacityChanges = null);

/// <summary>From <see cref="At"/> (since the trace start) every pod serves at <see cref="Factor"/> × μ: a new version rolled out to all pods at once.</summary>
public sealed record CapacityChange(TimeSpan At, double Factor);

/// <summary>What one scaler achieved over a replayed trace.</summary>
/// <param name="GoodShare">Good requests over all requests (rejected ones count as bad).</param>
/// <param name="ViolationMinutes">Minutes whose good share was below the objective's target (minutes without requests do not count).</param>
/// <param name="BudgetConsumed">Bad requests over the budget the target allows on this trace (1 = exactly spent).</param>
/// <param name="ReplicaHours">Pods × hours they existed (from being asked for to being removed), warm or not: what the cluster pays for.</param>
/// <param name="ScalingActions">Decisions that changed the replica count.</param>
public sealed record SimulationResult(
    string Policy,
    long Requests,
    long Good,
    long Rejected,
    double GoodShare,
    int ViolationMinutes,
    double BudgetConsumed,
    double ReplicaHours,
    int ScalingActions,
    TimeSpan Elapsed,
    IReadOnlyList<MinutePoint> Minutes,
    IReadOnlyList<ScalingDecision> Actions);

/// <summary>One minute of a run, for plots and for finding where an SLO was missed.</summary>
/// <param name="Demand">Arrival rate of the trace (requests/s).</param>
/// <param name="Capacity">What the pods could serve at full utilisation (Σ μ × warm-up factor), averaged over the minute.</param>
/// <param name="Replicas">Pods that exist at the end of the minute (ready or not).</param>
/// <param name="Ready">Ready pods at the end of the minute.</param>
public readonly record struct MinutePoint(int Minute, double Demand, double Capacity, int Replicas, int Ready, long Requests, long Good);
