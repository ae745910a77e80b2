using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Simulation.Baselines;
using static Observe.Autoscaler.Tests.Simulation.Baselines.BaselineSignals;

namespace Observe.Autoscaler.Tests.Simulation.Baselines;

/// <summary>
/// The HPA controller loop, against kubernetes.io "Horizontal Pod Autoscaling" (sections
/// "Algorithm details" and "Configurable scaling behavior" with its examples) and the behaviour
/// code of <c>horizontal.go</c>. Every run ticks every 15 s with all pods ready at once.
/// </summary>
public sealed class HpaScalerTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(60);

    private static HpaScalingPolicy Pods(int value, int seconds) => new(HpaPolicyType.Pods, value, TimeSpan.FromSeconds(seconds));

    private static HpaScalingPolicy Percent(int value, int seconds) => new(HpaPolicyType.Percent, value, TimeSpan.FromSeconds(seconds));

    private static HpaBehavior ScaleDown(HpaScalingRules rules) => HpaBehavior.Default with { ScaleDown = rules };

    private static HpaBehavior ScaleUp(HpaScalingRules rules) => HpaBehavior.Default with { ScaleUp = rules };

    [Fact]
    public void Cadence_is_the_15_s_sync_period_and_a_one_minute_rate_30_s_old()
    {
        var cadence = new HpaScaler(new HpaSettings(1, 10, 10)).Cadence;

        Assert.Equal(TimeSpan.FromSeconds(15), cadence.Tick);
        Assert.Equal(TimeSpan.FromSeconds(60), cadence.LongWindow);
        Assert.Equal(cadence.LongWindow, cadence.ShortWindow);
        Assert.Equal(TimeSpan.FromSeconds(30), cadence.MetricsLag);
    }

    [Fact]
    public void Docs_doubling_200m_against_100m_scales_up_at_once()
    {
        var scaler = new HpaScaler(new HpaSettings(1, 20, TargetPerPod: 0.1));

        var decision = scaler.Decide(At(0, desired: 4, ready: 4, rateLong: 4 * 0.2));

        Assert.Equal(4, decision.Current);
        Assert.Equal(8, decision.Desired);
        Assert.True(decision.Has(ReasonCodes.Demand));
        Assert.Equal(8, decision.Figures.Recommendation);
    }

    // Docs, "Default Behavior": scale-down stabilisation 300 s; the controller seeds the window with the count it first saw.
    [Fact]
    public void Docs_halving_50m_against_100m_waits_for_the_300_s_stabilisation_window()
    {
        var decisions = Run(new HpaScaler(new HpaSettings(1, 20, TargetPerPod: 0.1)), 4, TimeSpan.FromSeconds(330), _ => 4 * 0.05);

        Assert.All(decisions.Where(d => d.Second() < 300), d =>
        {
            Assert.Equal(4, d.Desired);
            Assert.Equal(2, d.Figures.Recommendation);
            Assert.True(d.Has(ReasonCodes.ScaleDownStabilised));
        });
        Assert.Equal(2, decisions.Single(d => d.Second() == 300).Desired);
    }

    [Fact]
    public void A_ratio_within_the_tolerance_keeps_the_count()
    {
        var decision = new HpaScaler(new HpaSettings(1, 20, 100)).Decide(At(0, desired: 10, ready: 10, rateLong: 10 * 108));

        Assert.False(decision.Changes);
        Assert.True(decision.Has(ReasonCodes.WithinTolerance));
    }

    [Fact]
    public void Starting_pods_count_at_zero_on_a_scale_up_and_hold_the_count_when_that_reverses_it()
    {
        var scaler = new HpaScaler(new HpaSettings(1, 20, 10));

        var held = scaler.Decide(At(0, desired: 4, ready: 2, rateLong: 2 * 13));
        var grown = scaler.Decide(At(15, desired: 4, ready: 2, rateLong: 2 * 25));

        Assert.Equal(4, held.Desired);
        Assert.True(held.Has(ReasonCodes.WarmingPods));
        Assert.Equal(5, grown.Desired);
        Assert.Contains("counting 2 starting pods at 0", grown.Reasons.Single(r => r.Code == ReasonCodes.Demand).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_every_pod_still_starting_the_metric_fails_and_the_count_holds()
    {
        var decision = new HpaScaler(new HpaSettings(1, 20, 10)).Decide(At(0, desired: 3, ready: 0, rateLong: 0));

        Assert.Equal(3, decision.Desired);
        Assert.True(decision.Has(ReasonCodes.MissingDataHold));
    }

    [Fact]
    public void A_missing_rate_holds_the_count()
    {
        var decision = new HpaScaler(new HpaSettings(1, 20, 10)).Decide(At(0, desired: 6, ready: 6, rateLong: null));

        Assert.Equal(6, decision.Desired);
        Assert.True(decision.Has(ReasonCodes.MissingDataHold));
        Assert.Null(decision.Figures.Recommendation);
    }

    // Docs, "Scaling policies": Pods 4 / 60 s and Percent 10 / 60 s, the larger change selected; 80 replicas
    // to 10 removes 8, then 8 again from 72 (7.2 rounded up), then 4 at a time below 40. The example sets
    // only the policies, so the default 300 s stabilisation applies before the first step.
    [Fact]
    public void Docs_scaling_policies_example_from_80_to_10_replicas()
    {
        var behavior = ScaleDown(HpaBehavior.Default.ScaleDown with { Policies = [Pods(4, 60), Percent(10, 60)] });
        var decisions = Run(new HpaScaler(new HpaSettings(1, 100, 1) { Behavior = behavior }), 80, TimeSpan.FromMinutes(25), _ => 9.5);

        var steps = decisions.Where(d => d.Changes).ToList();
        Assert.Equal(300, steps[0].Second());
        Assert.Equal((80, 72), (steps[0].Current, steps[0].Desired));
        Assert.Equal((72, 64), (steps[1].Current, steps[1].Desired));
        Assert.All(steps.Zip(steps.Skip(1)), pair => Assert.Equal(60, pair.Second.Second() - pair.First.Second()));
        Assert.All(steps, s =>
        {
            // The docs' rule: remove the larger of 4 pods and 10 % rounded up, not below the recommendation.
            var removable = Math.Max(4, (int)Math.Ceiling(s.Current * 0.1 - 1e-9));
            Assert.Equal(Math.Max(10, s.Current - removable), s.Desired);
        });
        Assert.Equal(10, decisions[^1].Desired);
        Assert.True(steps[0].Has(ReasonCodes.ScaleDownLimited));
    }

    // Docs, "Example: limit scale down rate": Percent 10 / 60 s with Pods 5 / 60 s and selectPolicy Min
    // means no more than 5 pods removed per minute (and no more than 10 %).
    [Fact]
    public void Docs_limit_scale_down_rate_example_removes_at_most_5_pods_a_minute()
    {
        var behavior = ScaleDown(HpaBehavior.Default.ScaleDown with { SelectPolicy = HpaSelectPolicy.Min, Policies = [Percent(10, 60), Pods(5, 60)] });
        var decisions = Run(new HpaScaler(new HpaSettings(1, 100, 1) { Behavior = behavior }), 100, TimeSpan.FromMinutes(30), _ => 9.5);

        foreach (var d in decisions)
        {
            var lastMinute = decisions.Where(e => e.Time > d.Time - Minute && e.Time <= d.Time).ToList();
            var removed = lastMinute.Sum(e => e.Current - e.Desired);
            Assert.True(removed <= 5, $"{removed} removed in the minute to {d.Second()} s");
            Assert.True(removed <= Math.Ceiling(lastMinute[0].Current * 0.1), $"{removed} removed from {lastMinute[0].Current} in the minute to {d.Second()} s");
        }
        var first = decisions.First(d => d.Changes);
        Assert.Equal((300, 100, 95), (first.Second(), first.Current, first.Desired));
        Assert.Equal(10, decisions[^1].Desired);
    }

    [Fact]
    public void Docs_disable_scale_down_example_never_removes_a_pod()
    {
        var behavior = ScaleDown(HpaBehavior.Default.ScaleDown with { SelectPolicy = HpaSelectPolicy.Disabled });
        var decisions = Run(new HpaScaler(new HpaSettings(1, 100, 1) { Behavior = behavior }), 20, TimeSpan.FromMinutes(20), _ => 1);

        Assert.All(decisions, d => Assert.Equal(20, d.Desired));
    }

    // Docs, "Example: change downscale stabilization window" to 60 s.
    [Fact]
    public void Docs_downscale_stabilisation_window_of_60_s_delays_the_scale_down_by_a_minute()
    {
        var behavior = ScaleDown(HpaBehavior.Default.ScaleDown with { StabilisationWindow = Minute });
        var decisions = Run(new HpaScaler(new HpaSettings(1, 100, 10) { Behavior = behavior }), 10, TimeSpan.FromSeconds(90), _ => 35);

        Assert.Equal(60, decisions.First(d => d.Changes).Second());
        Assert.Equal(4, decisions[^1].Desired);
    }

    // Docs, "Stabilization window": "uses the highest value from the specified interval". Recommendations
    // 10 (0 s), 6 (15 s), 8 (30 s), then 4: the count stays 10 while the first one is in the window, then 8
    // while the one of 30 s is, then 4.
    [Fact]
    public void Docs_stabilisation_window_applies_the_highest_recommendation_within_it()
    {
        double? Rate(double second) => second switch { 0 => 100, 15 => 55, 30 => 75, _ => 35 };
        var decisions = Run(new HpaScaler(new HpaSettings(1, 100, 10)), 10, TimeSpan.FromSeconds(345), Rate);

        Assert.Equal([10, 6, 8, 4], decisions.Take(4).Select(d => d.Figures.Recommendation!.Value));
        Assert.All(decisions.Where(d => d.Second() < 300), d => Assert.Equal(10, d.Desired));
        Assert.Equal(8, decisions.Single(d => d.Second() == 300).Desired);
        Assert.Equal(8, decisions.Single(d => d.Second() == 315).Desired);
        Assert.Equal(4, decisions.Single(d => d.Second() == 330).Desired);
        Assert.True(decisions.Single(d => d.Second() == 300).Has(ReasonCodes.ScaleDownStabilised));
    }

    // Docs, "Default Behavior": "4 pods or a 100% of the currently running replicas will be added every 15 seconds".
    [Fact]
    public void Docs_default_scale_up_adds_the_larger_of_100_percent_and_4_pods_every_15_s()
    {
        var decisions = Run(new HpaScaler(new HpaSettings(1, 100, 1)), 1, TimeSpan.FromSeconds(120), _ => 1000);

        Assert.All(decisions, d => Assert.Equal(Math.Min(100, Math.Max(2 * d.Current, d.Current + 4)), d.Desired));
        Assert.Equal([5, 10, 20, 40, 80, 100], decisions.Take(6).Select(d => d.Desired));
        Assert.True(decisions[0].Has(ReasonCodes.ScaleUpLimited));
        Assert.True(decisions[5].Has(ReasonCodes.BoundedByMax));
    }

    // calculateScaleUpLimitWithScalingRules: a policy's limit is from the count at the start of its period.
    [Fact]
    public void A_pods_policy_over_60_s_counts_what_was_added_within_the_period()
    {
        var behavior = ScaleUp(HpaBehavior.Default.ScaleUp with { Policies = [Pods(4, 60)] });
        var decisions = Run(new HpaScaler(new HpaSettings(1, 100, 1) { Behavior = behavior }), 2, TimeSpan.FromSeconds(120), _ => 1000);

        Assert.Equal([6, 6, 6, 6, 10, 10, 10, 10, 14], decisions.Select(d => d.Desired));
    }

    [Fact]
    public void A_scale_up_stabilisation_window_applies_the_lowest_recommendation_within_it()
    {
        var behavior = ScaleUp(HpaBehavior.Default.ScaleUp with { StabilisationWindow = Minute });
        double? Rate(double second) => second < 30 ? 40 : 200;
        var decisions = Run(new HpaScaler(new HpaSettings(1, 100, 10) { Behavior = behavior }), 4, TimeSpan.FromSeconds(90), Rate);

        // The last recommendation of 4 was at 15 s; from 75 s on only 20s are younger than 60 s.
        Assert.All(decisions.Where(d => d.Second() < 75), d => Assert.Equal(4, d.Desired));
        Assert.True(decisions.Single(d => d.Second() == 30).Has(ReasonCodes.ScaleUpLimited));
        Assert.Equal(8, decisions.Single(d => d.Second() == 75).Desired);
    }

    [Fact]
    public void Max_and_min_replicas_bound_the_recommendation()
    {
        var up = new HpaScaler(new HpaSettings(2, 6, 10)).Decide(At(0, desired: 4, ready: 4, rateLong: 200));
        var quickDown = HpaBehavior.Default with { ScaleDown = HpaBehavior.Default.ScaleDown with { StabilisationWindow = TimeSpan.Zero } };
        var down = new HpaScaler(new HpaSettings(2, 6, 10) { Behavior = quickDown }).Decide(At(0, desired: 4, ready: 4, rateLong: 0));

        Assert.Equal(6, up.Desired);
        Assert.True(up.Has(ReasonCodes.BoundedByMax));
        Assert.Equal(2, down.Desired);
        Assert.True(down.Has(ReasonCodes.BoundedByMin));
    }

    [Fact]
    public void Replicas_outside_min_and_max_are_brought_within_without_reading_the_metric()
    {
        var above = new HpaScaler(new HpaSettings(2, 10, 10)).Decide(At(0, desired: 12, ready: 12, rateLong: null));
        var below = new HpaScaler(new HpaSettings(2, 10, 10)).Decide(At(0, desired: 1, ready: 1, rateLong: null));

        Assert.Equal(10, above.Desired);
        Assert.True(above.Has(ReasonCodes.BoundedByMax));
        Assert.Equal(2, below.Desired);
        Assert.True(below.Has(ReasonCodes.BoundedByMin));
    }

    [Fact]
    public void Invalid_settings_are_rejected_naming_the_option()
    {
        Assert.Contains("MaxReplicas", Assert.Throws<ArgumentException>(() => new HpaScaler(new HpaSettings(5, 4, 10))).Message, StringComparison.Ordinal);
        Assert.Contains("TargetPerPod", Assert.Throws<ArgumentException>(() => new HpaScaler(new HpaSettings(1, 4, 0))).Message, StringComparison.Ordinal);
        var noPolicies = HpaBehavior.Default with { ScaleUp = HpaBehavior.Default.ScaleUp with { Policies = [] } };
        Assert.Contains("Behavior.ScaleUp.Policies", Assert.Throws<ArgumentException>(() => new HpaScaler(new HpaSettings(1, 4, 10) { Behavior = noPolicies })).Message, StringComparison.Ordinal);
    }

    private static readonly Gen<double[]> Rates =
        from n in Gen.Choose(5, 60)
        from rates in Gen.ArrayOf(Gen.Choose(0, 2000), n)
        select rates.Select(r => (double)r).ToArray();

    [Fact]
    public void Under_any_load_the_count_stays_within_bounds_and_default_scale_up_limits()
    {
        Prop.ForAll(Arb.From(Rates), rates =>
        {
            var decisions = Run(new HpaScaler(new HpaSettings(2, 50, 10)), 3, TimeSpan.FromSeconds(15 * (rates.Length - 1)), s => rates[(int)(s / 15)]);
            return decisions.All(d => d.Desired >= 2 && d.Desired <= 50 && d.Desired <= Math.Max(2 * d.Current, d.Current + 4));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Under_any_load_a_scale_down_never_goes_below_a_recommendation_of_the_last_300_s()
    {
        Prop.ForAll(Arb.From(Rates), rates =>
        {
            var decisions = Run(new HpaScaler(new HpaSettings(1, 500, 10)), 3, TimeSpan.FromSeconds(15 * (rates.Length - 1)), s => rates[(int)(s / 15)]);
            return decisions.Where(d => d.Desired < d.Current).All(d =>
                decisions.Where(e => e.Time > d.Time - TimeSpan.FromSeconds(300) && e.Time <= d.Time).All(e => e.Figures.Recommendation <= d.Desired));
        }).QuickCheckThrowOnFailure();
    }
}
