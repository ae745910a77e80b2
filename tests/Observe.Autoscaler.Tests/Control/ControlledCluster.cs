using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Observe.Autoscaler.Control;
using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;
using Observe.FakeKubernetes;
using Observe.Store;

namespace Observe.Autoscaler.Tests.Control;

/// <summary>
/// A policy loop wired to real parts: the fake API server (over HTTP, through the real client),
/// the decision log in the real engine, all on one manual clock. The store's signals and the
/// SLO state are scripted per tick (<see cref="Reading"/>, <see cref="Slo"/>): the store's
/// reading of them is tested on the engine in StoreWorkloadSignalsTests.
/// </summary>
internal sealed class ControlledCluster : IAsyncDisposable, IWorkloadSignals, IPolicySloSignals
{
    public const string Namespace = "shop";
    public const string Workload = "checkout";

    private ControlledCluster(FakeKubernetesApi api, ManualTime time, string database)
    {
        Api = api;
        Time = time;
        Database = database;
        Client = new KubernetesClient(new KubernetesEndpoint(api.Url, Token: api.Token), new KubernetesClientOptions(), time);
        Log = new StoreDecisionLog(EmbeddedEngine.Shared, database);
    }

    public FakeKubernetesApi Api { get; }

    public ManualTime Time { get; }

    public string Database { get; }

    public KubernetesClient Client { get; }

    public StoreDecisionLog Log { get; }

    /// <summary>What the store answers next; a function of now, so the data's age follows the clock.</summary>
    public Func<DateTimeOffset, WorkloadReading> Reading { get; set; } = now => Steady(now, 10);

    /// <summary>Thrown by the next reads instead of answering (the store is down), when set.</summary>
    public Exception? StoreFailure { get; set; }

    public SloSignal? Slo { get; set; }

    public static async Task<ControlledCluster> StartAsync(int replicas)
    {
        var time = new ManualTime();
        var api = await FakeKubernetesApi.StartAsync(time);
        api.AddDeployment(Namespace, Workload, replicas, new Dictionary<string, string> { ["app"] = Workload });
        var options = new StoreOptions { Database = EmbeddedEngine.NewDatabase("control") };
        await ClickHouseStore.MigrateAsync(EmbeddedEngine.Shared, options);
        return new ControlledCluster(api, time, options.Database);
    }

    /// <summary>A steady rate with fast requests, the data 10 s old.</summary>
    public static WorkloadReading Steady(DateTimeOffset now, double rate) =>
        new(now - TimeSpan.FromSeconds(10), rate, rate, rate * 0.05, new LatencyQuantiles(0.03, 0.05, 0.08, 0.1), 0);

    /// <summary>The policy as the cluster holds it (created there, so status writes reach it) and as the controller reads it.</summary>
    public ClusterPolicy Policy(string mode = "enforce", int minReplicas = 2, int maxReplicas = 20)
    {
        var resource = ControlResources.Policy(Namespace, Workload, "checkout-latency", minReplicas, maxReplicas, mode: mode);
        var created = Api.ApplyCustomResource(JsonNode.Parse(resource.Json.GetRawText())!.AsObject());
        var meta = created["metadata"]!;
        var stored = resource with { Metadata = resource.Metadata with { Uid = (string?)meta["uid"], ResourceVersion = (string?)meta["resourceVersion"] } };
        return ClusterDocuments.Read([stored], [ControlResources.LatencySlo(Namespace, "checkout-latency", "1s", 0.999)]).Single();
    }

    public PolicyLoop Loop(ClusterPolicy policy, IKubernetesApi? api = null, ControllerSettings? settings = null) =>
        new(policy, new PolicyLoopServices(api ?? Client, this, this, Log, settings ?? new ControllerSettings(), "controller-0", Time, NullLogger.Instance));

    /// <summary>Advances the clock by one tick and runs one.</summary>
    public async Task<ScalingDecision?> TickAsync(PolicyLoop loop, TimeSpan? after = null)
    {
        Time.Advance(after ?? TimeSpan.FromSeconds(15));
        return await loop.TickAsync(CancellationToken.None);
    }

    public int Replicas => Api.Replicas("Deployment", Namespace, Workload);

    public JsonObject Status => (JsonObject)Api.CustomResource("scalingpolicies", Namespace, Workload)!["status"]!;

    public string? Condition(string type, string field = "status") =>
        Status["conditions"]!.AsArray().SingleOrDefault(c => (string?)c!["type"] == type)?[field]?.GetValue<string>();

    public IEnumerable<string> EventReasons => Api.Events.Select(e => (string)e["reason"]!);

    public Task<IReadOnlyList<DecisionRecord>> DecisionsAsync() =>
        Log.ReadAsync(new DecisionQuery(DateTimeOffset.MinValue, DateTimeOffset.MaxValue), CancellationToken.None);

    Task<WorkloadReading> IWorkloadSignals.ReadAsync(WorkloadRef workload, ScalerCadence cadence, double objectiveTarget, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Assert.Equal(new WorkloadRef(Workload, Namespace), workload);
        return StoreFailure is { } failure ? Task.FromException<WorkloadReading>(failure) : Task.FromResult(Reading(now));
    }

    Task<SloSignal?> IPolicySloSignals.ReadAsync(IReadOnlyList<Observe.Autoscaler.Slo.SloDefinition> slos, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Assert.Equal(["checkout-latency"], slos.Select(s => s.Name));
        return Task.FromResult(Slo);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Api.DisposeAsync();
    }
}
