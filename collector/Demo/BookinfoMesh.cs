namespace Observe.Collector.Demo;

/// <summary>One workload of the demo mesh: a Deployment whose pods run in both zones.</summary>
/// <param name="App">The <c>app</c> label: the service name callers use.</param>
/// <param name="BaseLatency">Its own work per request when idle, before queueing.</param>
/// <param name="CapacityFactor">Multiplies the per-pod capacity (a gateway does little per request).</param>
/// <param name="Replicas">Replicas at start.</param>
public sealed record DemoWorkload(string Namespace, string Name, string App, string Version, TimeSpan BaseLatency, double CapacityFactor, int Replicas)
{
    public string Key => $"{Namespace}/{Name}";
}

/// <summary>
/// The Bookinfo-like mesh the demo plays: an ingress gateway in front of productpage, which calls
/// details and one version of reviews; reviews v2 and v3 call ratings, which reads a MySQL
/// database. Every workload runs pods in zones <c>a</c> and <c>b</c>.
/// </summary>
internal static class BookinfoMesh
{
    public const string Namespace = "bookinfo";
    public const string Cluster = "demo";
    public const string Database = "ratings-db";
    public const string DatabaseSystem = "mysql";
    public const int Port = 9080;

    public static readonly IReadOnlyList<string> Zones = ["a", "b"];

    public static readonly DemoWorkload Gateway = new("istio-system", "istio-ingressgateway", "istio-ingressgateway", "1.24", TimeSpan.FromMilliseconds(2), 10, 2);
    public static readonly DemoWorkload ProductPage = new(Namespace, "productpage-v1", "productpage", "v1", TimeSpan.FromMilliseconds(18), 1, 4);
    // A static lookup with plenty of headroom: its policy is dryRun, so the burst must not need it scaled.
    public static readonly DemoWorkload Details = new(Namespace, "details-v1", "details", "v1", TimeSpan.FromMilliseconds(6), 8, 2);
    public static readonly DemoWorkload ReviewsV1 = new(Namespace, "reviews-v1", "reviews", "v1", TimeSpan.FromMilliseconds(12), 1, 2);
    public static readonly DemoWorkload ReviewsV2 = new(Namespace, "reviews-v2", "reviews", "v2", TimeSpan.FromMilliseconds(15), 1, 2);
    // The canary: slower per request, so shifting traffic to it shows in the latency.
    public static readonly DemoWorkload ReviewsV3 = new(Namespace, "reviews-v3", "reviews", "v3", TimeSpan.FromMilliseconds(60), 1, 2);
    public static readonly DemoWorkload Ratings = new(Namespace, "ratings-v1", "ratings", "v1", TimeSpan.FromMilliseconds(7), 1, 2);

    public static readonly IReadOnlyList<DemoWorkload> Workloads = [Gateway, ProductPage, Details, ReviewsV1, ReviewsV2, ReviewsV3, Ratings];

    /// <summary>The database answers from a fixed pool: it is not scaled and never the bottleneck.</summary>
    public static readonly TimeSpan DatabaseLatency = TimeSpan.FromMilliseconds(3);

    public static string OtherZone(string zone) => zone == "a" ? "b" : "a";
}
