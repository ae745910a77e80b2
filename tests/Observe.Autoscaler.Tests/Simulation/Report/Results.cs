using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Simulation;

namespace Observe.Autoscaler.Tests.Simulation.Report;

/// <summary>Simulation results built by hand, as the engine would return them.</summary>
internal static class Results
{
    public static readonly DateTimeOffset Start = new(1998, 6, 10, 0, 0, 0, TimeSpan.Zero);

    public static RequestTrace Trace(int minutes = 120) =>
        new("worldcup-slice", Start, TimeSpan.FromMinutes(1), [.. Enumerable.Range(0, minutes).Select(m => 600.0 + 60 * (m % 7))]);

    public static WorkloadModel Model() => new(20, new PodStartup(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), 0.3),
        new LatencyObjective(0.5, 0.999), 256, 2, CapacityChanges: [new CapacityChange(TimeSpan.FromHours(1), 0.5)]);

    /// <param name="replicas">Replicas for each minute; demand rises and falls with them.</param>
    public static SimulationResult Run(string policy, double replicaHours, IReadOnlyList<int>? replicas = null, double goodShare = 0.9995)
    {
        var counts = replicas ?? [.. Enumerable.Range(0, 120).Select(m => 2 + m % 5)];
        var minutes = counts.Select((r, m) => new MinutePoint(m, 10.0 * r, 20.0 * r, r, r, 600 * r, 599 * r)).ToList();
        return new SimulationResult(policy, 1_000_000, (long)(goodShare * 1_000_000), 12, goodShare, 3, 0.5, replicaHours, 7,
            TimeSpan.FromSeconds(1.25), minutes, []);
    }
}
