using System.Net;
using System.Text.Json.Nodes;
using Observe.FakeKubernetes;

namespace Observe.Autoscaler.Tests.FakeKubernetes;

public sealed class LeaseTests
{
    private const string Leases = "/apis/coordination.k8s.io/v1/namespaces/observe/leases";

    private static JsonObject Lease(string holder, string renewTime = "2026-11-21T10:00:00.000000Z") => new()
    {
        ["apiVersion"] = "coordination.k8s.io/v1",
        ["kind"] = "Lease",
        ["metadata"] = new JsonObject { ["name"] = "observe-controller" },
        ["spec"] = new JsonObject
        {
            ["holderIdentity"] = holder,
            ["leaseDurationSeconds"] = 15,
            ["acquireTime"] = "2026-11-21T10:00:00.000000Z",
            ["renewTime"] = renewTime,
            ["leaseTransitions"] = 0,
        },
    };

    [Fact]
    public async Task Missing_lease_is_404_the_first_create_wins_and_the_second_is_409_AlreadyExists()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);

        var missing = await client.GetAsync(Leases + "/observe-controller");
        var first = await client.SendAsync(HttpMethod.Post, Leases, Lease("a"));
        var second = await client.SendAsync(HttpMethod.Post, Leases, Lease("b"));

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("leases.coordination.k8s.io \"observe-controller\" not found", (string?)missing.Body["message"]);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Equal("AlreadyExists", (string?)second.Body["reason"]);
        Assert.Equal("a", (string?)api.Lease("observe", "observe-controller")!["spec"]!["holderIdentity"]);
    }

    [Fact]
    public async Task Of_two_renewals_from_the_same_read_only_the_first_lands()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        var read = (await client.SendAsync(HttpMethod.Post, Leases, Lease("a"))).Body;
        var renew = (JsonObject)read.DeepClone();
        renew["spec"]!["renewTime"] = "2026-11-21T10:00:05.000000Z";
        var takeOver = (JsonObject)read.DeepClone();
        takeOver["spec"]!["holderIdentity"] = "b";

        var renewed = await client.SendAsync(HttpMethod.Put, Leases + "/observe-controller", renew);
        var taken = await client.SendAsync(HttpMethod.Put, Leases + "/observe-controller", takeOver);

        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        Assert.Equal("2026-11-21T10:00:05.000000Z", (string?)renewed.Body["spec"]!["renewTime"]);
        Assert.Equal(HttpStatusCode.Conflict, taken.Status);
        Assert.Equal("Conflict", (string?)taken.Body["reason"]);
        Assert.Equal("a", (string?)api.Lease("observe", "observe-controller")!["spec"]!["holderIdentity"]);
    }

    [Fact]
    public async Task Lease_times_must_be_MicroTime_and_duration_positive()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        var zeroDuration = Lease("a");
        zeroDuration["spec"]!["leaseDurationSeconds"] = 0;

        var secondsOnly = await client.SendAsync(HttpMethod.Post, Leases, Lease("a", renewTime: "2026-11-21T10:00:00Z"));
        var invalid = await client.SendAsync(HttpMethod.Post, Leases, zeroDuration);

        Assert.Equal(HttpStatusCode.BadRequest, secondsOnly.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Status);
        Assert.Equal("spec.leaseDurationSeconds", (string?)invalid.Body["details"]!["causes"]![0]!["field"]);
        Assert.Null(api.Lease("observe", "observe-controller"));
    }
}
