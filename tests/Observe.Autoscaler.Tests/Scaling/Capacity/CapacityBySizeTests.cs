using Observe.Autoscaler.Scaling.Capacity;

namespace Observe.Autoscaler.Tests.Scaling.Capacity;

public sealed class CapacityBySizeTests
{
    private const double Threshold = 1.0;
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Memory = TimeSpan.FromMinutes(10);

    [Fact]
    public void Before_any_observation_every_size_has_the_hint()
    {
        var capacity = new CapacityBySize(Threshold, hint: 16, Tick, Memory);

        Assert.Equal(16, capacity.At(2));
        Assert.Equal(16, capacity.At(40));
        Assert.Equal((160 / 16.0, 16.0), capacity.Need(160, headroom: 0));
    }

    [Fact]
    public void Without_a_hint_nothing_is_known_until_an_observation()
    {
        var capacity = new CapacityBySize(Threshold, hint: null, Tick, Memory);

        Assert.Null(capacity.At(3));
        Assert.Null(capacity.Need(100, 0));
    }

    [Fact]
    public void A_small_fleet_that_queues_learns_a_lower_safe_load_than_a_large_one_that_does_not()
    {
        var capacity = new CapacityBySize(Threshold, hint: 16, Tick, Memory);
        for (var i = 0; i < 30; i++)
        {
            capacity.Observe(replicas: 2, loadPerReplica: 15, quantileSeconds: 3 * Threshold); // two replicas at 15 req/s miss the objective
            capacity.Observe(replicas: 40, loadPerReplica: 15, quantileSeconds: 0.2 * Threshold); // forty at 15 req/s are fast
        }

        Assert.True(capacity.At(2) < 15, $"two replicas: {capacity.At(2)}");
        Assert.True(capacity.At(40) >= 15, $"forty replicas: {capacity.At(40)}");
        // A size between the two borrows from the nearest size observed, the smaller first.
        Assert.Equal(capacity.At(2), capacity.At(3));
    }

    [Fact]
    public void The_need_is_the_smallest_fleet_whose_own_safe_load_covers_the_rate()
    {
        var capacity = new CapacityBySize(Threshold, hint: 16, Tick, Memory);
        for (var i = 0; i < 30; i++)
        {
            capacity.Observe(replicas: 2, loadPerReplica: 15, quantileSeconds: 3 * Threshold);
        }
        var small = capacity.At(2)!.Value;

        // 20 req/s: at the small fleets' lowered safe load it needs more than 20/16 replicas.
        var (replicas, perReplica) = capacity.Need(20, headroom: 0.1)!.Value;

        Assert.Equal(small, perReplica, 9);
        Assert.Equal(22 / small, replicas, 9);
        Assert.True(replicas > 22 / 16.0);
    }
}
