using Observe.Autoscaler.Slo;
using static Observe.Autoscaler.Tests.Scaling.Reading.PolicyText;
using static Observe.Autoscaler.Tests.Slo.SloText;

namespace Observe.Autoscaler.Tests.Scaling.Reading;

/// <summary>What only the whole set of documents can tell: names, targets and SLOs across policies and files.</summary>
public class ScalingPolicySetTests
{
    private const string LatencySlo = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-latency
        spec:
          service: checkout
          indicator:
            spec:
              ratioMetric:
                good:
                  metricSource:
                    type: Observe
                    spec:
                      latency: {le: 500ms}
                total:
                  metricSource:
                    type: Observe
                    spec:
                      service: checkout
          budgetingMethod: Occurrences
          objectives:
            - target: 0.999
        """;

    [Fact]
    public void A_second_policy_of_the_same_name_is_an_error_at_its_name()
    {
        var yaml = Set(Full, Another("checkout", "cart"));
        var set = Read(yaml);
        var error = SingleError(set);
        Assert.Equal(Pos(yaml, "checkout", "---\n"), error.Location);
        Assert.Contains("a second ScalingPolicy named `checkout` (the first is at slos.yaml:4:9)", error.Message, StringComparison.Ordinal);
        Assert.Equal(["checkout"], set.Policies.Select(p => p.Target.Name));
    }

    [Fact]
    public void Duplicate_names_across_files_are_found()
    {
        var set = SloDocuments.Read([new SloSource("a.yaml", Full), new SloSource("b.yaml", Full.Replace("name: checkout\n  namespace: shop", "name: checkout\n  namespace: staging", StringComparison.Ordinal))]);
        var error = SingleError(set);
        Assert.Equal(new SourceLocation("b.yaml", 4, 9), error.Location);
        Assert.Single(set.Policies);
    }

    [Fact]
    public void Two_policies_for_one_workload_warn_at_the_second_target()
    {
        var yaml = Set(Full, Another("checkout-too", "checkout"));
        var set = Read(yaml);
        var warning = Assert.Single(set.Findings);
        Assert.Equal(FindingSeverity.Warning, warning.Severity);
        Assert.Equal(Pos(yaml, "targetRef", "checkout-too"), warning.Location);
        Assert.Contains("Deployment `shop/checkout` is also the target of ScalingPolicy `checkout`", warning.Message, StringComparison.Ordinal);
        Assert.Equal(["checkout", "checkout-too"], set.Policies.Select(p => p.Name));
    }

    [Fact]
    public void The_same_name_in_another_namespace_is_another_workload()
    {
        var yaml = Set(Full, Another("checkout-staging", "checkout").Replace("namespace: shop", "namespace: staging", StringComparison.Ordinal));
        var set = Read(yaml);
        Assert.Empty(set.Findings);
        Assert.Equal(2, set.Policies.Count);
    }

    [Fact]
    public void An_slo_missing_from_a_set_that_holds_slos_is_a_warning_with_the_name_meant()
    {
        var yaml = Set(LatencySlo, Full.Replace("slos: [checkout-latency]", "slos: [checkout-latency, checkout-latncy]", StringComparison.Ordinal));
        var set = Read(yaml);
        var warning = Assert.Single(set.Findings);
        Assert.Equal(FindingSeverity.Warning, warning.Severity);
        Assert.Equal(Pos(yaml, "checkout-latncy"), warning.Location);
        Assert.Equal("SLO `checkout-latncy` is not in these files (it may be in others): did you mean `checkout-latency`?", warning.Message);
        // A warning: the policy loads, since the SLO may live in files read elsewhere.
        Assert.Equal(["checkout-latency", "checkout-latncy"], Assert.Single(set.Policies).Slos);
    }

    [Fact]
    public void Slos_named_in_other_files_of_the_set_resolve()
    {
        var set = SloDocuments.Read([new SloSource("policy.yaml", Full), new SloSource("slo.yaml", LatencySlo)]);
        Assert.Empty(set.Findings);
        Assert.Single(set.Policies);
        Assert.Single(set.Slos);
    }

    [Fact]
    public void A_set_without_slos_does_not_check_slo_names() =>
        Assert.Empty(Read(Full.Replace("checkout-latency", "somewhere-else", StringComparison.Ordinal)).Findings);

    [Fact]
    public void A_policy_with_errors_still_takes_part_in_the_set_checks()
    {
        // The first policy is broken (tick too long), yet a second one of its name is still reported.
        var yaml = Set(Full.Replace("tick: 5s", "tick: 6m", StringComparison.Ordinal), Another("checkout", "cart"));
        var set = Read(yaml);
        Assert.Equal([Pos(yaml, "6m"), Pos(yaml, "checkout", "---\n")], set.Findings.Select(f => f.Location));
        Assert.Empty(set.Policies);
    }

    [Fact]
    public void A_slo_document_of_another_kind_is_not_mistaken_for_a_policy()
    {
        var set = Read(Set(Ratio, Minimal));
        Assert.Equal(["checkout-availability"], set.Slos.Select(s => s.Name));
        Assert.Equal(["orders"], set.Policies.Select(p => p.Name));
        // orders-availability is not among the set's SLOs.
        Assert.Equal(FindingSeverity.Warning, Assert.Single(set.Findings).Severity);
    }
}
