using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Simulation;
using Observe.Autoscaler.Slo;
using Observe.Collector.Simulate;

namespace Observe.Collector.Tests.Simulate;

/// <summary>What the options and the policy make of the workload model and the scalers.</summary>
public sealed class SimulationPlanTests
{
    private static readonly ScalingPolicy Policy = new("checkout", "shop", new ScaleTarget("apps/v1", "Deployment", "checkout", null), ["checkout-latency"],
        MinReplicas: 3, MaxReplicas: 40, CapacityHint: null, new PodStartup(TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(90), 0.25),
        new BurstSettings(2, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60)),
        new ScaleUpSettings(100, 4, TimeSpan.FromSeconds(15)), new ScaleDownSettings(TimeSpan.FromMinutes(5), 100, 4, TimeSpan.FromSeconds(15)),
        new PredictionSettings(true, null, TimeSpan.FromMinutes(10), true, true, 2), new HeadroomSettings(0.1, 0.5), ScalingMode.Enforce,
        TimeSpan.FromSeconds(15), new SourceLocation("policy.yaml", 1, 1));

    private static SimulateSettings Settings(params string[] overrides)
    {
        var raw = new SimulateSettings.Raw(null, "half-capacity", "policy.yaml", null, null, null, "hpa,kpa,oracle", null, false, 1, 20, "500ms", 99.9, null, null, 256, 0.7);
        for (var i = 0; i < overrides.Length; i += 2)
        {
            raw = overrides[i] switch
            {
                "--case" => raw with { Case = overrides[i + 1] },
                "--from" => raw with { From = overrides[i + 1] },
                "--baselines" => raw with { Baselines = overrides[i + 1] },
                "--startup-delay" => raw with { StartupDelay = overrides[i + 1] },
                "--warmup" => raw with { Warmup = overrides[i + 1] },
                "--latency" => raw with { Latency = overrides[i + 1] },
                "--scale" => raw with { Scale = int.Parse(overrides[i + 1], System.Globalization.CultureInfo.InvariantCulture) },
                var other => throw new ArgumentException(other),
            };
        }
        return SimulateSettings.Check(raw);
    }

    private static (SimulationPlan Plan, string Notes) Plan(SimulateSettings settings)
    {
        using var notes = new StringWriter();
        var plan = SimulationPlan.Create(settings, Policy, SimulationPlan.Traces(settings, notes), notes);
        return (plan, notes.ToString());
    }

    [Fact]
    public void The_model_takes_start_up_from_the_policy_and_the_objective_from_the_options()
    {
        var (plan, _) = Plan(Settings("--latency", "300ms"));
        var model = plan.Model(plan.Cases[0]);
        Assert.Equal(20, model.ServiceRate);
        Assert.Equal(Policy.Startup, model.Startup);
        Assert.Equal(new LatencyObjective(0.3, 0.999), model.Objective);
        Assert.Equal((256, 3, Balancer.PowerOfTwoChoices), (model.QueueLimit, model.InitialReplicas, model.Balancer));
        Assert.Equal([new CapacityChange(TimeSpan.FromDays(1.5), 0.5)], model.CapacityChanges!);
    }

    [Fact]
    public void Start_up_options_override_the_policy_and_keep_its_warm_up_start()
    {
        var (plan, _) = Plan(Settings("--startup-delay", "2m", "--warmup", "0"));
        Assert.Equal(new PodStartup(TimeSpan.FromMinutes(2), TimeSpan.Zero, 0.25), plan.Model(plan.Cases[0]).Startup);
    }

    [Fact]
    public void A_slice_after_the_capacity_change_starts_with_it_in_force()
    {
        var (plan, _) = Plan(Settings("--from", "2d"));
        Assert.Equal(TimeSpan.FromDays(1), plan.Cases[0].Trace.Length);
        Assert.Equal([new CapacityChange(TimeSpan.Zero, 0.5)], plan.Cases[0].CapacityChanges);
        var (early, _) = Plan(Settings("--from", "1d"));
        Assert.Equal([new CapacityChange(TimeSpan.FromDays(0.5), 0.5)], early.Cases[0].CapacityChanges);
    }

    [Theory]
    [InlineData("hpa,kpa,oracle", new[] { "observe", "hpa", "kpa", "oracle" })]
    [InlineData("oracle, HPA", new[] { "observe", "hpa", "oracle" })]
    [InlineData("none", new[] { "observe" })]
    public void Observe_runs_first_then_the_baselines_asked_for(string baselines, string[] names)
    {
        var (plan, _) = Plan(Settings("--baselines", baselines));
        var model = plan.Model(plan.Cases[0]);
        Assert.Equal(names, plan.Scalers(plan.Cases[0], model).Select(s => s.Name));
    }

    [Fact]
    public void All_runs_every_case_sized_to_the_scale()
    {
        var (plan, _) = Plan(Settings("--case", "all", "--scale", "10"));
        Assert.Equal(["step-5x", "step-20x", "ramp", "flash-crowd", "diurnal", "half-capacity"], plan.Cases.Select(c => c.Trace.Name));
        Assert.Equal(10 * 20 * 0.8, plan.Cases[0].Trace.PeakRate, 9);
    }

    [Fact]
    public void A_peak_beyond_the_policys_maximum_is_noted()
    {
        var (_, notes) = Plan(Settings("--case", "ramp", "--scale", "50"));
        Assert.Contains("ramp's peak (800 requests/s) needs 50 replicas at 80 % of μ, above the policy's maxReplicas 40", notes, StringComparison.Ordinal);
        Assert.Empty(Plan(Settings("--case", "ramp", "--scale", "40")).Notes);
    }
}
