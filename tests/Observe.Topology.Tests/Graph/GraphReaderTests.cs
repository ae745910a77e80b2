using System.Text;
using Observe.Store;
using Observe.Store.Mesh;
using Observe.Store.RowBinary;
using Observe.Topology.Graph;

namespace Observe.Topology.Tests.Graph;

/// <summary>
/// Graphs, health, grouping and replay on known requests in the real engine: a Bookinfo-like
/// mesh over one minute, some edges reported by both proxies and spans.
/// </summary>
public sealed class GraphReaderTests : IAsyncLifetime
{
    private readonly IClickHouseTransport _engine = EmbeddedEngine.Shared;
    private readonly StoreOptions _options = new() { Database = EmbeddedEngine.NewDatabase("graph") };
    // A whole minute some minutes ago: inside retention, and the 1 min rollup covers it exactly.
    private readonly DateTimeOffset _minute = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60 - 300);

    private static readonly MeshPeer Gateway = new("istio-ingressgateway", "istio-system", "istio-ingressgateway", "unknown", "c1", "zone-a", MeshPeerKind.Gateway);
    private static readonly MeshPeer ProductPage = new("productpage-v1", "shop", "productpage", "v1", "c1", "zone-a");
    private static readonly MeshPeer ReviewsV1 = new("reviews-v1", "shop", "reviews", "v1", "c1", "zone-a");
    private static readonly MeshPeer ReviewsV2 = new("reviews-v2", "shop", "reviews", "v2", "c1", "zone-b");
    private static readonly MeshPeer Ratings = new("ratings-v1", "shop", "ratings", "v1", "c1", "zone-b");
    private static readonly MeshPeer Details = new("details-v1", "shop", "details", "v1", "c1", "zone-a");
    private static readonly MeshPeer Database = new("postgresql orders", "unknown", "postgresql orders", "unknown", "unknown", "unknown", MeshPeerKind.Database);

    private readonly HealthOptions _health = new()
    {
        Rules = [new HealthRule { Namespace = "shop", Name = "details.*", Http4xx = new ErrorThreshold { Degraded = 20, Failing = 50 } }],
    };

    private GraphReader Reader => new(_engine, _options.Database, _health, new GraphLimits());

    public async Task InitializeAsync()
    {
        await ClickHouseStore.MigrateAsync(_engine, _options);
        using var w = new RowBinaryWriter();
        // Requests spread over the six 10 s windows of the minute (i % 6), so frames differ.
        for (var i = 0; i < 100; i++)
        {
            Write(w, i, Gateway, ProductPage, 10);
        }
        for (var i = 0; i < 50; i++)
        {
            Write(w, i, ProductPage, ReviewsV1, 20, status: i == 7 ? (ushort)500 : (ushort)200);
            Write(w, i, ProductPage, ReviewsV2, 40, status: i < 12 ? (ushort)503 : (ushort)200, mtls: true);
        }
        for (var i = 0; i < 45; i++)
        {
            // The same calls as the proxies saw them, from spans: must not count again.
            Write(w, i, ProductPage, ReviewsV1, 25, origin: MeshOrigin.Span);
        }
        for (var i = 0; i < 20; i++)
        {
            Write(w, i, ReviewsV2, Ratings, 5, protocol: "grpc", grpc: 0);
        }
        for (var i = 0; i < 40; i++)
        {
            Write(w, i, ProductPage, Details, 8, status: i < 10 ? (ushort)404 : (ushort)200);
        }
        for (var i = 0; i < 30; i++)
        {
            Write(w, i, ReviewsV1, Database, 3, protocol: "tcp", origin: MeshOrigin.Span);
        }
        await _engine.InsertRowBinaryAsync($"`{_options.Database}`.{MeshSchema.Requests.Name}", MeshSchema.Requests.Columns, w.WrittenMemory);
        // The rollups' views become visible a moment after the rows they are fed from.
        Assert.True(await Loopback.EventuallyAsync(async () => await CountAsync("mesh_edges_10s") == 100 + 50 + 50 + 45 + 20 + 40 + 30
            && await CountAsync("mesh_edges_1m") == 335, TimeSpan.FromSeconds(10)));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_workload_graph_has_every_node_and_edge_with_signals_counted_once()
    {
        var graph = await Reader.GraphAsync(_minute, _minute.AddMinutes(1), new GraphFilter());

        Assert.Equal(
            [
                "database:unknown/unknown/postgresql orders@unknown",
                "gateway:c1/istio-system/istio-ingressgateway@zone-a",
                "workload:c1/shop/details-v1@zone-a",
                "workload:c1/shop/productpage-v1@zone-a",
                "workload:c1/shop/ratings-v1@zone-b",
                "workload:c1/shop/reviews-v1@zone-a",
                "workload:c1/shop/reviews-v2@zone-b",
            ], graph.Nodes.Select(n => n.Id));
        var reviewsV1 = Edge(graph, "productpage-v1", "reviews-v1");
        Assert.Equal(50, reviewsV1.Traffic.Requests);
        Assert.Equal(50 / 60.0, reviewsV1.Traffic.RequestsPerSecond, 9);
        Assert.Equal(0.02, reviewsV1.Traffic.ErrorRatio, 9);
        Assert.Equal(20, reviewsV1.Traffic.P50);
        Assert.Equal(HealthState.Degraded, reviewsV1.Health);
        Assert.False(reviewsV1.CrossZone);

        var reviewsV2 = Edge(graph, "productpage-v1", "reviews-v2");
        Assert.True(reviewsV2.CrossZone);
        Assert.Equal(12 / 50.0, reviewsV2.Traffic.ServerErrorRatio, 9);
        Assert.Equal(1.0, reviewsV2.Traffic.MtlsShare);
        Assert.Equal(HealthState.Failing, reviewsV2.Health);
        Assert.Equal(50 * (120 + 2048) / 60.0, reviewsV2.Traffic.BytesPerSecond, 6);

        var ratings = Edge(graph, "reviews-v2", "ratings-v1");
        Assert.Equal(("grpc", HealthState.Healthy, 20L), (ratings.Protocol, ratings.Health, ratings.Traffic.Requests));
        var database = Edge(graph, "reviews-v1", "postgresql orders");
        Assert.Equal(30, database.Traffic.Requests);

        var productPage = graph.Nodes.Single(n => n.Name == "productpage-v1");
        Assert.Equal((100L, 140L, "productpage", "v1", HealthState.Healthy), (productPage.Inbound.Requests, productPage.Outbound.Requests, productPage.Service, productPage.Version, productPage.Health));
        Assert.Equal(10, productPage.Inbound.P99);
        Assert.Null(productPage.Outbound.P50);
        Assert.Equal(HealthState.Failing, graph.Nodes.Single(n => n.Name == "reviews-v2").Health);
        Assert.Equal(("gateway", HealthState.Healthy), (graph.Nodes.Single(n => n.Name == "istio-ingressgateway").Kind, graph.Nodes.Single(n => n.Name == "istio-ingressgateway").Health));
    }

    [Fact]
    public async Task Health_thresholds_follow_the_rule_that_matches_the_destination()
    {
        var graph = await Reader.GraphAsync(_minute, _minute.AddMinutes(1), new GraphFilter());

        // 25 % of 4xx: failing by default (> 20 %), only degraded under the rule for details (20 % / 50 %).
        Assert.Equal(HealthState.Degraded, Edge(graph, "productpage-v1", "details-v1").Health);
        var strict = await new GraphReader(_engine, _options.Database, new HealthOptions(), new GraphLimits())
            .GraphAsync(_minute, _minute.AddMinutes(1), new GraphFilter());
        Assert.Equal(HealthState.Failing, Edge(strict, "productpage-v1", "details-v1").Health);
    }

    [Fact]
    public async Task Grouping_by_version_app_and_without_zones_merges_nodes()
    {
        var versions = await Reader.GraphAsync(_minute, _minute.AddMinutes(1), new GraphFilter(GraphGrouping.Version));
        Assert.Contains(versions.Nodes, n => n.Id == "workload:c1/shop/reviews/v1@zone-a" && n.Name == "reviews" && n.Version == "v1");
        Assert.Contains(versions.Nodes, n => n.Id == "workload:c1/shop/reviews/v2@zone-b" && n.Version == "v2");

        var apps = await Reader.GraphAsync(_minute, _minute.AddMinutes(1), new GraphFilter(GraphGrouping.App, ByZone: false));
        var reviews = apps.Nodes.Single(n => n.Name == "reviews");
        Assert.Equal(("workload:c1/shop/reviews@*", 100L), (reviews.Id, reviews.Inbound.Requests));
        // Both versions' calls from productpage are one edge now, and no edge is cross-zone.
        var edge = Edge(apps, "productpage", "reviews");
        Assert.Equal((100L, 13 / 100.0), (edge.Traffic.Requests, edge.Traffic.ErrorRatio));
        Assert.DoesNotContain(apps.Edges, e => e.CrossZone);
        Assert.Equal(40, (await Reader.GraphAsync(_minute, _minute.AddMinutes(1), new GraphFilter(GraphGrouping.Service))).Edges
            .Single(e => e.Target.Contains("/details@")).Traffic.Requests);
    }

    [Fact]
    public async Task Filters_keep_edges_that_touch_a_namespace_or_service()
    {
        var gateway = await Reader.GraphAsync(_minute, _minute.AddMinutes(1), new GraphFilter(Namespaces: ["istio-system"]));
        Assert.Equal(["gateway:c1/istio-system/istio-ingressgateway@zone-a>workload:c1/shop/productpage-v1@zone-a|http/1.1"], gateway.Edges.Select(e => e.Id));

        var ratings = await Reader.GraphAsync(_minute, _minute.AddMinutes(1), new GraphFilter(Services: ["ratings"]));
        Assert.Equal(["reviews-v2>ratings-v1"], ratings.Edges.Select(e => $"{Name(ratings, e.Source)}>{Name(ratings, e.Target)}"));
    }

    [Fact]
    public async Task A_window_of_10_seconds_reads_the_10_second_rollup()
    {
        var graph = await Reader.GraphAsync(_minute.AddSeconds(10), _minute.AddSeconds(20), new GraphFilter());
        // Request i lands in window i % 6: window 1 holds the requests with i % 6 == 1.
        Assert.Equal(Enumerable.Range(0, 100).Count(i => i % 6 == 1), Edge(graph, "istio-ingressgateway", "productpage-v1").Traffic.Requests);
        Assert.Equal(Enumerable.Range(0, 100).Count(i => i % 6 == 1) / 10.0, Edge(graph, "istio-ingressgateway", "productpage-v1").Traffic.RequestsPerSecond, 9);
    }

    [Fact]
    public async Task Every_replay_frame_equals_the_graph_of_its_window()
    {
        var window = TimeSpan.FromSeconds(20);
        var replay = await Reader.ReplayAsync(new ReplayRange(_minute, _minute.AddMinutes(1), TimeSpan.FromSeconds(10), window), new GraphFilter());

        Assert.Equal(6, replay.Frames.Count);
        Assert.Equal(_minute.AddSeconds(10), replay.Frames[0].Time);
        foreach (var frame in replay.Frames)
        {
            var graph = await Reader.GraphAsync(frame.Time - window, frame.Time, new GraphFilter());
            Assert.Equal(graph.Edges.Select(e => (e.Id, e.Traffic.Requests, e.Traffic.RequestsPerSecond, e.Traffic.ErrorRatio, e.Traffic.P95, e.Health)),
                frame.Edges.Index.Select((edge, k) => (replay.Edges[edge].Id, frame.Edges.Requests[k], frame.Edges.RequestsPerSecond[k],
                    frame.Edges.ErrorRatio[k], frame.Edges.P95[k], frame.Edges.Health[k])));
            Assert.Equal(graph.Nodes.Where(n => n.Inbound.Requests > 0).Select(n => (n.Id, n.Inbound.Requests, n.Inbound.P99, n.Health)),
                frame.Nodes.Index.Select((node, k) => (replay.Nodes[node].Id, frame.Nodes.Requests[k], frame.Nodes.P99[k], frame.Nodes.Health[k]))
                    .Where(n => n.Item2 > 0));
        }
        // The first frame sees only window 0 (the window before the range is empty).
        Assert.Equal(Enumerable.Range(0, 100).Count(i => i % 6 == 0),
            replay.Frames[0].Edges.Requests[Array.IndexOf(replay.Frames[0].Edges.Index, replay.Edges.ToList().FindIndex(e => e.Id.StartsWith("gateway:", StringComparison.Ordinal)))]);
    }

    [Fact]
    public async Task Replays_read_the_minute_rollup_when_aligned_and_refuse_bad_ranges()
    {
        var replay = await Reader.ReplayAsync(new ReplayRange(_minute.AddMinutes(-1), _minute.AddMinutes(1), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)), new GraphFilter());
        Assert.Equal([0, 100], replay.Frames.Select(f => f.Nodes.Index.Select((n, k) => (replay.Nodes[n].Name, f.Nodes.Requests[k]))
            .Where(n => n.Name == "productpage-v1").Sum(n => n.Item2)));

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Reader.ReplayAsync(new ReplayRange(_minute, _minute.AddMinutes(1), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10)), new GraphFilter()));
        Assert.Contains("step", e.Message);
        e = await Assert.ThrowsAsync<ArgumentException>(() => new GraphReader(_engine, _options.Database, _health, new GraphLimits { MaxReplayFrames = 5 })
            .ReplayAsync(new ReplayRange(_minute, _minute.AddMinutes(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)), new GraphFilter()));
        Assert.Contains("MaxReplayFrames", e.Message);
    }

    private static GraphEdge Edge(ServiceGraph graph, string source, string target) =>
        graph.Edges.Single(e => Name(graph, e.Source) == source && Name(graph, e.Target) == target);

    private static string Name(ServiceGraph graph, string id) => graph.Nodes.Single(n => n.Id == id).Name;

    private void Write(RowBinaryWriter w, int i, MeshPeer source, MeshPeer destination, int millis, ushort status = 200,
        string protocol = "http/1.1", short grpc = -1, bool mtls = false, MeshOrigin origin = MeshOrigin.AccessLog) =>
        MeshRequestRows.Write(w, new MeshRequest(
            _minute.AddSeconds(i % 6 * 10 + 1), source, destination, MeshReporter.Destination, origin, protocol, "GET", "", "/",
            protocol == "tcp" ? (ushort)0 : status, grpc, [], TimeSpan.FromMilliseconds(millis), 120, 2048, mtls, status >= 500));

    private async Task<long> CountAsync(string table) =>
        long.Parse(Encoding.UTF8.GetString(await _engine.QueryAsync($"SELECT sum(Requests) FROM `{_options.Database}`.{table}", "TabSeparated")).Trim());
}
