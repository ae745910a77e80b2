using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Slo;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Tests.Deploy;

/// <summary>
/// deploy/examples/kubernetes/checkout-cr.yaml: valid against its CRDs, and the same policy and SLO
/// as the file examples it restates, when read back by Observe's own readers.
/// </summary>
public class CustomResourceExampleTests
{
    private static readonly string[] Example = ["examples", "kubernetes", "checkout-cr.yaml"];

    private static YamlMappingNode Slo() => DeployYaml.Document("ServiceLevelObjective", Example);

    private static YamlMappingNode Policy() => DeployYaml.Document("ScalingPolicy", Example);

    /// <summary>The resource as an OpenSLO document: its spec unchanged, its name and namespace kept.</summary>
    private static YamlMappingNode AsOpenSlo(YamlMappingNode resource)
    {
        var metadata = new YamlMappingNode();
        foreach (var key in new[] { "name", "namespace" }.Where(k => resource.Path("metadata").Get(k) is not null))
        {
            metadata.Add(key, resource.Path("metadata", key));
        }
        return new YamlMappingNode(
            new YamlScalarNode("apiVersion"), new YamlScalarNode("openslo/v1"),
            new YamlScalarNode("kind"), new YamlScalarNode("SLO"),
            new YamlScalarNode("metadata"), metadata,
            new YamlScalarNode("spec"), resource.Path("spec"));
    }

    private static SloDocumentSet ReadFiles() => SloDocuments.ReadPath(DeployYaml.PathOf("examples", "scaling"));

    private static SloDocumentSet ReadResources() =>
        SloDocuments.Read([new SloSource("checkout-cr.yaml", DeployYaml.Write(AsOpenSlo(Slo()), Policy()))]);

    [Fact]
    public void The_resources_read_as_documents_lint_clean()
    {
        var set = ReadResources();
        Assert.True(set.Findings.Count == 0, string.Join("\n", set.Findings));
        Assert.Single(set.Slos);
        Assert.Single(set.Policies);
    }

    [Fact]
    public void The_scaling_policy_resource_is_the_policy_of_the_example_file()
    {
        var file = Assert.Single(ReadFiles().Policies);
        var resource = Assert.Single(ReadResources().Policies);
        Assert.Equal(file.Slos, resource.Slos);
        Assert.Equal(file with { Slos = resource.Slos, Location = resource.Location }, resource);
    }

    [Fact]
    public void The_slo_resource_is_the_slo_of_the_example_file()
    {
        var file = Assert.Single(ReadFiles().Slos);
        var resource = Assert.Single(ReadResources().Slos);
        Assert.Equal((file.Name, file.DisplayName, file.Description, file.Service, file.Window, file.Budgeting, file.Format),
            (resource.Name, resource.DisplayName, resource.Description, resource.Service, resource.Window, resource.Budgeting, resource.Format));
        Assert.Equal(file.Objectives, resource.Objectives);
        Assert.Equal(file.Alerts, resource.Alerts);
        // The indicator's queries carry the line they were read at; the rest must agree.
        var (fileRatio, resourceRatio) = (Assert.IsType<RatioIndicator>(file.Indicator), Assert.IsType<RatioIndicator>(resource.Indicator));
        Assert.Equal((fileRatio.Name, fileRatio.CountsBad), (resourceRatio.Name, resourceRatio.CountsBad));
        AssertSameQuery(fileRatio.Total, resourceRatio.Total);
        AssertSameQuery(fileRatio.Counted, resourceRatio.Counted);
    }

    private static void AssertSameQuery(RequestQuery expected, RequestQuery actual)
    {
        Assert.Equal(expected.Selector, actual.Selector);
        Assert.Equal(expected.Condition.Statuses, actual.Condition.Statuses);
        Assert.Equal(expected.Condition.GrpcStatuses, actual.Condition.GrpcStatuses);
        Assert.Equal((expected.Condition.LatencyAtMost, expected.Condition.LatencyAbove), (actual.Condition.LatencyAtMost, actual.Condition.LatencyAbove));
    }

    [Theory]
    [InlineData("ScalingPolicy", "scalingpolicies.observe.dev.yaml")]
    [InlineData("ServiceLevelObjective", "servicelevelobjectives.observe.dev.yaml")]
    public void The_example_resource_validates_against_its_crd(string kind, string crd)
    {
        var errors = StructuralSchema.Validate(DeployYaml.Schema(crd), DeployYaml.Document(kind, Example));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [InlineData("spec.maxReplicas", "0")]
    [InlineData("spec.mode", "Enforce")]
    [InlineData("spec.tick", "15")]
    [InlineData("spec.tick", "1d")]
    [InlineData("spec.burst.holdFor", "-5s")]
    [InlineData("spec.slos", "[]")]
    [InlineData("spec.slos", "[Checkout_Latency]")]
    [InlineData("spec.prediction.seasonality", "[hourly]")]
    [InlineData("spec.scaleDown.maxPercent", "150")]
    [InlineData("spec.targetRef.replicas", "3")]
    [InlineData("spec.replicas", "3")]
    public void A_broken_policy_is_refused_by_the_crd_and_by_the_reader(string path, string value)
    {
        var policy = Policy();
        policy.Set(path, DeployYaml.Parse(value));
        Assert.NotEmpty(StructuralSchema.Validate(DeployYaml.Schema("scalingpolicies.observe.dev.yaml"), policy));
        var set = SloDocuments.Read([new SloSource("policy.yaml", DeployYaml.Write(policy))]);
        Assert.Contains(set.Findings, f => f.Severity == FindingSeverity.Error);
    }

    [Theory]
    [InlineData("spec.budgetingMethod", "Weekly")]
    [InlineData("spec.objectives", "[]")]
    [InlineData("spec.objectives", "[{target: 1}]")]
    [InlineData("spec.objectives", "[{targetPercent: 100}]")]
    [InlineData("spec.objectives", "[{target: 0.99, op: eq}]")]
    [InlineData("spec.objectives", "[{target: 0.99, timeSliceTarget: 1.5}]")]
    [InlineData("spec.timeWindow", "[{duration: 30 days}]")]
    [InlineData("spec.timeWindow", "[{duration: 30d}, {duration: 7d}]")]
    [InlineData("spec.indicator.spec.ratioMetric.total.metricSource.type", "Prometheus")]
    [InlineData("spec.indicator.spec.ratioMetric.total.metricSource.spec.source", "logs")]
    [InlineData("spec.indicator.spec.ratioMetric.good.metricSource.spec.latency", "{le: fast}")]
    [InlineData("spec.indicator.spec.ratioMetric.good.metricSource.spec.status", "[6xx]")]
    [InlineData("spec.indicator.spec.ratioMetric.raw", "{}")]
    [InlineData("spec.alertPolicy", "[]")]
    public void A_broken_slo_is_refused_by_the_crd_and_by_the_reader(string path, string value)
    {
        var slo = Slo();
        slo.Set(path, DeployYaml.Parse(value));
        Assert.NotEmpty(StructuralSchema.Validate(DeployYaml.Schema("servicelevelobjectives.observe.dev.yaml"), slo));
        var set = SloDocuments.Read([new SloSource("slo.yaml", DeployYaml.Write(AsOpenSlo(slo)))]);
        Assert.Contains(set.Findings, f => f.Severity == FindingSeverity.Error);
    }

    [Theory]
    [InlineData("scalingpolicies.observe.dev.yaml")]
    [InlineData("servicelevelobjectives.observe.dev.yaml")]
    public void The_crd_schema_is_structural_and_uses_only_keywords_the_validator_knows(string crd)
    {
        var problems = new List<string>();
        CheckStructural(DeployYaml.Schema(crd), "openAPIV3Schema", problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Every node has a type, except int-or-string and preserve-unknown-fields nodes; no keyword outside the validator's list.</summary>
    private static void CheckStructural(YamlNode schema, string path, List<string> problems)
    {
        problems.AddRange(schema.Keys().Where(k => !StructuralSchema.Keywords.Contains(k)).Select(k => $"{path}: keyword `{k}`"));
        var intOrString = schema.Text("x-kubernetes-int-or-string") == "true";
        if (schema.Text("type") is null && !intOrString && schema.Text("x-kubernetes-preserve-unknown-fields") != "true")
        {
            problems.Add($"{path}: no type");
        }
        if (intOrString && schema.Text("type") is not null)
        {
            problems.Add($"{path}: int-or-string with a type");
        }
        foreach (var (key, child) in schema.Get("properties").Entries())
        {
            CheckStructural(child, $"{path}.{key}", problems);
        }
        foreach (var key in new[] { "items", "additionalProperties" })
        {
            if (schema.Get(key) is YamlMappingNode child)
            {
                CheckStructural(child, $"{path}.{key}", problems);
            }
        }
    }
}
