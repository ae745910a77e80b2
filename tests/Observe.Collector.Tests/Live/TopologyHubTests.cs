using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Observe.Collector.Tests.Live;

/// <summary>
/// /hubs/topology seen by a client speaking SignalR's JSON hub protocol: a snapshot on subscribe,
/// then a diff once a request posted as a proxy access log reaches the trailing window's graph.
/// </summary>
public sealed class TopologyHubTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ObserveServer _server = null!;

    public async Task InitializeAsync() => _server = await ObserveServer.StartAsync(new Dictionary<string, string?>
    {
        ["Mesh:Pairing:Interval"] = "00:00:00.050",
        ["Topology:Live:Interval"] = "00:00:00.200",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Uri Hub => new($"ws://127.0.0.1:{_server.ApiPort}/hubs/topology");

    [Fact]
    public async Task A_subscriber_gets_a_snapshot_then_the_diff_that_adds_a_new_edge()
    {
        using var deadline = new CancellationTokenSource(Patience);
        await using var shop = await HubConnection.ConnectAsync(Hub, deadline.Token);
        await using var other = await HubConnection.ConnectAsync(Hub, deadline.Token);
        await shop.InvokeAsync("Subscribe", new { groupBy = "workload", namespaces = new[] { "shop" } }, deadline.Token);
        await other.InvokeAsync("Subscribe", new { groupBy = "app", namespaces = new[] { "elsewhere" } }, deadline.Token);

        var snapshot = await shop.NextInvocationAsync("snapshot", deadline.Token);
        Assert.Equal(0, snapshot.GetProperty("sequence").GetInt64());
        Assert.Equal(0, snapshot.GetProperty("graph").GetProperty("edges").GetArrayLength());
        Assert.Equal("workload", snapshot.GetProperty("graph").GetProperty("groupBy").GetString());
        var otherSnapshot = await other.NextInvocationAsync("snapshot", deadline.Token);
        Assert.Equal("app", otherSnapshot.GetProperty("graph").GetProperty("groupBy").GetString());

        var posted = Stopwatch.StartNew();
        await PostInboundAsync("req-live-1", "shop");
        var diff = await shop.NextInvocationAsync("diff", deadline.Token);
        var latency = posted.Elapsed;

        Assert.Equal(1, diff.GetProperty("sequence").GetInt64());
        var edge = Assert.Single(diff.GetProperty("edges").GetProperty("upserted").EnumerateArray());
        Assert.Equal("workload:c1/shop/productpage-v1@zone-a>workload:c1/shop/reviews-v2@zone-b|http/1.1", edge.GetProperty("id").GetString());
        Assert.True(edge.GetProperty("crossZone").GetBoolean());
        Assert.Equal(1, edge.GetProperty("traffic").GetProperty("requests").GetInt64());
        Assert.Equal("healthy", edge.GetProperty("health").GetString());
        Assert.Equal(["productpage-v1", "reviews-v2"],
            diff.GetProperty("nodes").GetProperty("upserted").EnumerateArray().Select(n => n.GetProperty("name").GetString()).Order());
        Assert.Empty(diff.GetProperty("edges").GetProperty("removed").EnumerateArray());
        // Not a timing assertion (the machine may be loaded): the figure is reported for the record.
        Console.WriteLine($"request posted → diff received: {latency.TotalMilliseconds:0} ms");

        // The same view from the HTTP API agrees with snapshot + diff.
        var graph = JsonDocument.Parse(await _server.Api.GetStringAsync("/api/v1/topology?namespace=shop&from=" +
            Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O")))).RootElement;
        Assert.Equal(edge.GetProperty("id").GetString(), Assert.Single(graph.GetProperty("edges").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_bad_subscription_completes_with_an_error_and_the_connection_keeps_working()
    {
        using var deadline = new CancellationTokenSource(Patience);
        await using var client = await HubConnection.ConnectAsync(Hub, deadline.Token);
        var id = await client.InvokeAsync("Subscribe", new { groupBy = "planet" }, deadline.Token);

        var completion = await client.NextAsync(deadline.Token);
        Assert.Equal((3, id), (completion.GetProperty("type").GetInt32(), completion.GetProperty("invocationId").GetString()));
        Assert.Contains("groupBy 'planet' must be one of workload, version, app, service", completion.GetProperty("error").GetString());

        await client.InvokeAsync("Subscribe", new { groupBy = "service" }, deadline.Token);
        Assert.Equal("service", (await client.NextInvocationAsync("snapshot", deadline.Token)).GetProperty("graph").GetProperty("groupBy").GetString());
    }

    /// <summary>The callee's (inbound) Istio report of a request from productpage (zone a) to reviews v2 (zone b).</summary>
    private async Task PostInboundAsync(string id, string ns)
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fff'Z'");
        var line = $"[{now}] \"GET /reviews/0 HTTP/1.1\" 200 - via_upstream - \"-\" 0 295 5 4 \"-\" \"curl\" \"{id}\" \"reviews:9080\" " +
            $"\"10.0.2.7:9080\" inbound|9080|| 127.0.0.6:45555 10.0.2.7:9080 10.0.1.4:51234 outbound_.9080_._.reviews.{ns}.svc.cluster.local default";
        var query = $"?format=istio-text&workload=reviews-v2&namespace={ns}&service=reviews&version=v2&zone=zone-b&cluster=c1&address=10.0.2.7";
        // The caller's own report first, so that pairing names the caller in the callee's record.
        var outbound = $"[{now}] \"GET /reviews/0 HTTP/1.1\" 200 - via_upstream - \"-\" 0 295 7 6 \"-\" \"curl\" \"{id}\" \"reviews:9080\" " +
            $"\"10.0.2.7:9080\" outbound|9080|v2|reviews.{ns}.svc.cluster.local 10.0.1.4:51234 10.96.0.17:9080 10.0.1.4:40000 - default";
        using var caller = await _server.Api.PostAsync("/api/v1/accesslogs?format=istio-text&workload=productpage-v1&namespace=" + ns +
            "&service=productpage&version=v1&zone=zone-a&cluster=c1&address=10.0.1.4", new StringContent(outbound + "\n", Encoding.UTF8));
        Assert.Equal(HttpStatusCode.OK, caller.StatusCode);
        using var response = await _server.Api.PostAsync("/api/v1/accesslogs" + query, new StringContent(line + "\n", Encoding.UTF8));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
