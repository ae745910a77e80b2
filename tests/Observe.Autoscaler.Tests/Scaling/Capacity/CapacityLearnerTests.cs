using Observe.Autoscaler.Scaling.Capacity;
using static Observe.Autoscaler.Tests.Scaling.ScalingFixtures;

namespace Observe.Autoscaler.Tests.Scaling.Capacity;

public sealed class CapacityLearnerTests
{
    private const double Quantile = 0.999;
    private const double Threshold = 0.5;
    private static readonly TimeSpan Memory = TimeSpan.FromMinutes(10);

    /// <summary>The observed quantile: the M/M/1 value with ±10 % noise, and a long queue once the load reaches μ.</summary>
    private static double Observed(Random random, double load, double serviceRate)
    {
        var truth = load < serviceRate ? Math.Min(MM1Quantile(load, serviceRate, Quantile), 20) : 20;
        return truth * Math.Exp(0.1 * ((2 * random.NextDouble()) - 1));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    public void Learns_the_safe_load_of_an_MM1_replica_from_a_wrong_hint_within_10_percent(int seed)
    {
        const double mu = 100;
        var truth = MM1SafeLoad(mu, Quantile, Threshold);
        var learner = new CapacityLearner(Threshold, hint: 50, Tick, Memory);
        var random = new Random(seed);

        // Two hours of loads spread between 30 and 90 req/s per replica, as a day's traffic gives.
        for (var i = 0; i < 480; i++)
        {
            var load = 30 + (60 * random.NextDouble());
            learner.Observe(load, Observed(random, load, mu));
        }

        Assert.InRange(learner.Capacity!.Value, truth * 0.9, truth * 1.1);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    public void Follows_a_version_with_half_the_service_rate_within_15_percent_after_30_minutes(int seed)
    {
        var learner = new CapacityLearner(Threshold, hint: 80, Tick, Memory);
        var random = new Random(seed);
        var mu = 100.0;
        // The replica count follows the learned capacity (10 % headroom), as the scaler would do it.
        void Run(int ticks, ref int tick)
        {
            for (var end = tick + ticks; tick < end; tick++)
            {
                var demand = 400 + (150 * Math.Sin(2 * Math.PI * tick / 80.0));
                var replicas = Math.Max(1, Math.Ceiling(demand * 1.1 / learner.Capacity!.Value));
                var load = demand / replicas;
                learner.Observe(load, Observed(random, load, mu));
            }
        }
        var t = 0;
        Run(480, ref t);
        Assert.InRange(learner.Capacity!.Value, MM1SafeLoad(100, Quantile, Threshold) * 0.9, MM1SafeLoad(100, Quantile, Threshold) * 1.1);

        mu = 50;
        Run(120, ref t);

        var truth = MM1SafeLoad(mu, Quantile, Threshold);
        Assert.InRange(learner.Capacity!.Value, truth * 0.85, truth * 1.15);
    }

    [Fact]
    public void Without_a_hint_the_first_load_seen_is_taken_as_safe()
    {
        var learner = new CapacityLearner(Threshold, hint: null, Tick, Memory);
        Assert.Null(learner.Capacity);

        learner.Observe(12, Threshold);

        Assert.Equal(12, learner.Capacity!.Value, 6);
    }

    [Fact]
    public void Observations_without_load_or_latency_change_nothing()
    {
        var learner = new CapacityLearner(Threshold, hint: 10, Tick, Memory);

        learner.Observe(0, 0.2);
        learner.Observe(5, double.NaN);
        learner.Observe(5, 0);

        Assert.Equal(10, learner.Capacity);
        Assert.Equal(0, learner.Observations);
    }

    [Fact]
    public void Capacity_falls_at_most_a_fifth_and_rises_at_most_2_percent_per_observation()
    {
        var falling = new CapacityLearner(Threshold, hint: 10, Tick, Memory);
        var rising = new CapacityLearner(Threshold, hint: 10, Tick, Memory);
        for (var i = 0; i < 20; i++)
        {
            var (fell, rose) = (falling.Capacity!.Value, rising.Capacity!.Value);
            falling.Observe(8, 40 * Threshold); // requests queue far beyond the threshold below the hinted load
            var load = rose; // a replica that could take 86 req/s, loaded at what is believed safe
            rising.Observe(load, MM1Quantile(load, 100, Quantile));

            Assert.InRange(falling.Capacity!.Value, fell * 0.8, fell + 1e-9);
            Assert.InRange(rising.Capacity!.Value, rose, (rose * 1.02) + 1e-9);
        }
        // Safe is well below the load that overloaded the replica; the fast replica earned more, slowly.
        Assert.True(falling.Capacity < 8 * 0.9, $"capacity {falling.Capacity} after 20 overloaded observations at 8 req/s");
        Assert.True(rising.Capacity > 10 * 1.25, $"capacity {rising.Capacity} after 20 fast observations at the believed safe load");
    }
}
