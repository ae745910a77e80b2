using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Scaling;
using static Observe.Autoscaler.Tests.Scaling.ScalingFixtures;

namespace Observe.Autoscaler.Tests.Scaling;

/// <summary>What holds for every decision, over generated policies and sequences of signals.</summary>
public sealed class ObserveScalerPropertyTests
{
    private enum Data { Fresh, Missing, Stale }

    /// <param name="Override">The replica count someone else sets before this tick; -1: the scaler's last answer was applied.</param>
    /// <param name="StartingShare">Out of 4: how many of the pods are new (starting or warming).</param>
    private sealed record Step(Data Data, double Rate, double ShortFactor, double? InFlight, double? Latency, int Override, int StartingShare, SloSignal? Slo);

    private sealed record Run(int Min, int Max, double? Hint, int Initial, Step[] Steps);

    private static readonly Gen<double> Rates = Gen.Choose(0, 200_000).Select(i => i / 100.0);

    private static readonly Gen<Step> Steps =
        from data in Gen.Frequency((6, Gen.Constant(Data.Fresh)), (1, Gen.Constant(Data.Missing)), (1, Gen.Constant(Data.Stale)))
        from rate in Rates
        from shortFactor in Gen.Elements(0.5, 1.0, 1.0, 1.5, 3.0, 10.0)
        from inFlight in Gen.Elements<double?>(null, 0, 5, 50, 500)
        from latency in Gen.Elements<double?>(null, 0.01, 0.2, 0.5, 2, 30)
        from over in Gen.Frequency((9, Gen.Constant(-1)), (1, Gen.Choose(0, 80)))
        from starting in Gen.Choose(0, 4)
        from slo in Gen.Elements<SloSignal?>(null, new(0.9, 0.5, 0.5), new(0.3, 4, 2), new(-0.5, 20, null))
        select new Step(data, rate, shortFactor, inFlight, latency, over, starting, slo);

    private static readonly Gen<Run> Runs =
        from min in Gen.Choose(0, 5)
        from max in Gen.Choose(min, 60)
        from hint in Gen.Elements<double?>(null, 2, 10, 80)
        from initial in Gen.Choose(0, 70)
        from length in Gen.Choose(1, 120)
        from steps in Gen.ArrayOf(Steps, length)
        select new Run(min, max, hint, initial, steps);

    /// <summary>Replays a run; <paramref name="holds"/> is asked of every decision with the tick's data state.</summary>
    private static bool Replay(Run run, Func<ScalingDecision, Data, Run, bool> holds)
    {
        var scaler = Scaler(Policy(min: run.Min, max: run.Max, hint: run.Hint));
        var current = run.Initial;
        for (var i = 0; i < run.Steps.Length; i++)
        {
            var step = run.Steps[i];
            current = step.Override >= 0 ? step.Override : current;
            var time = Start + (Tick * i);
            var pods = Enumerable.Range(0, current)
                .Select(p => p % 4 < step.StartingShare ? new PodInfo(TimeSpan.FromSeconds(5 + (p % 7 * 10)), p % 7 >= 3) : new PodInfo(TimeSpan.FromHours(1), true))
                .ToList();
            var signals = new ScalingSignals(
                time,
                step.Data switch { Data.Missing => null, Data.Stale => time - TimeSpan.FromMinutes(5), _ => time - TimeSpan.FromSeconds(10) },
                step.Rate * step.ShortFactor,
                step.Rate,
                step.InFlight,
                step.Latency is null ? null : new LatencyQuantiles(null, null, null, step.Latency),
                0,
                new ReplicaSnapshot(current, pods),
                step.Slo);
            var decision = scaler.Decide(signals);
            if (!holds(decision, step.Data, run))
            {
                return false;
            }
            current = decision.Desired;
        }
        return true;
    }

    [Fact]
    public void Every_answer_is_within_the_bounds()
    {
        Prop.ForAll(Arb.From(Runs), run => Replay(run, (d, _, r) => d.Desired >= r.Min && d.Desired <= r.Max)).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Missing_or_stale_data_never_lowers_the_count_below_what_the_bounds_allow_of_it()
    {
        Prop.ForAll(Arb.From(Runs), run => Replay(run, (d, data, r) =>
            data == Data.Fresh || d.Desired >= Math.Min(d.Current, r.Max))).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Burst_never_lowers_the_count_below_what_the_bounds_allow_of_it()
    {
        Prop.ForAll(Arb.From(Runs), run => Replay(run, (d, _, r) =>
            !d.Figures.Burst || d.Desired >= Math.Min(d.Current, r.Max))).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Every_decision_has_a_reason()
    {
        Prop.ForAll(Arb.From(Runs), run => Replay(run, (d, _, _) =>
            d.Reasons.Count > 0 && d.Reasons.All(r => !string.IsNullOrWhiteSpace(r.Code) && !string.IsNullOrWhiteSpace(r.Message)))).QuickCheckThrowOnFailure();
    }
}
