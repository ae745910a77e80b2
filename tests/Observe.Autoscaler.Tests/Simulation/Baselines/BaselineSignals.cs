using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Tests.Simulation.Baselines;

/// <summary>Signals as the simulator builds them, at a given second after a fixed start: no clock involved.</summary>
internal static class BaselineSignals
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <param name="desired">The spec's replica count.</param>
    /// <param name="ready">Pods serving traffic; the rest of <paramref name="desired"/> are still starting.</param>
    public static ScalingSignals At(double second, int desired, int ready, double? rateLong, double? rateShort = null)
    {
        var pods = Enumerable.Repeat(new PodInfo(TimeSpan.FromMinutes(10), Ready: true), ready)
            .Concat(Enumerable.Repeat(new PodInfo(TimeSpan.FromSeconds(5), Ready: false), Math.Max(0, desired - ready)))
            .ToArray();
        var time = Start.AddSeconds(second);
        return new ScalingSignals(time, rateLong is null ? null : time, rateShort, rateLong,
            InFlight: null, Latency: null, ErrorRatio: null, new ReplicaSnapshot(desired, pods), Slo: null);
    }

    /// <summary>
    /// Feeds <paramref name="scaler"/> one decision per tick from <paramref name="replicas"/> on, each
    /// tick starting from the count the last one asked for, with every pod ready at once (so the
    /// rules under test act alone); <paramref name="rate"/> gives the observed rate at each second.
    /// </summary>
    public static List<ScalingDecision> Run(IReplicaScaler scaler, int replicas, TimeSpan until, Func<double, double?> rate, Func<double, double?>? shortRate = null)
    {
        var decisions = new List<ScalingDecision>();
        var tick = scaler.Cadence.Tick.TotalSeconds;
        for (var second = 0.0; second <= until.TotalSeconds; second += tick)
        {
            var decision = scaler.Decide(At(second, replicas, replicas, rate(second), (shortRate ?? rate)(second)));
            decisions.Add(decision);
            replicas = decision.Desired;
        }
        return decisions;
    }

    public static double Second(this ScalingDecision decision) => (decision.Time - Start).TotalSeconds;

    public static bool Has(this ScalingDecision decision, string code) => decision.Reasons.Any(r => r.Code == code);
}
