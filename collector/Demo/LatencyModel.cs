using Observe.Autoscaler.Simulation.Traces;

namespace Observe.Collector.Demo;

/// <summary>
/// How a station (a workload's Ready pods in one zone) answers under load: utilisation
/// ρ = arrivals / capacity; latency grows as a queue's, base / (1 − ρ), capped at
/// <see cref="MaxSlowdown"/> times the base; beyond capacity the share 1 − 1/ρ is shed with 503.
/// </summary>
internal static class LatencyModel
{
    public const double MaxSlowdown = 20;

    public static double Slowdown(double utilisation) =>
        utilisation >= 1 - 1 / MaxSlowdown ? MaxSlowdown : 1 / (1 - utilisation);

    public static double ShedShare(double utilisation) => utilisation <= 1 ? 0 : 1 - 1 / utilisation;

    /// <summary>Service times vary around their mean: a log-normal factor with median 1.</summary>
    public static double Jitter(Random random) => Math.Exp(0.35 * GeneratedCases.StandardNormal(random));
}
