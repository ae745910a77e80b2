using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Simulation.Baselines;

namespace Observe.Autoscaler.Tests.Simulation.Baselines;

/// <summary>
/// The Pods-metric arithmetic against kubernetes.io, "Horizontal Pod Autoscaling", section
/// "Algorithm details", and the controller's <c>calcPlainMetricReplicas</c>.
/// </summary>
public sealed class HpaReplicaCalculatorTests
{
    private static readonly HpaTolerances Default = new(0.1, 0.1);

    private static HpaProposal Calculate(int current, int withMetrics, double each, int unready = 0, int missing = 0, double target = 10) =>
        HpaReplicaCalculator.PodsMetric(current, new HpaPodGroups(withMetrics, withMetrics * each, unready, missing), target, Default);

    [Fact]
    public void Docs_example_200m_against_a_target_of_100m_doubles_the_replicas()
    {
        var proposal = Calculate(current: 4, withMetrics: 4, each: 0.2, target: 0.1);

        Assert.Equal(HpaOutcome.Scaled, proposal.Outcome);
        Assert.Equal(2.0, proposal.UsageRatio, 9);
        Assert.Equal(8, proposal.Replicas);
    }

    [Fact]
    public void Docs_example_50m_against_a_target_of_100m_halves_the_replicas()
    {
        var proposal = Calculate(current: 4, withMetrics: 4, each: 0.05, target: 0.1);

        Assert.Equal(0.5, proposal.UsageRatio, 9);
        Assert.Equal(2, proposal.Replicas);
    }

    // Docs: "skips any scaling action if the ratio is sufficiently close to 1.0 (… 0.1 by default)"; the code's band includes its ends.
    [Theory]
    [InlineData(110, false, 10)]
    [InlineData(90, false, 10)]
    [InlineData(100, false, 10)]
    [InlineData(111, true, 12)]
    [InlineData(89, true, 9)]
    public void Tolerance_band_is_ten_percent_either_way_ends_included(double each, bool scales, int replicas)
    {
        var proposal = Calculate(current: 10, withMetrics: 10, each, target: 100);

        Assert.Equal(scales ? HpaOutcome.Scaled : HpaOutcome.WithinTolerance, proposal.Outcome);
        Assert.Equal(replicas, proposal.Replicas);
    }

    [Fact]
    public void Per_direction_tolerances_of_KEP_4951_apply_to_their_own_side()
    {
        var upOnly = new HpaTolerances(ScaleDown: 0.05, ScaleUp: 0);

        Assert.Equal(HpaOutcome.Scaled, HpaReplicaCalculator.PodsMetric(10, new HpaPodGroups(10, 10 * 101, 0, 0), 100, upOnly).Outcome);
        Assert.Equal(HpaOutcome.WithinTolerance, HpaReplicaCalculator.PodsMetric(10, new HpaPodGroups(10, 10 * 96, 0, 0), 100, upOnly).Outcome);
    }

    // Docs: "if any not-yet-ready pods were present, and the workload would have scaled up …, the
    // controller conservatively assumes that the not-yet-ready pods are consuming 0%".
    [Fact]
    public void Not_ready_pods_count_at_zero_on_a_scale_up()
    {
        var proposal = Calculate(current: 4, withMetrics: 2, each: 25, unready: 2);

        Assert.Equal(2.5, proposal.UsageRatio, 9);
        Assert.True(proposal.Recomputed);
        Assert.Equal(1.25, proposal.FinalRatio, 9);
        Assert.Equal(4, proposal.PodsCounted);
        Assert.Equal(5, proposal.Replicas);
    }

    // Docs: "If the new ratio reverses the scale direction, or is within the tolerance, the controller doesn't take any scaling action."
    [Fact]
    public void Not_ready_pods_at_zero_that_reverse_the_direction_hold_the_count()
    {
        // The two ready pods alone (ratio 1.3) would give ceil(1.3 × 2) = 3, fewer than the 4 there are.
        var proposal = Calculate(current: 4, withMetrics: 2, each: 13, unready: 2);

        Assert.Equal(HpaOutcome.DirectionReversed, proposal.Outcome);
        Assert.Equal(0.65, proposal.FinalRatio, 9);
        Assert.Equal(4, proposal.Replicas);
    }

    [Fact]
    public void Not_ready_pods_at_zero_that_bring_the_ratio_within_tolerance_hold_the_count()
    {
        var proposal = Calculate(current: 4, withMetrics: 2, each: 21, unready: 2);

        Assert.Equal(HpaOutcome.WithinTolerance, proposal.Outcome);
        Assert.Equal(1.05, proposal.FinalRatio, 9);
        Assert.Equal(4, proposal.Replicas);
    }

    [Fact]
    public void Not_ready_pods_are_left_out_of_a_scale_down()
    {
        var proposal = Calculate(current: 6, withMetrics: 4, each: 5, unready: 2);

        Assert.False(proposal.Recomputed);
        Assert.Equal(2, proposal.Replicas);
    }

    // Docs: "assuming those pods were consuming 100% of the desired value in case of a scale down, and 0% in case of a scale up".
    [Fact]
    public void Missing_metrics_count_at_the_target_on_a_scale_down()
    {
        var proposal = Calculate(current: 5, withMetrics: 4, each: 5, missing: 1);

        Assert.Equal(0.5, proposal.UsageRatio, 9);
        Assert.Equal(0.6, proposal.FinalRatio, 9);
        Assert.Equal(3, proposal.Replicas);
    }

    [Fact]
    public void Missing_metrics_count_at_zero_on_a_scale_up()
    {
        var proposal = Calculate(current: 4, withMetrics: 2, each: 30, missing: 2);

        Assert.Equal(1.5, proposal.FinalRatio, 9);
        Assert.Equal(6, proposal.Replicas);
    }

    [Fact]
    public void No_pod_with_a_value_is_an_error_not_a_recommendation()
    {
        Assert.Equal(HpaOutcome.NoMetrics, Calculate(current: 3, withMetrics: 0, each: 0, unready: 3).Outcome);
        Assert.Equal(HpaOutcome.NoPods, Calculate(current: 3, withMetrics: 0, each: 0).Outcome);
    }

    private static readonly Gen<(int Ready, int Unready, double Average, double Target)> Pods =
        from ready in Gen.Choose(1, 60)
        from unready in Gen.Choose(0, 20)
        from milli in Gen.Choose(0, 500_000)
        from target in Gen.Elements(0.5, 1.0, 7.0, 10.0, 70.0, 250.0)
        select (ready, unready, milli / 1000.0, target);

    [Fact]
    public void Outside_the_tolerance_the_recommendation_is_the_fewest_pods_that_keep_the_average_at_the_target()
    {
        Prop.ForAll(Arb.From(Pods), p =>
        {
            var sum = p.Ready * p.Average;
            var proposal = HpaReplicaCalculator.PodsMetric(p.Ready, new HpaPodGroups(p.Ready, sum, 0, 0), p.Target, Default);
            var exact = sum / p.Target;
            return proposal.Outcome == HpaOutcome.WithinTolerance
                ? proposal.Replicas == p.Ready && Math.Abs(p.Average / p.Target - 1) <= 0.1 + 1e-12
                : proposal.Replicas >= exact - 1e-9 && proposal.Replicas - 1 < exact + 1e-9;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Starting_pods_never_turn_a_scale_up_into_a_scale_down()
    {
        Prop.ForAll(Arb.From(Pods), p =>
        {
            var current = p.Ready + p.Unready;
            var proposal = HpaReplicaCalculator.PodsMetric(current, new HpaPodGroups(p.Ready, p.Ready * p.Average, p.Unready, 0), p.Target, Default);
            return p.Average / p.Target <= 1.1 || proposal.Replicas >= current;
        }).QuickCheckThrowOnFailure();
    }
}
