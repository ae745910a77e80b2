using System.Text.Json;

namespace Observe.Collector.Tests.Demo;

/// <summary>
/// The demo in a real Observe on the shared engine, on a short script: its traffic arrives through
/// the receivers and builds the Bookinfo graph in both zones; the burst makes the real controller
/// scale a workload of the simulated cluster up, and the generator then sees more Ready pods;
/// the zone-a failure moves productpage's reviews calls across zones.
/// </summary>
public sealed class DemoMeshTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private ObserveServer _server = null!;

    public async Task InitializeAsync() => _server = await ObserveServer.StartAsync(new Dictionary<string, string?>
    {
        ["Demo:Enabled"] = "true",
        ["Demo:Seed"] = "3",
        ["Demo:Steady"] = "00:00:20",
        ["Demo:Burst"] = "00:00:50",
        ["Demo:ZoneFailure"] = "00:00:30",
        ["Demo:Recovery"] = "00:00:10",
        ["Demo:Canary"] = "00:00:20",
        ["Demo:PodStartup"] = "00:00:03",
        ["Demo:SampleShare"] = "0.2",
        ["Controller:Identity"] = "demo-test",
        ["Topology:Spans:Interval"] = "00:00:00.200",
        ["Mesh:Pairing:Interval"] = "00:00:00.200",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_demo_mesh_shows_its_graph_scales_in_the_burst_and_fails_over_across_zones()
    {
        // 1. Steady: the generator's access logs and spans arrive through the receivers and make the graph.
        string[] expected =
        [
            "user:unknown/unknown/user@unknown>gateway:demo/istio-system/istio-ingressgateway@a",
            "gateway:demo/istio-system/istio-ingressgateway@a>workload:demo/bookinfo/productpage-v1@a",
            "gateway:demo/istio-system/istio-ingressgateway@b>workload:demo/bookinfo/productpage-v1@b",
            "workload:demo/bookinfo/productpage-v1@a>workload:demo/bookinfo/details-v1@a",
            "workload:demo/bookinfo/productpage-v1@b>workload:demo/bookinfo/details-v1@b",
            "workload:demo/bookinfo/productpage-v1@a>workload:demo/bookinfo/reviews-v1@a",
            "workload:demo/bookinfo/productpage-v1@b>workload:demo/bookinfo/reviews-v2@b",
            "workload:demo/bookinfo/reviews-v2@a>workload:demo/bookinfo/ratings-v1@a",
            "workload:demo/bookinfo/ratings-v1@b>database:unknown/unknown/ratings-db@unknown",
        ];
        HashSet<string> edges = [];
        var steady = await Loopback.EventuallyAsync(async () =>
        {
            edges = await EdgesAsync(TimeSpan.FromMinutes(2));
            return expected.All(edges.Contains);
        }, Timeout);
        Assert.True(steady, $"missing: {string.Join(", ", expected.Where(e => !edges.Contains(e)))}; edges: {string.Join(", ", edges)}");
        Assert.DoesNotContain(edges, e => e.Contains("workload:demo/istio-system", StringComparison.Ordinal));

        // Users' requests to the gateway are seen in sampled traces only (no proxy logs that hop),
        // yet count as many as the gateway's proxy forwarded: each span says it stands for 1 / 0.2.
        var arrived = 0L;
        var forwarded = 0L;
        var counted = await Loopback.EventuallyAsync(async () =>
        {
            var requests = await EdgeRequestsAsync(TimeSpan.FromMinutes(2));
            arrived = requests.GetValueOrDefault("user:unknown/unknown/user@unknown>gateway:demo/istio-system/istio-ingressgateway@a");
            forwarded = requests.GetValueOrDefault("gateway:demo/istio-system/istio-ingressgateway@a>workload:demo/bookinfo/productpage-v1@a");
            return forwarded >= 200 && arrived >= 0.6 * forwarded && arrived <= 1.6 * forwarded;
        }, Timeout);
        Assert.True(counted, $"users → gateway@a {arrived} requests, gateway@a → productpage@a {forwarded}");
        using (var stats = JsonDocument.Parse(await _server.Api.GetStringAsync("/api/v1/stats")))
        {
            var totals = stats.RootElement.GetProperty("ingest").GetProperty("totals");
            Assert.True(totals.GetProperty("received.accesslogs").GetInt64() > 0);
            Assert.True(totals.GetProperty("received.traces").GetInt64() > 0);
        }
        using (var demo = JsonDocument.Parse(await _server.Api.GetStringAsync("/api/v1/demo")))
        {
            var root = demo.RootElement;
            Assert.True(root.GetProperty("enabled").GetBoolean());
            Assert.Equal(["steady", "burst", "zone-a-failure", "recovery", "canary"], root.GetProperty("scenario").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
            Assert.Equal(7, root.GetProperty("workloads").GetArrayLength());
        }
        // The SLO view reads the demo's shipped SLO directory, the same objectives the controller's resources hold.
        using (var slos = JsonDocument.Parse(await _server.Api.GetStringAsync("/api/v1/slos")))
        {
            Assert.Equal(
                ["details-v1-latency", "productpage-v1-availability", "productpage-v1-latency", "ratings-v1-latency", "reviews-v1-latency", "reviews-v2-latency", "reviews-v3-latency"],
                slos.RootElement.GetProperty("slos").EnumerateArray().Select(s => s.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        }
        using (var policies = JsonDocument.Parse(await _server.Api.GetStringAsync("/api/v1/scaling/policies")))
        {
            var modes = policies.RootElement.GetProperty("policies").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("mode").GetString());
            Assert.Equal(6, modes.Count);
            Assert.Equal("dryRun", modes["details-v1"]);
            Assert.Equal("enforce", modes["productpage-v1"]);
        }

        // 2. Burst: the controller scales a workload of the simulated cluster up, and the generator gets its pods.
        var before = await ReadyPodsAsync("productpage-v1");
        string decisions = "";
        var scaled = await Loopback.EventuallyAsync(async () =>
        {
            decisions = await _server.Api.GetStringAsync("/api/v1/scaling/decisions?target=bookinfo/productpage-v1&from=" + DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds());
            using var body = JsonDocument.Parse(decisions);
            return body.RootElement.GetProperty("decisions").EnumerateArray()
                .Any(d => d.GetProperty("outcome").GetString() == "scaled" && d.GetProperty("desired").GetInt32() > d.GetProperty("current").GetInt32()
                    && d.GetProperty("desired").GetInt32() > before);
        }, Timeout);
        Assert.True(scaled, $"no scale-up of productpage-v1 beyond {before}: {decisions}");
        using (var demo = JsonDocument.Parse(await _server.Api.GetStringAsync("/api/v1/demo")))
        {
            Assert.Contains(demo.RootElement.GetProperty("events").EnumerateArray(), e => e.GetProperty("reason").GetString() == "ScaledUp"
                && e.GetProperty("regarding").GetString() == "ScalingPolicy/bookinfo/productpage-v1");
        }
        int ready = 0;
        Assert.True(await Loopback.EventuallyAsync(async () => (ready = await ReadyPodsAsync("productpage-v1")) > before, TimeSpan.FromSeconds(30)),
            $"Ready pods of productpage-v1 stayed at {ready} (before the burst {before})");

        // The burst's shed requests (fast 503s, good for the latency SLOs) burn productpage's availability budget.
        double? consumed = null;
        Assert.True(await Loopback.EventuallyAsync(async () =>
        {
            using var slos = JsonDocument.Parse(await _server.Api.GetStringAsync("/api/v1/slos"));
            var budget = slos.RootElement.GetProperty("slos").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "productpage-v1-availability")
                .GetProperty("objectives")[0].GetProperty("budget");
            consumed = budget.GetProperty("consumed") is { ValueKind: JsonValueKind.Number } c ? c.GetDouble() : null;
            return consumed > 0;
        }, Timeout), $"productpage-v1-availability consumed {consumed?.ToString() ?? "nothing"} of its budget during the burst");

        // 3. Zone-a failure: productpage in zone a calls reviews in zone b.
        var crossZone = await Loopback.EventuallyAsync(async () =>
        {
            edges = await EdgesAsync(TimeSpan.FromSeconds(20));
            return edges.Any(e => e.StartsWith("workload:demo/bookinfo/productpage-v1@a>workload:demo/bookinfo/reviews-v", StringComparison.Ordinal) && e.EndsWith("@b", StringComparison.Ordinal));
        }, Timeout);
        Assert.True(crossZone, $"no productpage(a) -> reviews(b) edge: {string.Join(", ", edges)}");
        using var graph = JsonDocument.Parse(await _server.Api.GetStringAsync($"/api/v1/topology?from={DateTimeOffset.UtcNow.AddSeconds(-20).ToUnixTimeMilliseconds()}"));
        Assert.Contains(graph.RootElement.GetProperty("edges").EnumerateArray(), e => e.GetProperty("crossZone").GetBoolean()
            && e.GetProperty("source").GetString() == "workload:demo/bookinfo/productpage-v1@a");
    }

    private async Task<Dictionary<string, long>> EdgeRequestsAsync(TimeSpan range)
    {
        using var graph = JsonDocument.Parse(await _server.Api.GetStringAsync($"/api/v1/topology?from={DateTimeOffset.UtcNow.Subtract(range).ToUnixTimeMilliseconds()}"));
        return graph.RootElement.GetProperty("edges").EnumerateArray()
            .ToDictionary(e => $"{e.GetProperty("source").GetString()}>{e.GetProperty("target").GetString()}", e => e.GetProperty("traffic").GetProperty("requests").GetInt64());
    }

    private async Task<HashSet<string>> EdgesAsync(TimeSpan range)
    {
        using var graph = JsonDocument.Parse(await _server.Api.GetStringAsync($"/api/v1/topology?from={DateTimeOffset.UtcNow.Subtract(range).ToUnixTimeMilliseconds()}"));
        return [.. graph.RootElement.GetProperty("edges").EnumerateArray().Select(e => $"{e.GetProperty("source").GetString()}>{e.GetProperty("target").GetString()}")];
    }

    private async Task<int> ReadyPodsAsync(string workload)
    {
        using var demo = JsonDocument.Parse(await _server.Api.GetStringAsync("/api/v1/demo"));
        var zones = demo.RootElement.GetProperty("workloads").EnumerateArray().Single(w => w.GetProperty("name").GetString() == workload).GetProperty("zones");
        return zones.GetProperty("a").GetProperty("ready").GetInt32() + zones.GetProperty("b").GetProperty("ready").GetInt32();
    }
}
