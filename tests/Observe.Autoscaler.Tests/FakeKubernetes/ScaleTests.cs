using System.Net;
using System.Text.Json.Nodes;
using Observe.FakeKubernetes;

namespace Observe.Autoscaler.Tests.FakeKubernetes;

public sealed class ScaleTests
{
    private const string Scale = "/apis/apps/v1/namespaces/shop/deployments/checkout/scale";

    [Fact]
    public async Task Scale_has_the_autoscaling_v1_shape_with_the_workload_metadata_and_selector()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddDeployment("shop", "checkout", 3);
        using var client = new RawKubernetesClient(api);

        var (status, scale) = await client.GetAsync(Scale);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Scale", (string?)scale["kind"]);
        Assert.Equal("autoscaling/v1", (string?)scale["apiVersion"]);
        Assert.Equal("checkout", (string?)scale["metadata"]!["name"]);
        Assert.Equal("shop", (string?)scale["metadata"]!["namespace"]);
        Assert.NotNull((string?)scale["metadata"]!["uid"]);
        Assert.NotNull((string?)scale["metadata"]!["creationTimestamp"]);
        Assert.Equal(3, (int?)scale["spec"]!["replicas"]);
        Assert.Equal(3, (int?)scale["status"]!["replicas"]);
        Assert.Equal("app=checkout", (string?)scale["status"]!["selector"]);
    }

    [Fact]
    public async Task Each_write_takes_a_new_global_resourceVersion_and_a_write_from_a_stale_one_is_409_Conflict()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddDeployment("shop", "checkout", 2);
        api.AddDeployment("shop", "payments", 2);
        using var client = new RawKubernetesClient(api);
        var read = (await client.GetAsync(Scale)).Body;

        var first = await client.SendAsync(HttpMethod.Patch, Scale,
            new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = Json.Rv(read) }, ["spec"] = new JsonObject { ["replicas"] = 4 } },
            "application/merge-patch+json");
        api.SetReplicas("Deployment", "shop", "payments", 5);
        var stale = await client.SendAsync(HttpMethod.Patch, Scale,
            new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = Json.Rv(read) }, ["spec"] = new JsonObject { ["replicas"] = 6 } },
            "application/merge-patch+json");
        var payments = (await client.GetAsync("/apis/apps/v1/namespaces/shop/deployments/payments/scale")).Body;

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(Json.RvNumber(first.Body) > Json.RvNumber(read));
        Assert.True(Json.RvNumber(payments) > Json.RvNumber(first.Body), "one counter for the whole store");
        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal("Conflict", (string?)stale.Body["reason"]);
        Assert.Equal(
            "Operation cannot be fulfilled on deployments.apps \"checkout\": the object has been modified; please apply your changes to the latest version and try again",
            (string?)stale.Body["message"]);
        Assert.Equal(4, api.Replicas("Deployment", "shop", "checkout"));
        Assert.Equal(1, api.ScaleWrites("Deployment", "shop", "checkout"));
    }

    [Fact]
    public async Task A_write_that_changes_nothing_keeps_the_resourceVersion()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddDeployment("shop", "checkout", 2);
        using var client = new RawKubernetesClient(api);
        var read = (await client.GetAsync(Scale)).Body;

        var same = await client.SendAsync(HttpMethod.Patch, Scale, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 2 } }, "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.OK, same.Status);
        Assert.Equal(Json.Rv(read), Json.Rv(same.Body));
    }

    [Fact]
    public async Task Put_and_json_patch_and_strategic_merge_patch_all_set_replicas()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddDeployment("shop", "checkout", 2);
        using var client = new RawKubernetesClient(api);
        var read = (await client.GetAsync(Scale)).Body;
        read["spec"]!["replicas"] = 3;

        var put = await client.SendAsync(HttpMethod.Put, Scale, read);
        var jsonPatch = await client.SendAsync(HttpMethod.Patch, Scale,
            new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/spec/replicas", ["value"] = 5 }), "application/json-patch+json");
        var strategic = await client.SendAsync(HttpMethod.Patch, Scale,
            new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 7 } }, "application/strategic-merge-patch+json");

        Assert.Equal(3, (int?)put.Body["spec"]!["replicas"]);
        Assert.Equal(5, (int?)jsonPatch.Body["spec"]!["replicas"]);
        Assert.Equal(7, (int?)strategic.Body["spec"]!["replicas"]);
        Assert.Equal(7, api.Replicas("deployments", "shop", "checkout"));
        Assert.Equal(3, api.ScaleWrites("Deployment", "shop", "checkout"));
    }

    [Fact]
    public async Task Negative_replicas_is_422_Invalid_naming_the_field()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddDeployment("shop", "checkout", 2);
        using var client = new RawKubernetesClient(api);

        var (status, body) = await client.SendAsync(HttpMethod.Patch, Scale, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = -1 } }, "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("Invalid", (string?)body["reason"]);
        Assert.Equal("spec.replicas", (string?)body["details"]!["causes"]![0]!["field"]);
        Assert.Equal(2, api.Replicas("Deployment", "shop", "checkout"));
    }

    [Fact]
    public async Task Missing_workload_is_404_and_a_patch_in_plain_json_is_415()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddDeployment("shop", "checkout", 2);
        using var client = new RawKubernetesClient(api);

        var missing = await client.GetAsync("/apis/apps/v1/namespaces/shop/statefulsets/ledger/scale");
        var plain = await client.SendAsync(HttpMethod.Patch, Scale, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 3 } });

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("statefulsets.apps \"ledger\" not found", (string?)missing.Body["message"]);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.Status);
        Assert.Equal("UnsupportedMediaType", (string?)plain.Body["reason"]);
    }

    [Fact]
    public async Task Pods_follow_the_scale_the_newest_go_first_and_turn_ready_after_the_configured_delay()
    {
        var time = new ManualTime();
        await using var api = await FakeKubernetesApi.StartAsync(time, new FakeApiOptions { PodReadyAfter = TimeSpan.FromSeconds(30) });
        api.AddDeployment("shop", "checkout", 2);
        api.AddDeployment("shop", "payments", 1);
        using var client = new RawKubernetesClient(api);
        time.Advance(TimeSpan.FromMinutes(1));
        var before = await client.GetAsync("/api/v1/namespaces/shop/pods?labelSelector=app%3Dcheckout");

        await client.SendAsync(HttpMethod.Patch, Scale, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 4 } }, "application/merge-patch+json");
        var scaledUp = (await client.GetAsync("/api/v1/namespaces/shop/pods?labelSelector=app%3Dcheckout")).Body;
        time.Advance(TimeSpan.FromSeconds(30));
        var later = (await client.GetAsync("/api/v1/namespaces/shop/pods?labelSelector=app=checkout")).Body;
        await client.SendAsync(HttpMethod.Patch, Scale, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 1 } }, "application/merge-patch+json");
        var scaledDown = (await client.GetAsync("/api/v1/namespaces/shop/pods?labelSelector=app%3Dcheckout")).Body;

        Assert.Equal("PodList", (string?)before.Body["kind"]);
        Assert.Equal(2, before.Body["items"]!.AsArray().Count);
        Assert.All(before.Body["items"]!.AsArray(), p => Assert.Equal("True", Ready(p!)));
        var upItems = scaledUp["items"]!.AsArray();
        Assert.Equal(4, upItems.Count);
        Assert.Equal(2, upItems.Count(p => Ready(p!) == "False"));
        Assert.Equal(2, upItems.Count(p => (string?)p!["metadata"]!["creationTimestamp"] == "2026-11-21T00:01:00Z"));
        Assert.All(later["items"]!.AsArray(), p => Assert.Equal("True", Ready(p!)));
        var remaining = Assert.Single(scaledDown["items"]!.AsArray());
        Assert.Equal("2026-11-21T00:00:00Z", (string?)remaining!["metadata"]!["creationTimestamp"]);
        Assert.Equal("checkout", (string?)remaining["metadata"]!["labels"]!["app"]);
    }

    private static string? Ready(JsonNode pod) =>
        (string?)pod["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!["status"];
}
