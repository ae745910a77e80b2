using Observe.Autoscaler.Scaling;
using static Observe.Autoscaler.Tests.Scaling.ScalingFixtures;

namespace Observe.Autoscaler.Tests.Scaling;

/// <summary>The scaler's rules, one at a time, on constructed signals (capacity stays at the 10 req/s hint: no latency is given).</summary>
public sealed class ObserveScalerTests
{
    private const double Capacity = 10;
    private const double MinHeadroom = 0.1;

    private static DateTimeOffset At(int tick) => Start + (Tick * tick);

    private static int Need(double rate, double headroom = MinHeadroom) => (int)Math.Ceiling((rate * (1 + headroom) / Capacity) - 1e-9);

    [Fact]
    public void Cadence_is_the_policy_tick_and_burst_windows_behind_a_10_s_rollup()
    {
        var policy = Policy();

        var cadence = Scaler(policy).Cadence;

        Assert.Equal(new ScalerCadence(policy.Tick, policy.Burst.ShortWindow, policy.Burst.StableWindow, TimeSpan.FromSeconds(10)), cadence);
    }

    [Fact]
    public void A_warm_fleet_at_its_need_stays_steady_and_records_its_figures()
    {
        var replicas = Need(80);

        var decision = Scaler().Decide(Signals(At(0), 80, Warm(replicas)));

        Assert.Equal(replicas, decision.Desired);
        Assert.Equal(ReasonCodes.Steady, Assert.Single(decision.Reasons).Code);
        Assert.Equal(new DecisionFigures(Capacity, 80, 80, MinHeadroom, replicas, replicas, false), decision.Figures);
    }

    public static TheoryData<string> Unusable => ["no data", "no stable rate", "stale"];

    [Theory]
    [MemberData(nameof(Unusable))]
    public void Missing_or_stale_data_holds_the_count_where_the_demand_would_shrink_it(string what)
    {
        var scaler = Scaler();
        var fresh = Signals(At(0), 20, Warm(20));
        var signals = what switch
        {
            "no data" => fresh with { DataUntil = null },
            "no stable rate" => fresh with { RateLong = null },
            _ => fresh with { DataUntil = fresh.Time - TimeSpan.FromSeconds((3 * Tick.TotalSeconds) + 10 + 1) },
        };

        var decision = scaler.Decide(signals);

        Assert.Equal(20, decision.Desired);
        Assert.Equal(ReasonCodes.MissingDataHold, Assert.Single(decision.Reasons).Code);
    }

    [Fact]
    public void Data_as_old_as_the_staleness_limit_is_still_used()
    {
        var fresh = Signals(At(0), 20, Warm(20));

        var decision = Scaler(Policy(stabilisation: TimeSpan.Zero)).Decide(fresh with { DataUntil = fresh.Time - TimeSpan.FromSeconds((3 * Tick.TotalSeconds) + 10) });

        Assert.True(decision.Desired < 20, string.Join("; ", decision.Reasons));
        Assert.False(decision.Has(ReasonCodes.MissingDataHold));
    }

    [Fact]
    public void Without_a_hint_the_count_is_held_until_the_first_latency_observation()
    {
        var scaler = Scaler(Policy(hint: null));

        var blind = scaler.Decide(Signals(At(0), 80, Warm(20)));
        // At 80 % of the threshold: what the learners aim at, leaving room for a window's scatter.
        var seeing = scaler.Decide(Signals(At(1), 80, Warm(20), atObjective: 0.8 * Objective.ThresholdSeconds));

        Assert.Equal(20, blind.Desired);
        Assert.True(blind.Has(ReasonCodes.MissingDataHold));
        Assert.Null(blind.Figures.CapacityPerReplica);
        // The load per replica it saw is taken as safe: 80 req/s over 20 replicas.
        Assert.Equal(80.0 / 20, seeing.Figures.CapacityPerReplica!.Value, 6);
    }

    [Fact]
    public void Without_a_hint_a_workload_at_zero_with_demand_gets_one_replica_to_learn_from()
    {
        var decision = Scaler(Policy(min: 0, hint: null)).Decide(Signals(At(0), 5, new ReplicaSnapshot(0, [])));

        Assert.Equal(1, decision.Desired);
        Assert.True(decision.Has(ReasonCodes.Demand));
    }

    [Fact]
    public void The_learned_capacity_is_kept_while_no_latency_is_observed()
    {
        var scaler = Scaler();
        ScalingDecision last = default!;
        for (var i = 0; i < 20; i++)
        {
            // Latency far below the threshold at the hinted load per replica: capacity rises above the hint.
            last = scaler.Decide(Signals(At(i), 10 * Capacity, Warm(10), atObjective: 0.05));
        }
        var learned = last.Figures.CapacityPerReplica!.Value;
        Assert.True(learned > Capacity, $"learned {learned}");

        for (var i = 20; i < 60; i++)
        {
            last = scaler.Decide(Signals(At(i), 10 * Capacity, Warm(10)));
        }

        Assert.Equal(learned, last.Figures.CapacityPerReplica);
    }

    [Fact]
    public void A_jump_of_the_short_window_rate_enters_burst_and_scales_at_once_beyond_the_rate_limit()
    {
        var scaler = Scaler();
        for (var i = 0; i < 4; i++)
        {
            scaler.Decide(Signals(At(i), 90, Warm(10)));
        }

        var decision = scaler.Decide(Signals(At(4), 90, Warm(10), rateShort: 250));

        Assert.True(decision.Figures.Burst);
        Assert.True(decision.Has(ReasonCodes.Burst));
        Assert.Equal(Need(250), decision.Desired);
        Assert.True(decision.Desired > 10 + 10, "beyond what the scale-up limit allows in a period (100 % of 10)");
        Assert.False(decision.Has(ReasonCodes.ScaleUpLimited));
    }

    [Fact]
    public void A_jump_of_requests_in_flight_enters_burst_before_the_rates_move()
    {
        const double timeInSystem = 0.05;
        var scaler = Scaler();
        for (var i = 0; i < 8; i++)
        {
            Assert.False(scaler.Decide(Signals(At(i), 90, Warm(10), inFlight: 90 * timeInSystem)).Figures.Burst);
        }

        // Requests pile up: three times the concurrency the stable rate implies.
        var decision = scaler.Decide(Signals(At(8), 90, Warm(10), inFlight: 3 * 90 * timeInSystem));

        Assert.True(decision.Figures.Burst);
        // The backlog implies 270 req/s, but a backlog is bounded to the threshold (2) × the rate seen.
        Assert.Equal(Need(2 * 90), decision.Desired);
    }

    [Fact]
    public void A_trigger_the_fleet_can_absorb_does_not_enter_burst()
    {
        var decision = Scaler().Decide(Signals(At(0), 20, Warm(30), rateShort: 50));

        Assert.False(decision.Figures.Burst);
        Assert.False(decision.Has(ReasonCodes.Burst));
    }

    [Fact]
    public void Burst_never_scales_down_and_ends_once_no_trigger_was_seen_for_the_hold_time()
    {
        var policy = Policy();
        var scaler = Scaler(policy);
        scaler.Decide(Signals(At(0), 90, Warm(10)));
        var entered = scaler.Decide(Signals(At(1), 90, Warm(10), rateShort: 250));
        Assert.True(entered.Figures.Burst);
        var size = entered.Desired;

        // The burst is over as fast as it came: demand is back to a trickle.
        var holdTicks = (int)(policy.Burst.HoldFor / policy.Tick);
        for (var i = 1; i < holdTicks; i++)
        {
            var holding = scaler.Decide(Signals(At(1 + i), 30, Warm(size)));
            Assert.True(holding.Figures.Burst, $"still in burst {i * Tick.TotalSeconds} s after the last trigger");
            Assert.Equal(size, holding.Desired);
        }
        var after = scaler.Decide(Signals(At(1 + holdTicks), 30, Warm(size)));

        Assert.False(after.Figures.Burst);
        Assert.False(after.Has(ReasonCodes.Burst));
        Assert.Equal(size, after.Desired); // the burst's recommendation still holds the stabilisation window
        Assert.True(after.Has(ReasonCodes.ScaleDownStabilised));
    }

    [Fact]
    public void A_half_warm_fleet_asks_for_more_than_a_warm_one_at_the_same_demand()
    {
        var policy = Policy();
        var justReady = policy.Startup.Delay; // serving at the warm-up start factor, a half

        var warm = Scaler(policy).Decide(Signals(At(0), 80, Warm(10)));
        var halfWarm = Scaler(policy).Decide(Signals(At(0), 80, Fleet(10, justReady)));

        Assert.Equal(5, halfWarm.Figures.EffectiveReplicas!.Value, 6);
        Assert.Equal(Need(80), warm.Figures.Recommendation);
        // The need plus the five replicas' worth of capacity the half-warm pods still lack.
        Assert.Equal(Need(80) + 5, halfWarm.Figures.Recommendation);
        Assert.True(halfWarm.Has(ReasonCodes.WarmingPods));
        Assert.False(warm.Has(ReasonCodes.WarmingPods));
    }

    [Fact]
    public void A_steady_fleet_with_one_pod_warming_is_not_grown()
    {
        var policy = Policy();
        var replicas = Need(80);
        var pods = Enumerable.Repeat(new PodInfo(TimeSpan.FromHours(1), true), replicas - 1).Append(new PodInfo(policy.Startup.Delay, true)).ToList();

        var decision = Scaler(policy).Decide(Signals(At(0), 80, new ReplicaSnapshot(replicas, pods)));

        Assert.Equal(replicas, decision.Figures.Recommendation);
        Assert.Equal(replicas, decision.Desired);
        Assert.False(decision.Has(ReasonCodes.WarmingPods));
    }

    [Fact]
    public void Pods_still_within_their_start_up_delay_are_not_asked_for_again()
    {
        var starting = Enumerable.Repeat(new PodInfo(TimeSpan.FromSeconds(10), false), 8);
        var pods = Enumerable.Repeat(new PodInfo(TimeSpan.FromHours(1), true), 10).Concat(starting).ToList();

        var decision = Scaler(Policy(predict: false)).Decide(Signals(At(0), 150, new ReplicaSnapshot(18, pods)));

        Assert.Equal(Need(150), decision.Figures.Recommendation);
        Assert.False(decision.Has(ReasonCodes.WarmingPods));
    }

    [Fact]
    public void Demand_beyond_the_maximum_is_bounded_by_max()
    {
        var decision = Scaler().Decide(Signals(At(0), 10_000, Warm(50)));

        Assert.Equal(50, decision.Desired);
        Assert.True(decision.Has(ReasonCodes.BoundedByMax));
    }

    [Fact]
    public void No_demand_is_bounded_by_min()
    {
        var decision = Scaler().Decide(Signals(At(0), 0, Warm(2)));

        Assert.Equal(0, decision.Figures.Recommendation);
        Assert.Equal(2, decision.Desired);
        Assert.True(decision.Has(ReasonCodes.BoundedByMin));
    }

    [Fact]
    public void Bounds_hold_when_the_workload_is_outside_them_even_without_data()
    {
        var scaler = Scaler();

        var above = scaler.Decide(Signals(At(0), 60 * Capacity, Warm(60))); // needs all 60 and more
        var below = scaler.Decide(Signals(At(1), 0, Warm(1)) with { DataUntil = null });

        Assert.Equal(50, above.Desired);
        Assert.True(above.Has(ReasonCodes.BoundedByMax));
        Assert.Equal(2, below.Desired);
        Assert.True(below.Has(ReasonCodes.BoundedByMin));
    }

    [Fact]
    public void Scale_down_waits_for_the_stabilisation_window_then_removes_at_most_the_rate_limit()
    {
        var policy = Policy();
        var scaler = Scaler(policy);
        var high = Need(100);
        var low = Need(20);
        scaler.Decide(Signals(At(0), 100, Warm(high)));

        var windowTicks = (int)(policy.ScaleDown.Stabilisation / policy.Tick);
        for (var i = 1; i <= windowTicks; i++)
        {
            var kept = scaler.Decide(Signals(At(i), 20, Warm(high)));
            Assert.Equal(high, kept.Desired);
            Assert.Equal(low, kept.Figures.Recommendation);
            Assert.True(kept.Has(ReasonCodes.ScaleDownStabilised));
        }

        // The high recommendation leaves the window: at most 50 % (or 2 pods) go per minute.
        var firstStep = high - Math.Max((int)Math.Ceiling(high * policy.ScaleDown.MaxPercent / 100), policy.ScaleDown.MaxPods);
        var t = windowTicks + 1;
        var limited = scaler.Decide(Signals(At(t), 20, Warm(high)));
        Assert.Equal(firstStep, limited.Desired);
        Assert.True(limited.Has(ReasonCodes.ScaleDownLimited));

        var periodTicks = (int)(policy.ScaleDown.Period / policy.Tick);
        for (var i = 1; i < periodTicks; i++)
        {
            Assert.Equal(firstStep, scaler.Decide(Signals(At(t + i), 20, Warm(firstStep))).Desired);
        }
        var next = scaler.Decide(Signals(At(t + periodTicks), 20, Warm(firstStep)));
        Assert.Equal(Math.Max(low, firstStep - Math.Max((int)Math.Ceiling(firstStep * policy.ScaleDown.MaxPercent / 100), policy.ScaleDown.MaxPods)), next.Desired);
    }

    [Fact]
    public void Scale_up_adds_at_most_the_rate_limit_per_period_outside_burst()
    {
        var policy = Policy(predict: false);
        var scaler = Scaler(policy);
        int Allowance(int start) => Math.Max((int)Math.Ceiling(start * policy.ScaleUp.MaxPercent / 100), policy.ScaleUp.MaxPods);

        var first = scaler.Decide(Signals(At(0), 150, Warm(4)));
        Assert.Equal(Need(150), first.Figures.Recommendation);
        Assert.Equal(4 + Allowance(4), first.Desired);
        Assert.True(first.Has(ReasonCodes.ScaleUpLimited));

        var periodTicks = (int)(policy.ScaleUp.Period / policy.Tick);
        for (var i = 1; i < periodTicks; i++)
        {
            var waiting = scaler.Decide(Signals(At(i), 150, Warm(first.Desired)));
            Assert.Equal(first.Desired, waiting.Desired);
            Assert.True(waiting.Has(ReasonCodes.ScaleUpLimited));
        }
        var next = scaler.Decide(Signals(At(periodTicks), 150, Warm(first.Desired)));

        Assert.Equal(Math.Min(Need(150), first.Desired + Allowance(first.Desired)), next.Desired);
    }

    [Fact]
    public void A_burning_error_budget_buys_headroom()
    {
        var policy = Policy();

        var calm = Scaler(policy).Decide(Signals(At(0), 80, Warm(10), slo: new SloSignal(0.9, 0.5, 0.5)));
        var burning = Scaler(policy).Decide(Signals(At(0), 80, Warm(10), slo: new SloSignal(0.9, 10, 4)));

        Assert.Equal(policy.Headroom.Min, calm.Figures.Headroom);
        Assert.False(calm.Has(ReasonCodes.BudgetBurn));
        Assert.Equal(policy.Headroom.Max, burning.Figures.Headroom);
        Assert.True(burning.Has(ReasonCodes.BudgetBurn));
        Assert.Equal(Need(80, policy.Headroom.Max), burning.Figures.Recommendation);
        Assert.True(burning.Figures.Recommendation > calm.Figures.Recommendation);
    }

    [Fact]
    public void A_rising_trend_is_provisioned_for_before_it_arrives()
    {
        var scaler = Scaler();
        var current = 4;
        ScalingDecision decision = default!;
        // 40 req/s rising by 1 req/s every 15 s.
        for (var i = 0; i < 40; i++)
        {
            decision = scaler.Decide(Signals(At(i), 40 + i, Warm(current)));
            current = decision.Desired;
        }

        Assert.True(decision.Figures.DemandForecast > decision.Figures.DemandNow, $"forecast {decision.Figures.DemandForecast}");
        Assert.True(decision.Has(ReasonCodes.Forecast));
        Assert.True(decision.Figures.Recommendation > Need(decision.Figures.DemandNow!.Value));
    }
}
