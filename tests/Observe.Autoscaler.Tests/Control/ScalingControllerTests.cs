using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Observe.Autoscaler.Control;
using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Tests.Kubernetes;
using Observe.FakeKubernetes;
using Observe.Store;

namespace Observe.Autoscaler.Tests.Control;

/// <summary>
/// Two controllers on one fake cluster, each with its own client, as two replicas of the
/// Deployment would run. These run on the real clock (leases of 2 s): the election itself is
/// tested on a manual clock in LeaderElectorTests; here it is the whole controller that must
/// hand over, and the bounds leave three seconds of slack for a loaded machine (the whole suite
/// runs beside the browser tests and the demo on two cores).
/// </summary>
public sealed class ScalingControllerTests : IWorkloadSignals, IPolicySloSignals
{
    private static readonly ControllerSettings Fast = new()
    {
        LeaseNamespace = "observe",
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1.5),
        RetryPeriod = TimeSpan.FromSeconds(0.25),
        BurstTick = TimeSpan.FromSeconds(1),
    };

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private volatile int _rate = 60;

    [Fact]
    public async Task Only_the_leader_scales_and_a_dead_leaders_policies_are_taken_over_within_the_lease_duration()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var options = await CheckoutAsync(api);

        await using var a = Start(api, options, "controller-a");
        await using var b = Start(api, options, "controller-b");
        Assert.True(await Loopback.EventuallyAsync(() => Task.FromResult(api.Replicas("Deployment", "shop", "checkout") > 2), Timeout), "nobody scaled");

        var leader = a.Controller.Current.Leading ? a : b;
        var follower = leader == a ? b : a;
        Assert.False(follower.Controller.Current.Leading);
        Assert.Equal(leader.Identity, (string?)api.Lease("observe", "observe-controller")!["spec"]!["holderIdentity"]);
        Assert.All(ScaleEvents(api), e => Assert.Equal(leader.Identity, (string?)e["reportingInstance"]));
        var policy = Assert.Single(follower.Controller.Current.Policies);
        Assert.Equal("NotLeader", Assert.Single(policy.Conditions).Reason);

        // The leader's process dies: no release, no more renewals.
        leader.Api.Down = true;
        var clock = Stopwatch.StartNew();
        Assert.True(await Loopback.EventuallyAsync(() => Task.FromResult(follower.Controller.Current.Leading), Timeout), "nobody took over");
        var handover = clock.Elapsed;
        Assert.True(handover <= Fast.LeaseDuration + Fast.RetryPeriod + TimeSpan.FromSeconds(3), $"took over after {handover}");

        // The new leader acts on the policy: more demand, more replicas, its own events.
        var before = api.Replicas("Deployment", "shop", "checkout");
        _rate = 300;
        Assert.True(await Loopback.EventuallyAsync(() => Task.FromResult(api.Replicas("Deployment", "shop", "checkout") > before), Timeout),
            $"the new leader did not scale beyond {before}");
        Assert.Contains(ScaleEvents(api), e => (string?)e["reportingInstance"] == follower.Identity);
    }

    [Fact]
    public async Task Policy_changes_made_while_the_watch_is_down_and_history_compacted_reach_the_running_loop()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var options = await CheckoutAsync(api);
        _rate = 5; // one replica's worth: only the policy's minimum can move the count
        await using var only = Start(api, options, "controller-a");
        Assert.True(await Loopback.EventuallyAsync(() => Task.FromResult(only.Controller.Current.Policies.SingleOrDefault()?.Desired is not null), Timeout));
        Assert.Equal(2, api.Replicas("Deployment", "shop", "checkout"));

        api.DropWatches();
        Apply(api, ControlResources.Policy("shop", "checkout", "checkout-latency", minReplicas: 5, maxReplicas: 40, generation: 2, tick: "1s"));
        api.Compact();

        Assert.True(await Loopback.EventuallyAsync(() => Task.FromResult(api.Replicas("Deployment", "shop", "checkout") >= 5), Timeout),
            $"replicas {api.Replicas("Deployment", "shop", "checkout")}: the new minimum never arrived");
        // The state follows the write within the same tick.
        Assert.True(await Loopback.EventuallyAsync(() => Task.FromResult(only.Controller.Current.Policies.Single().Reasons.Any(r => r.Code == ReasonCodes.BoundedByMin)), Timeout),
            string.Join("; ", only.Controller.Current.Policies.Single().Reasons));
    }

    /// <summary>checkout at 2 replicas with its latency SLO and policy (1 s tick) in the cluster, and a fresh decision log.</summary>
    private static async Task<StoreOptions> CheckoutAsync(FakeKubernetesApi api)
    {
        api.AddDeployment("shop", "checkout", 2, new Dictionary<string, string> { ["app"] = "checkout" });
        Apply(api, ControlResources.LatencySlo("shop", "checkout-latency", "1s", 0.999));
        Apply(api, ControlResources.Policy("shop", "checkout", "checkout-latency", maxReplicas: 40, tick: "1s"));
        var options = new StoreOptions { Database = EmbeddedEngine.NewDatabase("controller") };
        await ClickHouseStore.MigrateAsync(EmbeddedEngine.Shared, options);
        return options;
    }

    private static IEnumerable<JsonObject> ScaleEvents(FakeKubernetesApi api) =>
        api.Events.Where(e => (string?)e["reason"] is "ScaledUp" or "ScaledDown");

    private static void Apply(FakeKubernetesApi api, ResourceObject resource) =>
        api.ApplyCustomResource(JsonNode.Parse(resource.Json.GetRawText())!.AsObject());

    private RunningController Start(FakeKubernetesApi api, StoreOptions options, string identity)
    {
        var client = new KubernetesClient(new KubernetesEndpoint(api.Url, Token: api.Token), new KubernetesClientOptions(), TimeProvider.System);
        var cuttable = new PartitionedApi(client);
        var settings = new ControllerSettings
        {
            Identity = identity,
            LeaseNamespace = Fast.LeaseNamespace,
            LeaseDuration = Fast.LeaseDuration,
            RenewDeadline = Fast.RenewDeadline,
            RetryPeriod = Fast.RetryPeriod,
            BurstTick = Fast.BurstTick,
        };
        var controller = new ScalingController(cuttable, this, this, new StoreDecisionLog(EmbeddedEngine.Shared, options.Database), settings, TimeProvider.System, NullLoggerFactory.Instance);
        return new RunningController(identity, controller, cuttable, client);
    }

    Task<WorkloadReading> IWorkloadSignals.ReadAsync(WorkloadRef workload, ScalerCadence cadence, double objectiveTarget, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(ControlledCluster.Steady(now, _rate));

    Task<SloSignal?> IPolicySloSignals.ReadAsync(IReadOnlyList<Observe.Autoscaler.Slo.SloDefinition> slos, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<SloSignal?>(null);

    private sealed class RunningController : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;

        private readonly KubernetesClient _client;

        public RunningController(string identity, ScalingController controller, PartitionedApi api, KubernetesClient client)
        {
            _client = client;
            Identity = identity;
            Controller = controller;
            Api = api;
            _run = Task.Run(() => controller.RunAsync(_stop.Token));
        }

        public string Identity { get; }

        public ScalingController Controller { get; }

        public PartitionedApi Api { get; }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _run;
            }
            catch (OperationCanceledException)
            {
            }
            catch (HttpRequestException) when (Api.Down)
            {
            }
            _stop.Dispose();
            _client.Dispose();
        }
    }
}
