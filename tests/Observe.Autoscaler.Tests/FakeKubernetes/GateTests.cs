using System.Net;
using Observe.FakeKubernetes;

namespace Observe.Autoscaler.Tests.FakeKubernetes;

public sealed class GateTests
{
    [Fact]
    public async Task Request_without_bearer_token_is_401_with_an_Unauthorized_Status()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddDeployment("shop", "checkout", 2);
        using var client = new RawKubernetesClient(api);

        var (status, body) = await client.SendAsync(HttpMethod.Get, "/apis/apps/v1/namespaces/shop/deployments/checkout/scale", authenticated: false);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal("v1", (string?)body["apiVersion"]);
        Assert.Equal("Failure", (string?)body["status"]);
        Assert.Equal("Unauthorized", (string?)body["reason"]);
        Assert.Equal(401, (int?)body["code"]);
    }

    [Fact]
    public async Task Unknown_path_is_404_NotFound_Status()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);

        var (status, body) = await client.GetAsync("/apis/example.com/v1/namespaces/shop/widgets");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("NotFound", (string?)body["reason"]);
    }

    [Fact]
    public async Task FailNext_answers_that_many_requests_with_the_status_and_Retry_After_then_serves_again()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddDeployment("shop", "checkout", 2);
        using var client = new RawKubernetesClient(api);
        api.FailNext(2, 429, TimeSpan.FromSeconds(3));

        using var first = await client.SendRawAsync(HttpMethod.Get, "/apis/apps/v1/namespaces/shop/deployments/checkout/scale");
        using var second = await client.SendRawAsync(HttpMethod.Get, "/apis/apps/v1/namespaces/shop/deployments/checkout/scale");
        using var third = await client.SendRawAsync(HttpMethod.Get, "/apis/apps/v1/namespaces/shop/deployments/checkout/scale");

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), first.Headers.RetryAfter?.Delta);
        var body = Json.Parse(await first.Content.ReadAsStringAsync());
        Assert.Equal("TooManyRequests", (string?)body["reason"]);
        Assert.Equal(3, (int?)body["details"]!["retryAfterSeconds"]);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }
}
