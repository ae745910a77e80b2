namespace Observe.Autoscaler.Simulation.Report;

/// <summary>What one simulation compared: the trace, the workload model, the scaling bounds and one row per scaler.</summary>
/// <param name="ScalingPolicy">The name of the ScalingPolicy Observe's scaler ran with.</param>
/// <param name="MinReplicas">The policy's lower bound, which every scaler kept to.</param>
/// <param name="MaxReplicas">The policy's upper bound, which every scaler kept to.</param>
/// <param name="Seed">Seeds the arrivals, the same for every scaler.</param>
internal sealed record Comparison(
    TraceSummary Trace,
    ModelSummary Model,
    string ScalingPolicy,
    int MinReplicas,
    int MaxReplicas,
    int Seed,
    IReadOnlyList<ComparisonRow> Rows)
{
    public static Comparison Create(RequestTrace trace, WorkloadModel model, string scalingPolicy, int minReplicas, int maxReplicas, int seed,
        IReadOnlyList<SimulationResult> results) =>
        new(TraceSummary.Of(trace), ModelSummary.Of(model), scalingPolicy, minReplicas, maxReplicas, seed, ComparisonRows.From(results));
}

/// <summary>Several cases compared in turn (<c>--case all</c>).</summary>
internal sealed record ComparisonSet(IReadOnlyList<Comparison> Cases);

/// <param name="End">The end of the last step.</param>
/// <param name="PeakRate">Requests/s in the busiest step, after any scaling.</param>
internal sealed record TraceSummary(string Name, DateTimeOffset Start, DateTimeOffset End, double StepSeconds, int Steps, double PeakRate, double Requests)
{
    public static TraceSummary Of(RequestTrace trace) =>
        new(trace.Name, trace.Start, trace.Start + trace.Length, trace.Step.TotalSeconds, trace.Counts.Length, trace.PeakRate, trace.Counts.Sum());
}

/// <summary>The workload model in plain units: seconds, requests/s, percent.</summary>
internal sealed record ModelSummary(
    double ServiceRate,
    double StartupDelaySeconds,
    double WarmupSeconds,
    double WarmupStartFactor,
    double LatencyThresholdSeconds,
    double TargetPercent,
    int QueueLimit,
    int InitialReplicas,
    string Balancer,
    string ServiceTimes,
    IReadOnlyList<CapacityChangeSummary> CapacityChanges)
{
    public static ModelSummary Of(WorkloadModel model) => new(
        model.ServiceRate,
        model.Startup.Delay.TotalSeconds,
        model.Startup.Warmup.TotalSeconds,
        model.Startup.WarmupStartFactor,
        model.Objective.ThresholdSeconds,
        // In decimal: 0.999 reads back as 99.9, not 99.89999999999999.
        (double)((decimal)model.Objective.Target * 100m),
        model.QueueLimit,
        model.InitialReplicas,
        model.Balancer.ToString(),
        model.ServiceTimes.ToString(),
        [.. (model.CapacityChanges ?? []).Select(c => new CapacityChangeSummary(c.At.TotalSeconds, c.Factor))]);
}

internal sealed record CapacityChangeSummary(double AtSeconds, double Factor);
