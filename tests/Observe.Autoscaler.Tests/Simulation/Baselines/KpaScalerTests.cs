using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Simulation.Baselines;
using static Observe.Autoscaler.Tests.Simulation.Baselines.BaselineSignals;

namespace Observe.Autoscaler.Tests.Simulation.Baselines;

/// <summary>
/// The KPA decider on rps, against knative.dev "Additional autoscaling configuration for Knative Pod
/// Autoscaler" (modes, panic window and threshold, scale rates), "Configuring scale bounds", and
/// <c>Scale</c> in knative/serving <c>pkg/autoscaler/scaling/autoscaler.go</c>.
/// </summary>
public sealed class KpaScalerTests
{
    private static KpaScaler Kpa(int min = 1, int max = 100, double target = 10) => new(new KpaSettings(min, max, target));

    [Fact]
    public void Cadence_is_a_2_s_tick_a_6_s_panic_window_a_60_s_stable_window_and_1_s_of_lag()
    {
        var cadence = Kpa().Cadence;

        Assert.Equal(TimeSpan.FromSeconds(2), cadence.Tick);
        Assert.Equal(TimeSpan.FromSeconds(6), cadence.ShortWindow);
        Assert.Equal(TimeSpan.FromSeconds(60), cadence.LongWindow);
        Assert.Equal(TimeSpan.FromSeconds(1), cadence.MetricsLag);
    }

    [Theory]
    [InlineData(95, 10)]
    [InlineData(100, 10)]
    [InlineData(101, 11)]
    [InlineData(42, 5)]
    [InlineData(149, 15)]
    public void Stable_mode_asks_for_the_observed_rate_over_the_target_rounded_up(double rate, int expected)
    {
        var decision = Kpa().Decide(At(0, desired: 10, ready: 10, rateLong: rate, rateShort: rate));

        Assert.False(decision.Figures.Burst);
        Assert.Equal(expected, decision.Desired);
        Assert.Equal(expected, decision.Figures.Recommendation);
    }

    // Docs, "Panic mode threshold": 200 means panic "if traffic is twice as high as the current replica population can handle".
    [Theory]
    [InlineData(70, false, 4)]
    [InlineData(71, true, 8)]
    public void Panic_starts_when_the_panic_window_needs_twice_the_ready_pods(double panicRate, bool panics, int expected)
    {
        var decision = Kpa().Decide(At(0, desired: 4, ready: 4, rateLong: 40, rateShort: panicRate));

        Assert.Equal(panics, decision.Figures.Burst);
        Assert.Equal(panics, decision.Has(ReasonCodes.Burst));
        Assert.Equal(expected, decision.Desired);
    }

    // Docs, "Modes": "When using panic mode, the Revision will not scale down to avoid churn."
    [Fact]
    public void Panic_mode_never_scales_down()
    {
        var kpa = Kpa();

        var entered = kpa.Decide(At(0, desired: 4, ready: 4, rateLong: 40, rateShort: 200));
        var calmer = kpa.Decide(At(2, desired: 20, ready: 4, rateLong: 40, rateShort: 50));
        var allReady = kpa.Decide(At(4, desired: 20, ready: 20, rateLong: 40, rateShort: 30));

        Assert.Equal(20, entered.Desired);
        Assert.All([calmer, allReady], d =>
        {
            Assert.True(d.Figures.Burst);
            Assert.Equal(20, d.Desired);
            Assert.True(d.Has(ReasonCodes.ScaleDownStabilised));
        });
    }

    // Docs, "Modes": the autoscaler "will leave panic mode if there has been no reason to react quickly during the stable window".
    [Fact]
    public void Panic_ends_a_stable_window_after_the_threshold_was_last_reached()
    {
        var decisions = Run(Kpa(), 4, TimeSpan.FromSeconds(64), _ => 40, s => s == 0 ? 200 : 40);

        Assert.All(decisions.Where(d => d.Second() <= 60), d => Assert.Equal((true, 20), (d.Figures.Burst, d.Desired)));
        var after = decisions.Single(d => d.Second() == 62);
        Assert.False(after.Figures.Burst);
        Assert.Contains("left panic mode", after.Reasons[0].Message, StringComparison.Ordinal);
        // Back in stable mode the scale-down rate applies: half of 20 ready pods at most.
        Assert.Equal(10, after.Desired);
    }

    [Fact]
    public void Every_tick_over_the_threshold_restarts_the_wait_to_leave_panic_mode()
    {
        var decisions = Run(Kpa(), 4, TimeSpan.FromSeconds(94), _ => 40, s => s switch { 0 => 200, 30 => 400, _ => 40 });

        Assert.True(decisions.Single(d => d.Second() == 90).Figures.Burst);
        Assert.Equal(40, decisions.Single(d => d.Second() == 90).Desired);
        Assert.False(decisions.Single(d => d.Second() == 92).Figures.Burst);
    }

    // Docs, "Scale down rate": with 2.0 "the revision can only scale from N to N/2 pods in one evaluation cycle".
    [Fact]
    public void Max_scale_down_rate_of_2_at_most_halves_the_ready_pods_per_tick()
    {
        var decisions = Run(Kpa(), 16, TimeSpan.FromSeconds(8), _ => 0);

        Assert.Equal([8, 4, 2, 1, 1], decisions.Select(d => d.Desired));
        Assert.All(decisions, d => Assert.True(d.Desired >= d.Current / 2));
        Assert.True(decisions[0].Has(ReasonCodes.ScaleDownLimited));
        Assert.True(decisions[^1].Has(ReasonCodes.BoundedByMin));
    }

    // Docs, "Scale up rate": with 2.0 "the revision can only scale from N to 2*N pods in one evaluation cycle".
    [Fact]
    public void Max_scale_up_rate_bounds_the_growth_from_the_ready_pods()
    {
        var kpa = new KpaScaler(new KpaSettings(1, 100, 10) { MaxScaleUpRate = 2 });

        var decision = kpa.Decide(At(0, desired: 3, ready: 3, rateLong: 100, rateShort: 100));

        Assert.Equal(6, decision.Desired);
        Assert.True(decision.Has(ReasonCodes.ScaleUpLimited));
    }

    // Docs: "A minimal change of one replica in each direction is always permitted"; the code's own
    // example: rate 1.1, 2 ready pods, 3 needed gives ceil(2.2) = 3, not 2.
    [Fact]
    public void A_slow_scale_up_rate_still_allows_one_more_pod()
    {
        var kpa = new KpaScaler(new KpaSettings(1, 100, 1) { MaxScaleUpRate = 1.1 });

        Assert.Equal(3, kpa.Decide(At(0, desired: 2, ready: 2, rateLong: 3, rateShort: 3)).Desired);
    }

    [Fact]
    public void Default_max_scale_up_rate_of_1000_allows_a_thousandfold_jump()
    {
        var decision = Kpa(max: 0, target: 1).Decide(At(0, desired: 1, ready: 1, rateLong: 5000, rateShort: 5000));

        Assert.Equal(1000, decision.Desired);
        Assert.True(decision.Has(ReasonCodes.ScaleUpLimited));
    }

    [Fact]
    public void Rate_bounds_come_from_ready_pods_not_from_the_replicas_asked_for()
    {
        var twoReady = Kpa().Decide(At(0, desired: 5, ready: 2, rateLong: 10, rateShort: 10));
        // No ready pod counts as one: a panic rate needing 3 pods is 3× that.
        var noneReady = Kpa().Decide(At(0, desired: 5, ready: 0, rateLong: 30, rateShort: 30));

        Assert.Equal(1, twoReady.Desired);
        Assert.True(noneReady.Figures.Burst);
        Assert.Equal(3, noneReady.Desired);
    }

    // Docs, "Configuring scale bounds": min-scale and max-scale (0 = unlimited).
    [Fact]
    public void Min_and_max_scale_bound_the_result()
    {
        var capped = Kpa(max: 5).Decide(At(0, desired: 4, ready: 4, rateLong: 400, rateShort: 400));
        var floored = Kpa(min: 2).Decide(At(0, desired: 2, ready: 2, rateLong: 0, rateShort: 0));
        var unlimited = Kpa(max: 0, target: 1).Decide(At(0, desired: 100, ready: 100, rateLong: 300, rateShort: 300));

        Assert.Equal(5, capped.Desired);
        Assert.True(capped.Has(ReasonCodes.BoundedByMax));
        Assert.Equal(2, floored.Desired);
        Assert.True(floored.Has(ReasonCodes.BoundedByMin));
        Assert.Equal(300, unlimited.Desired);
    }

    [Fact]
    public void No_stable_rate_holds_the_count_and_no_panic_rate_counts_as_zero()
    {
        var held = Kpa().Decide(At(0, desired: 7, ready: 7, rateLong: null, rateShort: 500));
        var noPanicData = Kpa().Decide(At(0, desired: 4, ready: 4, rateLong: 40, rateShort: null));

        Assert.Equal(7, held.Desired);
        Assert.True(held.Has(ReasonCodes.MissingDataHold));
        Assert.False(noPanicData.Figures.Burst);
        Assert.Equal(4, noPanicData.Desired);
    }

    [Fact]
    public void Invalid_settings_are_rejected_naming_the_option()
    {
        Assert.Contains("MinReplicas", Assert.Throws<ArgumentException>(() => Kpa(min: 0)).Message, StringComparison.Ordinal);
        Assert.Contains("PanicThresholdPercentage",
            Assert.Throws<ArgumentException>(() => new KpaScaler(new KpaSettings(1, 10, 10) { PanicThresholdPercentage = 100 })).Message, StringComparison.Ordinal);
    }

    private static readonly Gen<(int Stable, int Panic)[]> Loads =
        from n in Gen.Choose(5, 80)
        from loads in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 1500), Gen.Choose(0, 3000)), n)
        select loads;

    [Fact]
    public void Under_any_load_the_count_stays_in_bounds_halves_at_most_and_never_falls_in_panic()
    {
        Prop.ForAll(Arb.From(Loads), loads =>
        {
            var decisions = Run(Kpa(min: 2, max: 60), 3, TimeSpan.FromSeconds(2 * (loads.Length - 1)),
                s => loads[(int)(s / 2)].Stable, s => loads[(int)(s / 2)].Panic);
            return decisions.All(d => d.Desired >= 2 && d.Desired <= 60
                && (d.Figures.Burst ? d.Desired >= d.Current : d.Desired >= d.Current / 2));
        }).QuickCheckThrowOnFailure();
    }
}
