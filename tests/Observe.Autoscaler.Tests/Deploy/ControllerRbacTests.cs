using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Tests.Deploy;

/// <summary>deploy/rbac/controller.yaml grants exactly what the controller uses, and deploy/controller.yaml runs under it.</summary>
public class ControllerRbacTests
{
    private static List<YamlMappingNode> Rbac() => DeployYaml.Documents("rbac", "controller.yaml");

    /// <summary>One rule as (API group, resource, verb, resource name or "" for any), one row per combination.</summary>
    private static HashSet<(string Group, string Resource, string Verb, string Name)> Grants(string kind) =>
        Rbac().Where(d => d.Text("kind") == kind)
            .SelectMany(role => role.Path("rules").Sequence())
            .SelectMany(rule =>
                from g in rule.Get("apiGroups").Texts()
                from r in rule.Get("resources").Texts()
                from v in rule.Get("verbs").Texts()
                from n in rule.Get("resourceNames") is null ? [""] : rule.Get("resourceNames").Texts()
                select (g, r, v, n))
            .ToHashSet();

    private static IEnumerable<(string, string, string, string)> Each(string apiGroup, string[] resources, string[] verbs, string name = "") =>
        from r in resources from v in verbs select (apiGroup, r, v, name);

    [Fact]
    public void The_cluster_role_grants_exactly_scale_pods_own_resources_events_and_hpas()
    {
        string[] own = ["scalingpolicies", "servicelevelobjectives"];
        var expected = Each("apps", ["deployments/scale", "statefulsets/scale"], ["get", "patch", "update"])
            .Concat(Each("", ["pods"], ["list"]))
            .Concat(Each("observe.dev", own, ["get", "list", "watch"]))
            .Concat(Each("observe.dev", [.. own.Select(o => o + "/status")], ["get", "patch", "update"]))
            .Concat(Each("events.k8s.io", ["events"], ["create", "patch"]))
            .Concat(Each("autoscaling", ["horizontalpodautoscalers"], ["list", "watch"]))
            .ToHashSet();
        Assert.Equal(expected.Order(), Grants("ClusterRole").Order());
    }

    [Fact]
    public void The_role_grants_only_the_controllers_lease_in_its_namespace()
    {
        var role = Assert.Single(Rbac(), d => d.Text("kind") == "Role");
        Assert.Equal("observe", role.Path("metadata").Text("namespace"));
        // create cannot be limited by name: the API authorizes it before the object has one.
        var expected = Each("coordination.k8s.io", ["leases"], ["create"])
            .Concat(Each("coordination.k8s.io", ["leases"], ["get", "update"], "observe-controller"))
            .ToHashSet();
        Assert.Equal(expected.Order(), Grants("Role").Order());
    }

    [Fact]
    public void No_rule_has_a_wildcard_or_names_secrets()
    {
        var rules = Rbac().Where(d => d.Text("kind") is "ClusterRole" or "Role").SelectMany(r => r.Path("rules").Sequence()).ToList();
        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            Assert.Null(rule.Get("nonResourceURLs"));
            var words = new[] { "apiGroups", "resources", "verbs", "resourceNames" }.SelectMany(k => rule.Get(k).Texts()).ToList();
            Assert.DoesNotContain(words, w => w.Contains('*', StringComparison.Ordinal));
            Assert.DoesNotContain(words, w => w.StartsWith("secrets", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Each_binding_gives_its_role_to_the_controllers_service_account()
    {
        var account = Assert.Single(Rbac(), d => d.Text("kind") == "ServiceAccount").Path("metadata");
        var bindings = Rbac().Where(d => d.Text("kind") is "ClusterRoleBinding" or "RoleBinding").ToList();
        Assert.Equal(2, bindings.Count);
        foreach (var binding in bindings)
        {
            var roleKind = binding.Text("kind") == "RoleBinding" ? "Role" : "ClusterRole";
            var roleRef = binding.Path("roleRef");
            Assert.Equal(roleKind, roleRef.Text("kind"));
            Assert.Contains(Rbac(), d => d.Text("kind") == roleKind && d.Path("metadata").Text("name") == roleRef.Text("name"));
            var subject = Assert.Single(binding.Path("subjects").Sequence());
            Assert.Equal(("ServiceAccount", account.Text("name"), account.Text("namespace")), (subject.Text("kind"), subject.Text("name"), subject.Text("namespace")));
        }
    }

    [Fact]
    public void The_deployment_runs_two_replicas_under_the_service_account_electing_in_the_roles_namespace()
    {
        var deployment = DeployYaml.Document("Deployment", "controller.yaml");
        var pod = deployment.Path("spec", "template", "spec");
        var container = Assert.Single(pod.Path("containers").Sequence());
        var args = container.Get("args").Texts();
        var role = Assert.Single(Rbac(), d => d.Text("kind") == "Role");

        Assert.Equal("2", deployment.Path("spec").Text("replicas"));
        Assert.Equal(Assert.Single(Rbac(), d => d.Text("kind") == "ServiceAccount").Path("metadata").Text("name"), pod.Text("serviceAccountName"));
        Assert.Equal(["./observe", "controller"], container.Get("command").Texts());
        Assert.Equal(role.Path("metadata").Text("namespace"), args[args.IndexOf("--lease-namespace") + 1]);
        Assert.Equal("http://clickhouse:8123", args[args.IndexOf("--store-url") + 1]);
        Assert.DoesNotContain("--kubeconfig", args);
        Assert.Equal("/api/v1/scaling/policies", container.Path("readinessProbe", "httpGet").Text("path"));
    }
}
