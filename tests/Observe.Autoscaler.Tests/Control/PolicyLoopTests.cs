using Observe.Autoscaler.Control;
using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;
using Observe.Store;

namespace Observe.Autoscaler.Tests.Control;

/// <summary>One policy's loop against the fake API server through the real client (see <see cref="ControlledCluster"/>).</summary>
public sealed class PolicyLoopTests
{
    [Fact]
    public async Task Demand_above_capacity_scales_the_deployment_up_with_status_event_and_recorded_decision()
    {
        await using var cluster = await ControlledCluster.StartAsync(replicas: 2);
        var loop = cluster.Loop(cluster.Policy());
        await loop.StartAsync(CancellationToken.None);
        cluster.Reading = now => ControlledCluster.Steady(now, 60); // 10 requests/s per replica is the hint: 2 replicas are far too few

        var decision = await cluster.TickAsync(loop);

        Assert.NotNull(decision);
        Assert.True(decision.Desired > 2, $"desired {decision.Desired}");
        Assert.Equal(decision.Desired, cluster.Replicas);
        Assert.Equal(1, cluster.Api.ScaleWrites("Deployment", "shop", "checkout"));
        Assert.Equal(["ScaledUp"], cluster.EventReasons);
        Assert.Equal("True", cluster.Condition(ConditionTypes.Active));
        Assert.Equal("True", cluster.Condition(ConditionTypes.AbleToScale));
        Assert.Equal("SucceededRescale", cluster.Condition(ConditionTypes.AbleToScale, "reason"));
        Assert.Equal("False", cluster.Condition(ConditionTypes.Conflict));
        Assert.Equal(decision.Desired, (int)cluster.Status["desiredReplicas"]!);
        var recorded = Assert.Single(await cluster.DecisionsAsync());
        Assert.Equal((DecisionOutcomes.Scaled, 2, decision.Desired), (recorded.Outcome, recorded.Current, recorded.Desired));
        Assert.Equal(decision.Reasons.Select(r => r.Code), recorded.Reasons.Select(r => r.Code));
        Assert.Equal(60, recorded.Signals.RateShort);
        Assert.Equal(2, recorded.Signals.Replicas.Pods.Count);
    }

    [Fact]
    public async Task A_write_between_read_and_patch_is_a_conflict_retried_with_the_new_version()
    {
        await using var cluster = await ControlledCluster.StartAsync(replicas: 2);
        var writer = new WriterBeforePatch(cluster.Client, () => cluster.Api.SetReplicas("Deployment", "shop", "checkout", 3), times: 1);
        var loop = cluster.Loop(cluster.Policy(), writer);
        await loop.StartAsync(CancellationToken.None);
        cluster.Reading = now => ControlledCluster.Steady(now, 60);

        var decision = await cluster.TickAsync(loop);

        Assert.Equal(decision!.Desired, cluster.Replicas);
        Assert.Equal(2, writer.Patches);
        var recorded = Assert.Single(await cluster.DecisionsAsync());
        Assert.Equal(DecisionOutcomes.Scaled, recorded.Outcome);
        Assert.Equal("written after 1 conflicting write(s)", recorded.Message);
    }

    [Fact]
    public async Task Conflicts_beyond_the_retries_fail_the_tick_without_overwriting_the_other_writer()
    {
        await using var cluster = await ControlledCluster.StartAsync(replicas: 2);
        // Each write changes the count (a write of the same count would keep the resourceVersion).
        var written = 2;
        var writer = new WriterBeforePatch(cluster.Client, () => cluster.Api.SetReplicas("Deployment", "shop", "checkout", written = written == 3 ? 4 : 3), times: int.MaxValue);
        var loop = cluster.Loop(cluster.Policy(), writer, new ControllerSettings { ConflictRetries = 2 });
        await loop.StartAsync(CancellationToken.None);
        cluster.Reading = now => ControlledCluster.Steady(now, 60);

        await cluster.TickAsync(loop);

        Assert.Equal(written, cluster.Replicas);
        Assert.Equal(3, writer.Patches);
        Assert.Equal(DecisionOutcomes.Failed, Assert.Single(await cluster.DecisionsAsync()).Outcome);
        Assert.Equal("False", cluster.Condition(ConditionTypes.AbleToScale));
        Assert.Equal("FailedUpdateScale", cluster.Condition(ConditionTypes.AbleToScale, "reason"));
        Assert.Contains("FailedScale", cluster.EventReasons);
    }

    [Fact]
    public async Task Concurrent_writers_never_make_a_tick_throw_and_each_tick_ends_scaled_or_failed()
    {
        await using var cluster = await ControlledCluster.StartAsync(replicas: 2);
        var loop = cluster.Loop(cluster.Policy());
        await loop.StartAsync(CancellationToken.None);
        cluster.Reading = now => ControlledCluster.Steady(now, 150);
        using var stop = new CancellationTokenSource();
        var other = Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                cluster.Api.SetReplicas("Deployment", "shop", "checkout", 2 + n++ % 2);
                await Task.Yield();
            }
        });

        for (var i = 0; i < 5; i++)
        {
            await cluster.TickAsync(loop);
        }
        await stop.CancelAsync();
        await other;

        var decisions = await cluster.DecisionsAsync();
        Assert.Equal(5, decisions.Count);
        Assert.All(decisions, d => Assert.Contains(d.Outcome, new[] { DecisionOutcomes.Scaled, DecisionOutcomes.Failed }));
    }

    [Fact]
    public async Task A_competing_hpa_is_refused_with_a_condition_and_one_warning_event_and_nothing_scaled()
    {
        await using var cluster = await ControlledCluster.StartAsync(replicas: 2);
        cluster.Api.AddHpa("shop", "checkout-cpu", "Deployment", "checkout");
        var loop = cluster.Loop(cluster.Policy());
        await loop.StartAsync(CancellationToken.None);
        cluster.Reading = now => ControlledCluster.Steady(now, 60);

        await cluster.TickAsync(loop);
        await cluster.TickAsync(loop);

        Assert.Equal(2, cluster.Replicas);
        Assert.Equal(0, cluster.Api.ScaleWrites("Deployment", "shop", "checkout"));
        Assert.Equal("True", cluster.Condition(ConditionTypes.Conflict));
        Assert.Contains("shop/checkout-cpu", cluster.Condition(ConditionTypes.Conflict, "message"));
        Assert.Equal(["ConflictingHpa"], cluster.EventReasons);
        Assert.All(await cluster.DecisionsAsync(), d => Assert.Equal(DecisionOutcomes.Refused, d.Outcome));
    }

    [Fact]
    public async Task Stale_data_holds_and_never_scales_down()
    {
        await using var cluster = await ControlledCluster.StartAsync(replicas: 8);
        var loop = cluster.Loop(cluster.Policy());
        await loop.StartAsync(CancellationToken.None);
        cluster.Reading = now => ControlledCluster.Steady(now, 1) with { DataUntil = now - TimeSpan.FromMinutes(10) };

        for (var i = 0; i < 12; i++)
        {
            await cluster.TickAsync(loop, TimeSpan.FromMinutes(1));
        }

        Assert.Equal(8, cluster.Replicas);
        Assert.All(await cluster.DecisionsAsync(), d => Assert.Equal((DecisionOutcomes.Held, 8), (d.Outcome, d.Desired)));
        Assert.Equal("StaleData", cluster.Condition(ConditionTypes.AbleToScale, "reason"));
        Assert.Equal("False", cluster.Condition(ConditionTypes.AbleToScale));
    }

    [Fact]
    public async Task An_unreachable_store_holds_and_the_condition_says_so()
    {
        await using var cluster = await ControlledCluster.StartAsync(replicas: 8);
        var loop = cluster.Loop(cluster.Policy());
        await loop.StartAsync(CancellationToken.None);
        cluster.StoreFailure = new StoreUnavailableException("connection refused (127.0.0.1:8123)");

        for (var i = 0; i < 12; i++)
        {
            await cluster.TickAsync(loop, TimeSpan.FromMinutes(1));
        }

        Assert.Equal(8, cluster.Replicas);
        Assert.Equal("StoreUnreachable", cluster.Condition(ConditionTypes.AbleToScale, "reason"));
        Assert.Contains("connection refused", cluster.Condition(ConditionTypes.AbleToScale, "message"));
        Assert.All(await cluster.DecisionsAsync(), d => Assert.Equal((DecisionOutcomes.Held, 8), (d.Outcome, d.Desired)));
    }

    [Fact]
    public async Task Dry_run_changes_nothing_but_records_what_it_would_do()
    {
        await using var cluster = await ControlledCluster.StartAsync(replicas: 2);
        var loop = cluster.Loop(cluster.Policy(mode: "dryRun"));
        await loop.StartAsync(CancellationToken.None);
        cluster.Reading = now => ControlledCluster.Steady(now, 60);

        await cluster.TickAsync(loop);
        await cluster.TickAsync(loop);

        Assert.Equal(2, cluster.Replicas);
        Assert.Equal(0, cluster.Api.ScaleWrites("Deployment", "shop", "checkout"));
        var decisions = await cluster.DecisionsAsync();
        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, d => Assert.Equal((DecisionOutcomes.DryRun, ScalingMode.DryRun, 2), (d.Outcome, d.Mode, d.Current)));
        Assert.All(decisions, d => Assert.True(d.Desired > 2));
        Assert.Contains("DryRunScale", cluster.EventReasons);
    }

    [Fact]
    public async Task A_restarted_loop_resumes_with_the_learned_capacity_and_does_not_scale_down_at_once()
    {
        await using var cluster = await ControlledCluster.StartAsync(replicas: 2);
        var policy = cluster.Policy();
        var first = cluster.Loop(policy);
        await first.StartAsync(CancellationToken.None);
        cluster.Reading = now => ControlledCluster.Steady(now, 60);
        ScalingDecision? last = null;
        for (var i = 0; i < 6; i++)
        {
            last = await cluster.TickAsync(first);
        }
        var before = cluster.Replicas;

        // A new process: the load has dropped meanwhile.
        var second = cluster.Loop(policy);
        await second.StartAsync(CancellationToken.None);
        cluster.Reading = now => ControlledCluster.Steady(now, 5);
        var resumed = await cluster.TickAsync(second);

        Assert.Equal(before, cluster.Replicas);
        Assert.Equal(before, resumed!.Desired);
        Assert.Contains(resumed.Reasons, r => r.Code == ReasonCodes.ScaleDownStabilised && r.Message.Contains("(re)started", StringComparison.Ordinal));
        Assert.Equal(last!.Figures.CapacityPerReplica!.Value, resumed.Figures.CapacityPerReplica!.Value, 0.2 * last.Figures.CapacityPerReplica.Value);

        // After one stabilisation window (60 s in this policy) it may scale down again.
        for (var i = 0; i < 8; i++)
        {
            await cluster.TickAsync(second);
        }
        Assert.True(cluster.Replicas < before, $"still {cluster.Replicas} of {before}");
    }

    /// <summary>Another writer that changes the scale just before each of the first <c>times</c> patches: a deterministic concurrent write.</summary>
    private sealed class WriterBeforePatch(IKubernetesApi inner, Action write, int times) : IKubernetesApi
    {
        public int Patches { get; private set; }

        public Task<Scale> PatchScaleAsync(ScaleTarget target, int replicas, string resourceVersion, CancellationToken cancellationToken)
        {
            if (Patches++ < times)
            {
                write();
            }
            return inner.PatchScaleAsync(target, replicas, resourceVersion, cancellationToken);
        }

        public Task<Scale> GetScaleAsync(ScaleTarget target, CancellationToken cancellationToken) => inner.GetScaleAsync(target, cancellationToken);
        public Task<IReadOnlyList<PodState>> ListPodsAsync(string @namespace, string labelSelector, CancellationToken cancellationToken) => inner.ListPodsAsync(@namespace, labelSelector, cancellationToken);
        public Task<ResourceList> ListAsync(ResourceKind kind, string? @namespace, CancellationToken cancellationToken) => inner.ListAsync(kind, @namespace, cancellationToken);
        public IAsyncEnumerable<WatchEvent> WatchAsync(ResourceKind kind, string? @namespace, string resourceVersion, CancellationToken cancellationToken) => inner.WatchAsync(kind, @namespace, resourceVersion, cancellationToken);
        public Task<ResourceObject> PatchStatusAsync(ResourceKind kind, string @namespace, string name, System.Text.Json.JsonElement status, CancellationToken cancellationToken) => inner.PatchStatusAsync(kind, @namespace, name, status, cancellationToken);
        public Task CreateEventAsync(ClusterEvent clusterEvent, CancellationToken cancellationToken) => inner.CreateEventAsync(clusterEvent, cancellationToken);
        public Task<Lease?> GetLeaseAsync(string @namespace, string name, CancellationToken cancellationToken) => inner.GetLeaseAsync(@namespace, name, cancellationToken);
        public Task<Lease> CreateLeaseAsync(Lease lease, CancellationToken cancellationToken) => inner.CreateLeaseAsync(lease, cancellationToken);
        public Task<Lease> ReplaceLeaseAsync(Lease lease, CancellationToken cancellationToken) => inner.ReplaceLeaseAsync(lease, cancellationToken);
        public Task<IReadOnlyList<HorizontalPodAutoscaler>> ListHorizontalPodAutoscalersAsync(string @namespace, CancellationToken cancellationToken) => inner.ListHorizontalPodAutoscalersAsync(@namespace, cancellationToken);
    }
}
