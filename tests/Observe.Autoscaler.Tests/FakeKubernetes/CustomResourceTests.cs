using System.Net;
using System.Text.Json.Nodes;
using Observe.FakeKubernetes;

namespace Observe.Autoscaler.Tests.FakeKubernetes;

public sealed class CustomResourceTests
{
    private const string Policies = "/apis/observe.dev/v1alpha1/namespaces/shop/scalingpolicies";

    [Fact]
    public async Task Create_starts_at_generation_1_ignores_status_and_a_second_create_is_409_AlreadyExists()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        var policy = Json.Policy("shop", "checkout", 10);
        policy["status"] = new JsonObject { ["desiredReplicas"] = 99 };

        var created = await client.SendAsync(HttpMethod.Post, Policies, policy);
        var again = await client.SendAsync(HttpMethod.Post, Policies, Json.Policy("shop", "checkout", 10));

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(1, (long?)created.Body["metadata"]!["generation"]);
        Assert.Null(created.Body["status"]);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("AlreadyExists", (string?)again.Body["reason"]);
        Assert.Equal("scalingpolicies.observe.dev \"checkout\" already exists", (string?)again.Body["message"]);
    }

    [Fact]
    public async Task Writes_to_the_main_resource_ignore_status_and_bump_generation_only_on_spec_changes()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        await client.SendAsync(HttpMethod.Post, Policies, Json.Policy("shop", "checkout", 10));
        await client.SendAsync(HttpMethod.Patch, Policies + "/checkout/status",
            new JsonObject { ["status"] = new JsonObject { ["desiredReplicas"] = 3 } }, "application/merge-patch+json");

        var statusOnly = await client.SendAsync(HttpMethod.Patch, Policies + "/checkout",
            new JsonObject { ["status"] = new JsonObject { ["desiredReplicas"] = 50 } }, "application/merge-patch+json");
        var labelled = await client.SendAsync(HttpMethod.Patch, Policies + "/checkout",
            new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["team"] = "payments" } } }, "application/merge-patch+json");
        var specChange = await client.SendAsync(HttpMethod.Patch, Policies + "/checkout",
            new JsonObject { ["spec"] = new JsonObject { ["maxReplicas"] = 20 }, ["status"] = new JsonObject { ["desiredReplicas"] = 50 } }, "application/merge-patch+json");

        Assert.Equal(3, (int?)statusOnly.Body["status"]!["desiredReplicas"]);
        Assert.Equal(1, (long?)statusOnly.Body["metadata"]!["generation"]);
        Assert.Equal(1, (long?)labelled.Body["metadata"]!["generation"]);
        Assert.Equal(2, (long?)specChange.Body["metadata"]!["generation"]);
        Assert.Equal(20, (int?)specChange.Body["spec"]!["maxReplicas"]);
        Assert.Equal(3, (int?)specChange.Body["status"]!["desiredReplicas"]);
    }

    [Fact]
    public async Task Writes_to_status_change_only_status_and_keep_generation()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        var created = (await client.SendAsync(HttpMethod.Post, Policies, Json.Policy("shop", "checkout", 10))).Body;
        var body = (JsonObject)created.DeepClone();
        body["spec"]!["maxReplicas"] = 99;
        body["status"] = new JsonObject { ["desiredReplicas"] = 4 };

        var put = await client.SendAsync(HttpMethod.Put, Policies + "/checkout/status", body);

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(10, (int?)put.Body["spec"]!["maxReplicas"]);
        Assert.Equal(4, (int?)put.Body["status"]!["desiredReplicas"]);
        Assert.Equal(1, (long?)put.Body["metadata"]!["generation"]);
        Assert.True(Json.RvNumber(put.Body) > Json.RvNumber(created));
    }

    [Fact]
    public async Task Put_from_a_stale_resourceVersion_is_409_and_changes_nothing()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        var created = (await client.SendAsync(HttpMethod.Post, Policies, Json.Policy("shop", "checkout", 10))).Body;
        var first = (JsonObject)created.DeepClone();
        first["spec"]!["maxReplicas"] = 11;
        var second = (JsonObject)created.DeepClone();
        second["spec"]!["maxReplicas"] = 12;

        var won = await client.SendAsync(HttpMethod.Put, Policies + "/checkout", first);
        var lost = await client.SendAsync(HttpMethod.Put, Policies + "/checkout", second);
        var lostStatus = await client.SendAsync(HttpMethod.Put, Policies + "/checkout/status", second);

        Assert.Equal(HttpStatusCode.OK, won.Status);
        Assert.Equal(HttpStatusCode.Conflict, lost.Status);
        Assert.Equal(HttpStatusCode.Conflict, lostStatus.Status);
        Assert.Equal(11, (int?)api.CustomResource("scalingpolicies", "shop", "checkout")!["spec"]!["maxReplicas"]);
    }

    [Fact]
    public async Task Lists_carry_the_store_resourceVersion_in_one_namespace_and_across_namespaces()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        api.ApplyCustomResource(Json.Policy("shop", "checkout", 10));
        api.ApplyCustomResource(Json.Policy("bank", "ledger", 10));

        var shop = (await client.GetAsync(Policies)).Body;
        var all = (await client.GetAsync("/apis/observe.dev/v1alpha1/scalingpolicies")).Body;
        var storeVersion = api.ResourceVersion;
        var deleted = await client.SendAsync(HttpMethod.Delete, Policies + "/checkout");
        var gone = await client.GetAsync(Policies + "/checkout");

        Assert.Equal("ScalingPolicyList", (string?)shop["kind"]);
        Assert.Equal(storeVersion, Json.Rv(all));
        Assert.Equal(storeVersion, Json.Rv(shop));
        Assert.Single(shop["items"]!.AsArray());
        Assert.Equal("ScalingPolicy", (string?)shop["items"]![0]!["kind"]);
        Assert.Equal(["ledger", "checkout"], all["items"]!.AsArray().Select(i => (string?)i!["metadata"]!["name"]));
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
    }
}
