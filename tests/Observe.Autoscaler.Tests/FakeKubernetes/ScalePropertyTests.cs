using System.Net;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Observe.FakeKubernetes;

namespace Observe.Autoscaler.Tests.FakeKubernetes;

public sealed class ScalePropertyTests
{
    private const string Scale = "/apis/apps/v1/namespaces/shop/deployments/checkout/scale";

    /// <summary>
    /// Any sequence of writes, each from the current version or from an older one: only writes from
    /// the current version land, a landing write that changes the count takes a higher version, and
    /// one that does not keeps it.
    /// </summary>
    [Fact]
    public async Task Only_writes_from_the_current_resourceVersion_land_and_versions_only_grow()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = new RawKubernetesClient(api);
        var writes =
            from count in Gen.Choose(1, 6)
            from steps in Gen.ListOf(
                from replicas in Gen.Choose(0, 4)
                from stale in Gen.Elements(true, false)
                select (Replicas: replicas, Stale: stale), count)
            select steps.ToList();
        var name = 0;

        Prop.ForAll(Arb.From(writes), steps =>
        {
            // 30 cases of real HTTP keep this under a second; a fresh Deployment per case, so cases do not see each other's versions.
            var path = Scale.Replace("checkout", $"w{++name}", StringComparison.Ordinal);
            api.AddDeployment("shop", $"w{name}", 1);
            var current = client.GetAsync(path).GetAwaiter().GetResult().Body;
            var older = new List<string>();
            foreach (var (replicas, stale) in steps)
            {
                var version = stale && older.Count > 0 ? older[^1] : Json.Rv(current);
                var (status, body) = client.SendAsync(HttpMethod.Patch, path,
                    new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = version }, ["spec"] = new JsonObject { ["replicas"] = replicas } },
                    "application/merge-patch+json").GetAwaiter().GetResult();
                var fromCurrent = version == Json.Rv(current);
                if (status != (fromCurrent ? HttpStatusCode.OK : HttpStatusCode.Conflict))
                {
                    return false;
                }
                if (!fromCurrent)
                {
                    continue;
                }
                var changed = (int)current["spec"]!["replicas"]! != replicas;
                if (changed ? Json.RvNumber(body) <= Json.RvNumber(current) : Json.Rv(body) != Json.Rv(current))
                {
                    return false;
                }
                if (changed)
                {
                    older.Add(Json.Rv(current));
                }
                current = body;
            }
            return (int)current["spec"]!["replicas"]! == api.Replicas("Deployment", "shop", $"w{name}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(30));
    }
}
