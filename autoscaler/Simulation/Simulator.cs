using System.Diagnostics;
using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Simulation.Engine;

namespace Observe.Autoscaler.Simulation;

/// <summary>
/// Replays a trace against a workload model under one scaler, one simulated second at a time:
/// Poisson arrivals at the trace's rate, each sent to a ready pod and served FIFO with a random
/// service time, the scaler asked every tick with what it would have measured by then.
/// </summary>
public static class Simulator
{
    /// <summary>How long the SLO budget a scaler sees is (rolling), and the burn-rate windows.</summary>
    private static readonly TimeSpan BudgetPeriod = TimeSpan.FromDays(30);
    private const int BurnShortMinutes = 5, BurnLongMinutes = 60;

    /// <param name="progress">Receives the number of simulated seconds done, every simulated hour and at the end.</param>
    public static SimulationResult Run(RequestTrace trace, WorkloadModel model, IReplicaScaler scaler, int seed,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        Validate(model);
        var clock = Stopwatch.StartNew();
        var random = new RandomSource(seed);
        var fleet = new PodFleet(model, random);
        var cadence = scaler.Cadence;
        var lag = (long)Math.Ceiling(cadence.MetricsLag.TotalSeconds);
        var shortWindow = Math.Max(1, (long)Math.Round(cadence.ShortWindow.TotalSeconds));
        var longWindow = Math.Max(1, (long)Math.Round(cadence.LongWindow.TotalSeconds));
        var tick = Math.Max(1, (long)Math.Round(cadence.Tick.TotalSeconds));
        var seconds = new SecondRing((int)(Math.Max(shortWindow, longWindow) + lag + 2), model.Objective.ThresholdSeconds);
        var totalSeconds = (long)trace.Length.TotalSeconds;
        var minutes = new MinuteLedger((int)((totalSeconds + 59) / 60), model.Objective);
        var actions = new List<ScalingDecision>();
        var desired = model.InitialReplicas;
        var threshold = model.Objective.ThresholdSeconds;
        var quantileFloor = (long)Math.Ceiling(1 / (1 - model.Objective.Target));
        double replicaSeconds = 0;

        for (long s = 0; s < totalSeconds; s++)
        {
            if (s % tick == 0)
            {
                var signals = Signals(trace, s, fleet, desired, seconds, minutes, lag, shortWindow, longWindow, quantileFloor, model.Objective);
                var decision = scaler.Decide(signals);
                if (decision.Desired != desired)
                {
                    if (decision.Desired < 0) throw new InvalidOperationException($"{scaler.Name} asked for {decision.Desired} replicas at second {s}");
                    actions.Add(decision);
                    desired = decision.Desired;
                    fleet.Resize(desired, s);
                }
            }
            fleet.Advance(s);
            var rate = trace.RateAt(s);
            minutes.Observe(rate, fleet.Capacity);

            // A Poisson process whose rate is constant within the second: by memorylessness the
            // first arrival of each second can be drawn afresh from the second's start.
            var arrival = s + (rate > 0 ? random.Exponential(rate) : 1);
            while (arrival < s + 1)
            {
                var latency = fleet.Dispatch(arrival);
                if (latency is { } l)
                {
                    seconds.Accepted(l);
                    minutes.Completed(l <= threshold);
                }
                else
                {
                    seconds.Rejected();
                    minutes.Rejected();
                }
                arrival += random.Exponential(rate);
            }
            seconds.EndSecond(fleet.InFlight(s + 1));
            replicaSeconds += fleet.Count;
            if (s % 60 == 59 || s == totalSeconds - 1) minutes.Close(s, fleet.Count, fleet.ReadyCount);
            if (s % 3600 == 3599)
            {
                progress?.Report(s + 1);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        progress?.Report(totalSeconds);
        return minutes.Result(scaler.Name, replicaSeconds / 3600, actions, clock.Elapsed);
    }

    private static void Validate(WorkloadModel model)
    {
        if (!(model.ServiceRate > 0)) throw new ArgumentException($"service rate must be > 0 requests/s per pod, not {model.ServiceRate}");
        if (model.QueueLimit < 1) throw new ArgumentException($"queue limit must be at least 1, not {model.QueueLimit}");
        if (model.InitialReplicas < 0) throw new ArgumentException($"initial replicas must be >= 0, not {model.InitialReplicas}");
        if (!(model.Objective.ThresholdSeconds > 0)) throw new ArgumentException($"latency threshold must be > 0 s, not {model.Objective.ThresholdSeconds}");
        if (!(model.Objective.Target is > 0 and < 1)) throw new ArgumentException($"target must be in (0, 1), not {model.Objective.Target}");
        foreach (var change in model.CapacityChanges ?? [])
            if (!(change.Factor > 0)) throw new ArgumentException($"capacity change at {change.At} must have a factor > 0, not {change.Factor}");
    }

    /// <summary>What a scaler would read at second <paramref name="s"/>: the windows end <paramref name="lag"/> seconds earlier.</summary>
    private static ScalingSignals Signals(RequestTrace trace, long s, PodFleet fleet, int desired, SecondRing seconds, MinuteLedger minutes,
        long lag, long shortWindow, long longWindow, long quantileFloor, LatencyObjective objective)
    {
        var time = trace.Start.AddSeconds(s);
        var until = s - lag;
        var fleetNow = fleet.Snapshot(s, desired);
        if (until <= 0 || seconds.Seconds == 0)
            return new ScalingSignals(time, null, null, null, null, null, null, fleetNow, null);
        var shortCounts = seconds.Window(until - shortWindow, until);
        var longCounts = seconds.Window(until - longWindow, until);
        seconds.SelectLatency(until - longWindow, until);
        var latency = new LatencyQuantiles(
            seconds.Quantile(0.5, 1),
            seconds.Quantile(0.9, 10),
            seconds.Quantile(0.99, 100),
            seconds.Quantile(objective.Target, quantileFloor));
        return new ScalingSignals(
            time,
            trace.Start.AddSeconds(Math.Min(until, seconds.Seconds)),
            shortCounts.Seconds == 0 ? null : shortCounts.Rate,
            longCounts.Seconds == 0 ? null : longCounts.Rate,
            shortCounts.Seconds == 0 ? null : shortCounts.InFlight,
            latency,
            longCounts.Arrivals == 0 ? null : (double)longCounts.Rejected / longCounts.Arrivals,
            fleetNow,
            minutes.Slo(until, BudgetPeriod, BurnShortMinutes, BurnLongMinutes));
    }
}
