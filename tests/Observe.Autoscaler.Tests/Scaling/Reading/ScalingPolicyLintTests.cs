using Observe.Autoscaler.Slo;
using static Observe.Autoscaler.Tests.Scaling.Reading.PolicyText;
using static Observe.Autoscaler.Tests.Slo.SloText;

namespace Observe.Autoscaler.Tests.Scaling.Reading;

/// <summary>Each problem in one policy is one error, at the node it is about, saying what to write instead.</summary>
public class ScalingPolicyLintTests
{
    private static Finding ErrorAt(string yaml, string marker, string? after = null)
    {
        var set = Read(yaml);
        var error = SingleError(set);
        Assert.Equal(Pos(yaml, marker, after), error.Location);
        Assert.Empty(set.Policies);
        return error;
    }

    private static string Broken(string old, string replacement)
    {
        Assert.Contains(old, Full, StringComparison.Ordinal);
        return Full.Replace(old, replacement, StringComparison.Ordinal);
    }

    [Fact]
    public void The_base_policy_is_clean() => Assert.Empty(Read(Full).Findings);

    [Theory]
    // Unknown keys, with the key meant.
    [InlineData("  tick: 5s", "  tcik: 5s", "tcik", null, "did you mean `tick`?")]
    [InlineData("    period: 15s", "    perod: 15s", "perod", null, "did you mean `period`?")]
    [InlineData("    namespace: shop\n  slos", "    namepsace: shop\n  slos", "namepsace", null, "did you mean `namespace`?")]
    // Wrong types.
    [InlineData("minReplicas: 2", "minReplicas: two", "two", null, "must be a number, e.g. `1`")]
    [InlineData("maxPods: 4", "maxPods: 4.5", "4.5", null, "must be a whole number, e.g. `4`")]
    [InlineData("enabled: true", "enabled: yes", "yes", null, "must be `true` or `false`")]
    [InlineData("slos: [checkout-latency]", "slos: checkout-latency", "checkout-latency", null, "must be a list")]
    [InlineData("tick: 5s", "tick: {seconds: 5}", "{seconds", null, "must be a single value")]
    [InlineData("  startup:\n    delay: 60s\n    warmup: 30s\n    warmupStartFactor: 0.5", "  startup: 60s", "60s", "startup", "must be a mapping")]
    // Durations that do not parse.
    [InlineData("tick: 5s", "tick: 5 sec", "5 sec", null, "is not a duration: write a number and a unit ms, s, m or h")]
    [InlineData("delay: 60s", "delay: 60", "60", "delay", "has no unit: write e.g. `60s`")]
    // Ranges.
    [InlineData("minReplicas: 2", "minReplicas: 0", "0", "minReplicas", "is 0, and must be at least 1")]
    [InlineData("tick: 5s", "tick: 6m", "6m", null, "is 6m, and must be above 0s and at most 5m: write e.g. `15s`")]
    [InlineData("tick: 5s", "tick: 0s", "0s", "tick: 0s", "must be above 0s and at most 5m")]
    [InlineData("requestsPerReplica: 16", "requestsPerReplica: 0", "0", "requestsPerReplica", "must be above 0")]
    [InlineData("delay: 60s", "delay: -1s", "-1s", null, "must be at least 0s")]
    [InlineData("warmup: 30s", "warmup: -30s", "-30s", null, "must be at least 0s")]
    [InlineData("warmupStartFactor: 0.5", "warmupStartFactor: 1.5", "1.5", null, "must be above 0 and at most 1: write e.g. `0.5`")]
    [InlineData("warmupStartFactor: 0.5", "warmupStartFactor: 0", "0", "warmupStartFactor", "must be above 0 and at most 1")]
    [InlineData("threshold: 2.0", "threshold: 1", "1", "threshold", "must be above 1: write e.g. `2`")]
    [InlineData("window: 10s", "window: 0s", "0s", "window: 0s", "must be above 0s")]
    [InlineData("holdFor: 60s", "holdFor: -5s", "-5s", null, "must be at least 0s")]
    [InlineData("maxPercent: 100", "maxPercent: 0", "0", "maxPercent: 0", "must be above 0")]
    [InlineData("maxPods: 4", "maxPods: 0", "0", "maxPods: 0", "must be at least 1")]
    [InlineData("period: 15s", "period: 0s", "0s", "period: 0s", "must be above 0s")]
    [InlineData("stabilisation: 180s", "stabilisation: -1s", "-1s", null, "must be at least 0s")]
    [InlineData("maxPercent: 20", "maxPercent: 120", "120", null, "must be above 0 and at most 100")]
    [InlineData("maxPods: 2", "maxPods: 0", "0", "maxPods: 0", "must be at least 1")]
    [InlineData("period: 60s", "period: 0s", "0s", "period: 0s", "must be above 0s")]
    [InlineData("enabled: true", "enabled: true\n    horizon: 0s", "0s", "horizon", "must be above 0s")]
    [InlineData("trendWindow: 5m", "trendWindow: 0s", "0s", "trendWindow: 0s", "must be above 0s: write e.g. `5m`")]
    [InlineData("minSeasons: 2", "minSeasons: 0", "0", "minSeasons", "must be at least 1: write e.g. `2`")]
    [InlineData("min: 0.05", "min: -0.1", "-0.1", null, "must be at least 0")]
    [InlineData("max: 0.5", "max: 5", "5", "max: 5", "must be at most 4")]
    // Rules between two values: the error is at the one written last in the rule.
    [InlineData("maxReplicas: 60", "maxReplicas: 1", "1", "maxReplicas", "`maxReplicas` (1) is below `minReplicas` (2): write a maxReplicas of at least 2")]
    [InlineData("window: 10s", "window: 60s", "60s", "window:", "must be shorter than `stableWindow` (60s)")]
    [InlineData("max: 0.5", "max: 0.01", "0.01", null, "below `min` (0.05): write a max of at least 0.05")]
    // Values outside a fixed set, with the one meant.
    [InlineData("mode: enforce", "mode: Enforce", "Enforce", null, "did you mean `enforce`? Write one of `enforce`, `dryRun`")]
    [InlineData("mode: enforce", "mode: dry-run", "dry-run", null, "did you mean `dryRun`?")]
    [InlineData("seasonality: [daily, weekly]", "seasonality: [daily, weekyl]", "weekyl", null, "did you mean `weekly`?")]
    [InlineData("seasonality: [daily, weekly]", "seasonality: [hourly]", "hourly", null, "write one of `daily`, `weekly`")]
    // Names.
    [InlineData("    name: checkout\n    namespace", "    name: Checkout_v2\n    namespace", "Checkout_v2", null, "is not a valid name")]
    [InlineData("slos: [checkout-latency]", "slos: [Checkout Latency]", "Checkout Latency", null, "is not a valid name")]
    [InlineData("slos: [checkout-latency]", "slos: []", "[]", null, "`slos` in `spec` is empty: name at least one SLO")]
    // Required fields: the error is at the start of the mapping that lacks them.
    [InlineData("  targetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: checkout\n    namespace: shop\n", "", "slos:", null, "`spec` has no `targetRef`: write e.g. `targetRef: {kind: Deployment, name: checkout}`")]
    [InlineData("    kind: Deployment\n", "", "apiVersion: apps/v1", null, "`spec.targetRef` has no `kind`: write e.g. `kind: Deployment`")]
    [InlineData("    name: checkout\n    namespace", "    namespace", "apiVersion: apps/v1", null, "`spec.targetRef` has no `name`")]
    [InlineData("  slos: [checkout-latency]\n", "", "targetRef", null, "`spec` has no `slos`: write e.g. `slos: [checkout-latency]`")]
    [InlineData("  maxReplicas: 60\n", "", "targetRef", null, "`spec` has no `maxReplicas`: write e.g. `maxReplicas: 10`")]
    [InlineData("  name: checkout\n  namespace: shop\n", "  namespace: shop\n", "namespace: shop", null, "has no `name`")]
    // A ScalingPolicy under another apiVersion.
    [InlineData("apiVersion: observe.dev/v1alpha1", "apiVersion: observe.dev/v1", "observe.dev/v1", null, "write `apiVersion: observe.dev/v1alpha1`")]
    public void Error_at_the_offending_node(string old, string replacement, string marker, string? after, string says)
    {
        var error = ErrorAt(Broken(old, replacement), marker, after);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_point_at_exact_lines_and_columns()
    {
        Assert.Equal(new SourceLocation(FileName, 14, 16), ErrorAt(Broken("maxReplicas: 60", "maxReplicas: 1"), "1", "maxReplicas").Location);
        Assert.Equal(new SourceLocation(FileName, 38, 14), ErrorAt(Broken("enabled: true", "enabled: ja"), "ja").Location);
        Assert.Equal(new SourceLocation(FileName, 8, 5), ErrorAt(Broken("    kind: Deployment\n", ""), "apiVersion: apps/v1").Location);
    }

    [Fact]
    public void A_stable_window_under_the_default_short_window_is_reported_at_the_stable_window()
    {
        var yaml = Broken("    window: 10s\n    stableWindow: 60s", "    stableWindow: 5s");
        var error = ErrorAt(yaml, "5s", "stableWindow");
        Assert.Contains("must be longer than `window` (10s, the default)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_minimum_headroom_above_the_default_maximum_is_reported_at_the_minimum()
    {
        var error = ErrorAt(Broken("    min: 0.05\n    max: 0.5", "    min: 0.8"), "0.8");
        Assert.Contains("above `max` (0.5, the default)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_spellings_of_stabilisation_are_reported_at_the_second()
    {
        var error = ErrorAt(Broken("stabilisation: 180s", "stabilisation: 180s\n    stabilization: 180s"), "stabilization");
        Assert.Contains("keep one", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_kind_suggests_ScalingPolicy()
    {
        var error = ErrorAt(Broken("kind: ScalingPolicy", "kind: ScalingPolcy"), "ScalingPolcy");
        Assert.Contains("did you mean `ScalingPolicy`?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_one_policy_is_reported_not_only_the_first()
    {
        var yaml = Broken("tick: 5s", "tick: 6m")
            .Replace("    period: 15s", "    perod: 15s", StringComparison.Ordinal)
            .Replace("minSeasons: 2", "minSeasons: 0", StringComparison.Ordinal);
        var set = Read(yaml);
        Assert.Equal(
            [Pos(yaml, "6m"), Pos(yaml, "perod"), Pos(yaml, "0", "minSeasons")],
            set.Findings.Select(f => f.Location));
        Assert.Empty(set.Policies);
    }
}
