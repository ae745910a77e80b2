using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Slo;
using static Observe.Autoscaler.Tests.Scaling.Reading.PolicyText;
using static Observe.Autoscaler.Tests.Slo.SloText;

namespace Observe.Autoscaler.Tests.Scaling.Reading;

public class ScalingPolicyReaderTests
{
    private static string Examples([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../../../deploy/examples/scaling"));

    private static ScalingPolicy ReadOne(string yaml)
    {
        var set = Read(yaml);
        Assert.True(set.Findings.Count == 0, string.Join("\n", set.Findings));
        return Assert.Single(set.Policies);
    }

    /// <summary>Records compare lists by reference: the SLO names are compared by content, the rest as a record.</summary>
    private static void AssertPolicy(ScalingPolicy expected, ScalingPolicy actual)
    {
        Assert.Equal(expected.Slos, actual.Slos);
        Assert.Equal(expected, actual with { Slos = expected.Slos });
    }

    [Fact]
    public void The_example_directory_lints_clean()
    {
        var set = SloDocuments.ReadPath(Examples());
        Assert.True(set.Findings.Count == 0, string.Join("\n", set.Findings));
        Assert.Equal(["checkout-latency"], set.Slos.Select(s => s.Name));
        Assert.Equal(["checkout"], set.Policies.Select(p => p.Name));
    }

    [Fact]
    public void The_example_reads_as_the_policy_its_comments_describe()
    {
        var file = Path.Combine(Examples(), "checkout-policy.yaml");
        var policy = Assert.Single(SloDocuments.ReadPath(file).Policies);
        AssertPolicy(new ScalingPolicy(
            "checkout", "shop", new ScaleTarget("apps/v1", "Deployment", "checkout", "shop"), ["checkout-latency"], 2, 60, 16,
            new PodStartup(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), 0.5),
            new BurstSettings(2.0, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60)),
            new ScaleUpSettings(100, 4, TimeSpan.FromSeconds(15)),
            new ScaleDownSettings(TimeSpan.FromSeconds(180), 20, 2, TimeSpan.FromSeconds(60)),
            new PredictionSettings(true, null, TimeSpan.FromMinutes(5), Daily: true, Weekly: true, MinSeasons: 2),
            new HeadroomSettings(0.05, 0.5),
            ScalingMode.Enforce, TimeSpan.FromSeconds(5), new SourceLocation(file, 4, 1)), policy);
        // Unset, the horizon covers a replica's start-up, its warm-up and the next tick.
        Assert.Equal(TimeSpan.FromSeconds(95), policy.Horizon);
    }

    [Fact]
    public void The_block_written_policy_reads_like_the_example()
    {
        var example = SloDocuments.ReadPath(Path.Combine(Examples(), "checkout-policy.yaml")).Policies.Single();
        AssertPolicy(example with { Location = new SourceLocation(FileName, 1, 1) }, ReadOne(Full));
    }

    [Fact]
    public void Only_the_required_fields_give_the_defaults()
    {
        AssertPolicy(new ScalingPolicy(
            "orders", null, new ScaleTarget("apps/v1", "StatefulSet", "orders", null), ["orders-availability"], 1, 10, null,
            new PodStartup(TimeSpan.FromSeconds(30), TimeSpan.Zero, 0.5),
            new BurstSettings(2.0, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60)),
            new ScaleUpSettings(100, 4, TimeSpan.FromSeconds(15)),
            new ScaleDownSettings(TimeSpan.FromSeconds(180), 20, 2, TimeSpan.FromSeconds(60)),
            new PredictionSettings(true, null, TimeSpan.FromMinutes(5), Daily: true, Weekly: true, MinSeasons: 2),
            new HeadroomSettings(0.05, 0.5),
            ScalingMode.Enforce, TimeSpan.FromSeconds(15), new SourceLocation(FileName, 1, 1)), ReadOne(Minimal));
    }

    [Fact]
    public void The_target_namespace_defaults_to_the_policy_namespace()
    {
        var policy = ReadOne(Full.Replace("    name: checkout\n    namespace: shop\n", "    name: checkout\n", StringComparison.Ordinal));
        Assert.Equal(new ScaleTarget("apps/v1", "Deployment", "checkout", "shop"), policy.Target);
    }

    [Fact]
    public void A_target_namespace_of_its_own_wins() =>
        Assert.Equal("payments", ReadOne(Full.Replace("    namespace: shop\n  slos", "    namespace: payments\n  slos", StringComparison.Ordinal)).Target.Namespace);

    [Fact]
    public void The_American_spelling_of_stabilisation_reads_without_a_finding() =>
        Assert.Equal(TimeSpan.FromMinutes(2), ReadOne(Full.Replace("stabilisation: 180s", "stabilization: 2m", StringComparison.Ordinal)).ScaleDown.Stabilisation);

    [Theory]
    [InlineData("[]", false, false)]
    [InlineData("[weekly]", false, true)]
    [InlineData("[daily]", true, false)]
    [InlineData("[daily, weekly]", true, true)]
    public void Seasonality_lists_the_profiles_used(string seasonality, bool daily, bool weekly)
    {
        var prediction = ReadOne(Full.Replace("seasonality: [daily, weekly]", $"seasonality: {seasonality}", StringComparison.Ordinal)).Prediction;
        Assert.Equal((daily, weekly), (prediction.Daily, prediction.Weekly));
    }

    [Fact]
    public void Dry_run_an_explicit_horizon_and_Go_durations()
    {
        var policy = ReadOne(Full
            .Replace("mode: enforce", "mode: dryRun", StringComparison.Ordinal)
            .Replace("tick: 5s", "tick: 1m30s", StringComparison.Ordinal)
            .Replace("delay: 60s", "delay: 1.5s", StringComparison.Ordinal)
            .Replace("warmup: 30s", "warmup: 0", StringComparison.Ordinal)
            .Replace("enabled: true", "enabled: true\n    horizon: 2m", StringComparison.Ordinal));
        Assert.Equal(ScalingMode.DryRun, policy.Mode);
        Assert.Equal(TimeSpan.FromSeconds(90), policy.Tick);
        Assert.Equal(new PodStartup(TimeSpan.FromMilliseconds(1500), TimeSpan.Zero, 0.5), policy.Startup);
        Assert.Equal(TimeSpan.FromMinutes(2), policy.Prediction.Horizon);
        Assert.Equal(TimeSpan.FromMinutes(2), policy.Horizon);
    }

    [Fact]
    public void A_custom_kind_is_a_warning_and_the_policy_still_loads()
    {
        var yaml = Full.Replace("kind: Deployment", "kind: Rollout", StringComparison.Ordinal).Replace("apiVersion: apps/v1", "apiVersion: argoproj.io/v1alpha1", StringComparison.Ordinal);
        var set = Read(yaml);
        var warning = Assert.Single(set.Findings);
        Assert.Equal(FindingSeverity.Warning, warning.Severity);
        Assert.Equal(Pos(yaml, "Rollout"), warning.Location);
        Assert.Contains("/scale subresource", warning.Message, StringComparison.Ordinal);
        Assert.Equal(new ScaleTarget("argoproj.io/v1alpha1", "Rollout", "checkout", "shop"), Assert.Single(set.Policies).Target);
    }

    [Fact]
    public void Policies_and_slos_in_one_file_both_load()
    {
        var set = Read(Set(Ratio, Full.Replace("checkout-latency", "checkout-availability", StringComparison.Ordinal)));
        Assert.Empty(set.Findings);
        Assert.Equal("checkout-availability", Assert.Single(set.Slos).Name);
        Assert.Equal(["checkout-availability"], Assert.Single(set.Policies).Slos);
    }
}
