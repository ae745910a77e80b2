using System.Net;
using System.Text.Json.Nodes;
using Observe.FakeKubernetes;

namespace Observe.Autoscaler.Tests.FakeKubernetes;

public sealed class EventTests
{
    private const string Events = "/apis/events.k8s.io/v1/namespaces/shop/events";

    private static JsonObject Event() => new()
    {
        ["apiVersion"] = "events.k8s.io/v1",
        ["kind"] = "Event",
        ["metadata"] = new JsonObject { ["name"] = "checkout.scaled-1", ["namespace"] = "shop" },
        ["regarding"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = "checkout", ["namespace"] = "shop" },
        ["type"] = "Normal",
        ["reason"] = "ScaledUp",
        ["action"] = "Scale",
        ["note"] = "2 -> 4 replicas: burn rate 14.4 over 5m",
        ["eventTime"] = "2026-11-21T10:00:00.000000Z",
        ["reportingController"] = "observe.dev/autoscaler",
        ["reportingInstance"] = "observe-0",
    };

    [Fact]
    public async Task A_complete_event_is_created_and_recorded()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);

        var (status, body) = await client.SendAsync(HttpMethod.Post, Events, Event());

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.NotNull((string?)body["metadata"]!["uid"]);
        var recorded = Assert.Single(api.Events);
        Assert.Equal("ScaledUp", (string?)recorded["reason"]);
    }

    [Theory]
    [InlineData("reportingController")]
    [InlineData("reportingInstance")]
    [InlineData("action")]
    [InlineData("reason")]
    [InlineData("eventTime")]
    [InlineData("regarding")]
    public async Task An_event_without_a_required_field_is_422_Invalid_naming_it(string field)
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        var incomplete = Event();
        incomplete.Remove(field);

        var (status, body) = await client.SendAsync(HttpMethod.Post, Events, incomplete);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("Invalid", (string?)body["reason"]);
        Assert.Contains(body["details"]!["causes"]!.AsArray(), c => (string?)c!["field"] == field);
        Assert.Empty(api.Events);
    }

    [Fact]
    public async Task An_event_type_other_than_Normal_or_Warning_is_422()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        var odd = Event();
        odd["type"] = "Info";

        var (status, body) = await client.SendAsync(HttpMethod.Post, Events, odd);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("type", (string?)body["details"]!["causes"]![0]!["field"]);
    }

    [Fact]
    public async Task A_core_v1_event_is_accepted_too()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        var core = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["generateName"] = "checkout." },
            ["involvedObject"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = "checkout", ["namespace"] = "shop" },
            ["type"] = "Warning",
            ["reason"] = "ConflictingHpa",
            ["message"] = "an HPA also scales this Deployment",
        };

        var (status, _) = await client.SendAsync(HttpMethod.Post, "/api/v1/namespaces/shop/events", core);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("ConflictingHpa", (string?)Assert.Single(api.Events)["reason"]);
    }
}
