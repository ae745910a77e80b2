using System.Net;
using System.Text.Json.Nodes;
using Observe.FakeKubernetes;

namespace Observe.Autoscaler.Tests.FakeKubernetes;

public sealed class WatchTests
{
    private const string Policies = "/apis/observe.dev/v1alpha1/namespaces/shop/scalingpolicies";

    [Fact]
    public async Task Watch_from_a_list_version_sends_later_changes_in_order()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        api.ApplyCustomResource(Json.Policy("shop", "before", 10));
        var listed = Json.Rv((await client.GetAsync(Policies)).Body);
        api.ApplyCustomResource(Json.Policy("shop", "checkout", 10));
        api.ApplyCustomResource(Json.Policy("shop", "checkout", 12));
        api.ApplyCustomResource(Json.Policy("bank", "elsewhere", 10));
        api.DeleteCustomResource("scalingpolicies", "shop", "checkout");

        using var watch = await client.WatchAsync($"{Policies}?watch=1&resourceVersion={listed}");
        var events = new List<JsonObject>();
        for (var i = 0; i < 3; i++)
        {
            events.Add((await watch.NextAsync())!);
        }

        Assert.Equal(HttpStatusCode.OK, watch.Response.StatusCode);
        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], events.Select(e => (string?)e["type"]));
        Assert.All(events, e => Assert.Equal("checkout", (string?)e["object"]!["metadata"]!["name"]));
        Assert.Equal(12, (int?)events[1]["object"]!["spec"]!["maxReplicas"]);
        var versions = events.Select(e => Json.RvNumber(e["object"]!)).ToList();
        Assert.Equal(versions.Order(), versions);
    }

    [Fact]
    public async Task Changes_made_while_watching_arrive_and_bookmarks_come_each_interval()
    {
        var time = new ManualTime();
        await using var api = await FakeKubernetesApi.StartAsync(time, new FakeApiOptions { WatchBookmarkInterval = TimeSpan.FromSeconds(20) });
        using var client = new RawKubernetesClient(api);
        var listed = Json.Rv((await client.GetAsync(Policies)).Body);

        using var watch = await client.WatchAsync($"{Policies}?watch=true&allowWatchBookmarks=true&resourceVersion={listed}");
        await api.WhenWatchingAsync(1, CancellationToken.None);
        api.ApplyCustomResource(Json.Policy("shop", "checkout", 10));
        var added = await watch.NextAsync();
        time.Advance(TimeSpan.FromSeconds(20));
        var bookmark = await watch.NextAsync();

        Assert.Equal("ADDED", (string?)added!["type"]);
        Assert.Equal("BOOKMARK", (string?)bookmark!["type"]);
        var expected = new JsonObject
        {
            ["kind"] = "ScalingPolicy",
            ["apiVersion"] = "observe.dev/v1alpha1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = api.ResourceVersion },
        };
        Assert.True(JsonNode.DeepEquals(expected, bookmark["object"]), bookmark.ToJsonString());
    }

    [Fact]
    public async Task Watch_from_a_version_older_than_a_compaction_gets_one_410_Expired_error_event_and_ends()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        var listed = Json.Rv((await client.GetAsync(Policies)).Body);
        api.ApplyCustomResource(Json.Policy("shop", "checkout", 10));
        api.Compact();

        using var watch = await client.WatchAsync($"{Policies}?watch=1&resourceVersion={listed}");
        var error = await watch.NextAsync();
        var end = await watch.NextAsync();

        Assert.Equal("ERROR", (string?)error!["type"]);
        var status = error["object"]!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("Expired", (string?)status["reason"]);
        Assert.Equal(410, (int?)status["code"]);
        Assert.StartsWith($"too old resource version: {listed} (", (string?)status["message"]);
        Assert.Null(end);
    }

    [Fact]
    public async Task Watch_from_beyond_the_bounded_history_is_expired_too()
    {
        await using var api = await FakeKubernetesApi.StartAsync(options: new FakeApiOptions { HistorySize = 3 });
        using var client = new RawKubernetesClient(api);
        var listed = Json.Rv((await client.GetAsync(Policies)).Body);
        for (var max = 1; max <= 5; max++)
        {
            api.ApplyCustomResource(Json.Policy("shop", "checkout", max));
        }

        using var watch = await client.WatchAsync($"{Policies}?watch=1&resourceVersion={listed}");

        Assert.Equal("Expired", (string?)(await watch.NextAsync())!["object"]!["reason"]);
    }

    [Fact]
    public async Task DropWatches_ends_open_streams_and_timeoutSeconds_ends_them_on_the_injected_clock()
    {
        var time = new ManualTime();
        await using var api = await FakeKubernetesApi.StartAsync(time);
        using var client = new RawKubernetesClient(api);
        var listed = Json.Rv((await client.GetAsync(Policies)).Body);

        using var dropped = await client.WatchAsync($"{Policies}?watch=1&resourceVersion={listed}");
        using var timed = await client.WatchAsync($"{Policies}?watch=1&resourceVersion={listed}&timeoutSeconds=60");
        await api.WhenWatchingAsync(2, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(60));
        var timedEnd = await timed.NextAsync();
        api.DropWatches();
        var droppedEnd = await dropped.NextAsync();

        Assert.Null(timedEnd);
        Assert.Null(droppedEnd);
    }

    [Fact]
    public async Task Watch_without_a_version_starts_with_the_current_objects_as_ADDED()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        api.ApplyCustomResource(Json.Policy("shop", "checkout", 10));

        using var watch = await client.WatchAsync($"{Policies}?watch=1");
        var first = await watch.NextAsync();

        Assert.Equal("ADDED", (string?)first!["type"]);
        Assert.Equal("checkout", (string?)first["object"]!["metadata"]!["name"]);
    }
}
