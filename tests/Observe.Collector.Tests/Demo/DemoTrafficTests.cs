using Observe.Collector.Demo;

namespace Observe.Collector.Tests.Demo;

/// <summary>
/// The generator's routing and its latency model on the simulated cluster: more Ready pods mean
/// less queueing and no shedding; failover and zones without pods move calls across zones; the
/// canary share picks reviews-v3; the same seed draws the same requests.
/// </summary>
public sealed class DemoTrafficTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualTime _time = new();
    // Phase lengths written out: the tests pick moments inside phases by their offsets.
    private readonly DemoOptions _options = new()
    {
        BaseLoad = 40, PodStartup = TimeSpan.FromSeconds(5),
        Steady = TimeSpan.FromSeconds(60), Burst = TimeSpan.FromSeconds(90), ZoneFailure = TimeSpan.FromSeconds(60),
        Recovery = TimeSpan.FromSeconds(30), Canary = TimeSpan.FromSeconds(90),
    };

    [Fact]
    public async Task The_burst_overloads_two_productpage_pods_and_scaling_up_removes_the_shedding_and_most_of_the_queueing()
    {
        var cluster = new DemoCluster(BookinfoMesh.Workloads, _options.PodStartup, _time, new Random(1));
        var scenario = new DemoScenario(_options, _time.GetUtcNow());
        var traffic = new DemoTraffic(_options, new Random(2));
        var page = new Autoscaler.Scaling.ScaleTarget("apps/v1", "Deployment", "productpage-v1", BookinfoMesh.Namespace);
        var scale = await cluster.GetScaleAsync(page, default);
        await cluster.PatchScaleAsync(page, 2, scale.Metadata.ResourceVersion!, default);
        _time.Advance(TimeSpan.FromSeconds(61));
        var burst = scenario.At(_time.GetUtcNow());
        Assert.Equal("burst", burst.Phase.Name);

        var overloaded = Hops(traffic.Generate(_time.GetUtcNow() - TimeSpan.FromSeconds(1), _time.GetUtcNow(), burst, cluster.Workloads()), BookinfoMesh.ProductPage);

        scale = await cluster.GetScaleAsync(page, default);
        await cluster.PatchScaleAsync(page, 16, scale.Metadata.ResourceVersion!, default);
        var starting = Hops(traffic.Generate(_time.GetUtcNow(), _time.GetUtcNow() + TimeSpan.FromSeconds(1), burst, cluster.Workloads()), BookinfoMesh.ProductPage);
        _time.Advance(_options.PodStartup);
        var scaled = Hops(traffic.Generate(_time.GetUtcNow() - TimeSpan.FromSeconds(1), _time.GetUtcNow(), burst, cluster.Workloads()), BookinfoMesh.ProductPage);

        // ~190 requests/s against 2 pods of 20: most are shed, the rest wait at the cap.
        Assert.InRange(overloaded.Count(c => c.Flags == "UO") / (double)overloaded.Count, 0.6, 0.95);
        // Pods not Ready yet add nothing.
        Assert.InRange(starting.Count(c => c.Flags == "UO") / (double)starting.Count, 0.6, 0.95);
        Assert.DoesNotContain(scaled, c => c.Flags == "UO");
        Assert.True(Median(scaled) < Median(overloaded.Where(c => !c.Failed)) / 2,
            $"median {Median(scaled)} ms with 16 pods, {Median(overloaded.Where(c => !c.Failed))} ms with 2");
    }

    [Fact]
    public void Calls_stay_in_the_callers_zone_until_the_scenario_fails_reviews_over_to_zone_b()
    {
        var cluster = new DemoCluster(BookinfoMesh.Workloads, _options.PodStartup, _time, new Random(1));
        var scenario = new DemoScenario(_options, _time.GetUtcNow());
        var traffic = new DemoTraffic(_options, new Random(2));

        var steady = Calls(traffic, scenario.At(_time.GetUtcNow() + TimeSpan.FromSeconds(10)), cluster);
        var failing = Calls(traffic, scenario.At(_time.GetUtcNow() + TimeSpan.FromSeconds(155)), cluster);
        var failedOver = Calls(traffic, scenario.At(_time.GetUtcNow() + TimeSpan.FromSeconds(200)), cluster);

        Assert.All(steady.Where(c => c.Caller is not null && c.Callee is not null), c => Assert.Equal(c.Caller!.Zone, c.Callee!.Zone));
        var reviewsInA = failing.Where(c => c.Callee?.Workload.App == "reviews" && c.Callee.Zone == "a").ToList();
        Assert.NotEmpty(reviewsInA);
        Assert.All(reviewsInA, c => Assert.Equal(503, c.Status));
        var fromA = failedOver.Where(c => c.Caller?.Workload == BookinfoMesh.ProductPage && c.Caller.Zone == "a" && c.Callee?.Workload.App == "reviews").ToList();
        Assert.NotEmpty(fromA);
        Assert.All(fromA, c => Assert.Equal("b", c.Callee!.Zone));
        // Zone b's reviews pods now take both zones' calls: with one pod per version there, some are shed.
        Assert.Contains(failedOver, c => c.Callee?.Workload.App == "reviews" && c.Flags == "UO");
    }

    [Fact]
    public void The_canary_share_sends_that_share_of_reviews_calls_to_v3_and_the_same_seed_draws_the_same_requests()
    {
        // Pods large enough that nothing queues: only the versions' own times differ.
        var options = new DemoOptions { PodCapacity = 5000 };
        var cluster = new DemoCluster(BookinfoMesh.Workloads, options.PodStartup, _time, new Random(1));
        var moment = new DemoScenario(options, _time.GetUtcNow()).At(_time.GetUtcNow()) with { CanaryShare = 0.5, Load = 400 };

        var reviews = Calls(new DemoTraffic(options, new Random(9)), moment, cluster).Where(c => c.Callee?.Workload.App == "reviews").ToList();
        var again = Calls(new DemoTraffic(options, new Random(9)), moment, cluster).Where(c => c.Callee?.Workload.App == "reviews").ToList();

        Assert.InRange(reviews.Count(c => c.Callee!.Workload == BookinfoMesh.ReviewsV3) / (double)reviews.Count, 0.42, 0.58);
        Assert.Equal(reviews.Select(c => (c.RequestId, c.Callee!.Workload.Name, c.Duration)), again.Select(c => (c.RequestId, c.Callee!.Workload.Name, c.Duration)));
        // v3 is the slow one, and it calls ratings as v2 does; v1 does not.
        Assert.True(Median(reviews.Where(c => c.Callee!.Workload == BookinfoMesh.ReviewsV3)) > 2 * Median(reviews.Where(c => c.Callee!.Workload == BookinfoMesh.ReviewsV2)));
        Assert.All(reviews.Where(c => c.Callee!.Workload == BookinfoMesh.ReviewsV1), c => Assert.Empty(c.Children));
    }

    private List<DemoCall> Calls(DemoTraffic traffic, ScenarioMoment moment, DemoCluster cluster) =>
        [.. traffic.Generate(Start, Start + TimeSpan.FromSeconds(1), moment, cluster.Workloads()).SelectMany(r => r.SelfAndDescendants())];

    private static List<DemoCall> Hops(IEnumerable<DemoCall> roots, DemoWorkload callee) =>
        [.. roots.SelectMany(r => r.SelfAndDescendants()).Where(c => c.Callee?.Workload == callee)];

    private static double Median(IEnumerable<DemoCall> calls)
    {
        var sorted = calls.Select(c => c.Duration.TotalMilliseconds).Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
