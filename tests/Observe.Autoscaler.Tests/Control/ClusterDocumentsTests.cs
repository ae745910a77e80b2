using System.Text.Json;
using Observe.Autoscaler.Control;
using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Tests.Control;

public sealed class ClusterDocumentsTests
{
    [Fact]
    public void A_policy_resource_reads_like_its_file_and_links_the_slos_of_its_namespace()
    {
        var policies = ClusterDocuments.Read([ControlResources.Policy("shop", "checkout", "checkout-latency")], [ControlResources.LatencySlo("shop", "checkout-latency", "1s", 0.999)]);

        var policy = Assert.Single(policies);
        Assert.Null(policy.Problem);
        Assert.Equal("shop/checkout", policy.Key);
        Assert.Equal(new ScaleTarget("apps/v1", "Deployment", "checkout", "shop"), policy.Policy!.Target);
        Assert.Equal("shop", policy.Policy.Namespace);
        Assert.Equal((2, 20, ScalingMode.Enforce), (policy.Policy.MinReplicas, policy.Policy.MaxReplicas, policy.Policy.Mode));
        Assert.Equal(new LatencyObjective(1.0, 0.999), policy.Objective);
        Assert.Equal(["checkout-latency"], policy.Slos.Select(s => s.Name));
    }

    [Fact]
    public void An_slo_of_another_namespace_is_not_linked_and_the_problem_names_the_resource()
    {
        var policies = ClusterDocuments.Read([ControlResources.Policy("shop", "checkout", "checkout-latency")], [ControlResources.LatencySlo("web", "checkout-latency", "1s", 0.999)]);

        var policy = Assert.Single(policies);
        Assert.Null(policy.Policy);
        Assert.Contains("scalingpolicies/shop/checkout:", policy.Problem);
        Assert.Contains("checkout-latency", policy.Problem);
    }

    [Fact]
    public void An_invalid_spec_is_a_problem_at_a_line_of_the_resource()
    {
        var bad = ControlResources.Policy("shop", "checkout", "checkout-latency", minReplicas: 5, maxReplicas: 2);

        var policy = Assert.Single(ClusterDocuments.Read([bad], [ControlResources.LatencySlo("shop", "checkout-latency", "1s", 0.999)]));

        Assert.Null(policy.Policy);
        Assert.Matches(@"scalingpolicies/shop/checkout:\d+:\d+: error: .*maxReplicas", policy.Problem);
    }

    [Fact]
    public void A_policy_protecting_no_latency_slo_is_refused_with_the_reason()
    {
        var availability = ControlResources.Resource("ServiceLevelObjective", "shop", "checkout-availability", """
            {"service":"checkout","indicator":{"metadata":{"name":"ok"},"spec":{"ratioMetric":{"counter":true,
              "bad":{"metricSource":{"type":"Observe","spec":{"status":["5xx"]} } },
              "total":{"metricSource":{"type":"Observe","spec":{"namespace":"shop","service":"checkout"} } } } } },
             "timeWindow":[{"duration":"30d","isRolling":true}],"budgetingMethod":"Occurrences","objectives":[{"target":0.999}]}
            """);

        var policy = Assert.Single(ClusterDocuments.Read([ControlResources.Policy("shop", "checkout", "checkout-availability")], [availability]));

        Assert.Null(policy.Policy);
        Assert.Contains("protects no latency SLO", policy.Problem);
    }

    [Fact]
    public void The_fingerprint_changes_with_the_spec_generation_and_the_slos_version_only()
    {
        var slo = ControlResources.LatencySlo("shop", "checkout-latency", "1s", 0.999);
        var first = ClusterDocuments.Read([ControlResources.Policy("shop", "checkout", "checkout-latency", generation: 1)], [slo]).Single().Fingerprint;
        var same = ClusterDocuments.Read([ControlResources.Policy("shop", "checkout", "checkout-latency", generation: 1, resourceVersion: "99")], [slo]).Single().Fingerprint;
        var respecified = ClusterDocuments.Read([ControlResources.Policy("shop", "checkout", "checkout-latency", generation: 2)], [slo]).Single().Fingerprint;
        var sloChanged = ClusterDocuments.Read([ControlResources.Policy("shop", "checkout", "checkout-latency", generation: 1)],
            [ControlResources.LatencySlo("shop", "checkout-latency", "500ms", 0.999, resourceVersion: "42")]).Single().Fingerprint;

        Assert.Equal(first, same);
        Assert.NotEqual(first, respecified);
        Assert.NotEqual(first, sloChanged);
    }

    [Fact]
    public void The_strictest_latency_objective_is_kept()
    {
        var policy = Assert.Single(ClusterDocuments.Read([ControlResources.Policy("shop", "checkout", "slow", "fast")],
            [ControlResources.LatencySlo("shop", "slow", "2s", 0.9999), ControlResources.LatencySlo("shop", "fast", "300ms", 0.99)]));

        Assert.Equal(new LatencyObjective(0.3, 0.99), policy.Objective);
    }
}

/// <summary>ScalingPolicy and ServiceLevelObjective resources as the API returns them.</summary>
internal static class ControlResources
{
    public static ResourceObject Policy(string ns, string name, params string[] slos) => Policy(ns, name, slos, 2, 20);

    public static ResourceObject Policy(string ns, string name, string slo, int minReplicas = 2, int maxReplicas = 20, long generation = 1, string resourceVersion = "10", string mode = "enforce", string tick = "15s") =>
        Policy(ns, name, [slo], minReplicas, maxReplicas, generation, resourceVersion, mode, tick);

    public static ResourceObject Policy(string ns, string name, string[] slos, int minReplicas, int maxReplicas, long generation = 1, string resourceVersion = "10", string mode = "enforce", string tick = "15s") =>
        Resource("ScalingPolicy", ns, name, $$"""
            {"targetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"{{name}}"},
             "slos":{{JsonSerializer.Serialize(slos)}},"minReplicas":{{minReplicas}},"maxReplicas":{{maxReplicas}},"mode":"{{mode}}","tick":"{{tick}}",
             "capacity":{"requestsPerReplica":10},"startup":{"delay":"5s","warmup":"0s"},
             "scaleDown":{"stabilisation":"60s"} }
            """, generation, resourceVersion);

    public static ResourceObject LatencySlo(string ns, string name, string bound, double target, string resourceVersion = "11") =>
        Resource("ServiceLevelObjective", ns, name, $$"""
            {"service":"checkout","indicator":{"metadata":{"name":"{{name}}-fast"},"spec":{"ratioMetric":{"counter":true,
              "good":{"metricSource":{"type":"Observe","spec":{"latency":{"le":"{{bound}}"} } } },
              "total":{"metricSource":{"type":"Observe","spec":{"namespace":"{{ns}}","service":"checkout"} } } } } },
             "timeWindow":[{"duration":"30d","isRolling":true}],"budgetingMethod":"Occurrences","objectives":[{"target":{{target}}}]}
            """, 1, resourceVersion);

    public static ResourceObject Resource(string kind, string ns, string name, string spec, long generation = 1, string resourceVersion = "11")
    {
        var json = JsonDocument.Parse($$"""
            {"apiVersion":"observe.dev/v1alpha1","kind":"{{kind}}",
             "metadata":{"name":"{{name}}","namespace":"{{ns}}","uid":"uid-{{ns}}-{{name}}","resourceVersion":"{{resourceVersion}}","generation":{{generation}},
                         "creationTimestamp":"2026-11-21T00:00:00Z","managedFields":[]},
             "spec":{{spec}} }
            """).RootElement.Clone();
        return new ResourceObject(new ObjectMeta(name, ns, $"uid-{ns}-{name}", resourceVersion, generation), json);
    }
}
