using System.Net;
using Observe.FakeKubernetes;

namespace Observe.Autoscaler.Tests.FakeKubernetes;

public sealed class HpaTests
{
    [Fact]
    public async Task HPAs_are_listed_per_namespace_and_across_namespaces_with_their_scale_target()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        api.AddHpa("shop", "checkout", "Deployment", "checkout");
        api.AddHpa("bank", "ledger", "StatefulSet", "ledger");

        var shop = await client.GetAsync("/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers");
        var all = await client.GetAsync("/apis/autoscaling/v2/horizontalpodautoscalers");
        var write = await client.SendAsync(HttpMethod.Post, "/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers", new System.Text.Json.Nodes.JsonObject());

        Assert.Equal(HttpStatusCode.OK, shop.Status);
        Assert.Equal("HorizontalPodAutoscalerList", (string?)shop.Body["kind"]);
        Assert.Equal("autoscaling/v2", (string?)shop.Body["apiVersion"]);
        var target = Assert.Single(shop.Body["items"]!.AsArray())!["spec"]!["scaleTargetRef"]!;
        Assert.Equal("apps/v1", (string?)target["apiVersion"]);
        Assert.Equal("Deployment", (string?)target["kind"]);
        Assert.Equal("checkout", (string?)target["name"]);
        Assert.Equal(2, all.Body["items"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, write.Status);
    }
}
