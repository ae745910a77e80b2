namespace Observe.Collector.Demo;

/// <summary>
/// The demo's shared state: the scenario (started when the process starts), the simulated
/// cluster the controller scales, and the traffic generator; read by the API.
/// </summary>
internal sealed class DemoMesh
{
    private readonly TimeProvider _time;

    public DemoMesh(DemoOptions options, TimeProvider time)
    {
        _time = time;
        Options = options;
        var random = new Random(options.Seed);
        // Separate streams for the cluster's pod names and the traffic, so scaling does not change the requests drawn.
        Cluster = new DemoCluster(BookinfoMesh.Workloads, options.PodStartup, time, new Random(random.Next()));
        Traffic = new DemoTraffic(options, new Random(random.Next()));
        Scenario = new DemoScenario(options, time.GetUtcNow());
        DemoResources.ApplyTo(Cluster, options, DemoResources.Directory);
    }

    public DemoOptions Options { get; }

    public DemoCluster Cluster { get; }

    public DemoTraffic Traffic { get; }

    public DemoScenario Scenario { get; }

    public ScenarioMoment Now => Scenario.At(_time.GetUtcNow());
}
