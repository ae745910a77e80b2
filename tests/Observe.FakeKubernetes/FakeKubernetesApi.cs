using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Observe.FakeKubernetes.Http;
using Observe.FakeKubernetes.Store;
using Observe.FakeKubernetes.Workloads;

namespace Observe.FakeKubernetes;

/// <summary>
/// An in-process Kubernetes API server (Kestrel on 127.0.0.1, a free port) for the controller's
/// tests: it serves the endpoints the controller uses with the real server's rules and body
/// shapes, lets a test seed and inspect its state directly, and injects failures on demand.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store;
    private readonly RequestGate _gate;
    private readonly RequestRouter _router;
    private readonly FakeApiOptions _options;
    private readonly ConcurrentDictionary<(string Plural, string Namespace, string Name), int> _scaleWrites = new();

    private FakeKubernetesApi(WebApplication app, ObjectStore store, RequestGate gate, RequestRouter router, FakeApiOptions options, string token)
    {
        _options = options;
        _app = app;
        _store = store;
        _gate = gate;
        _router = router;
        Token = token;
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The bearer token every request must carry; without it the answer is 401.</summary>
    public string Token { get; }

    /// <summary>The store's current revision (the resourceVersion the next list would report).</summary>
    public string ResourceVersion => _store.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every request answered so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _router.Requests];

    /// <summary>Events received (events.k8s.io/v1 and core/v1), oldest first.</summary>
    public IReadOnlyList<JsonObject> Events =>
        [.. new[] { ResourceTypes.Events, ResourceTypes.CoreEvents }
            .SelectMany(t => _store.List(t, null).Items)
            .OrderBy(e => long.Parse((string)e["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Watches open right now.</summary>
    public int OpenWatches => _store.WatchCount;

    public static async Task<FakeKubernetesApi> StartAsync(TimeProvider? time = null, FakeApiOptions? options = null)
    {
        options ??= new FakeApiOptions();
        var store = new ObjectStore(time ?? TimeProvider.System, options.HistorySize);
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var gate = new RequestGate(token);
        FakeKubernetesApi? api = null;
        var handlers = new ResourceHandlers(store, options, (type, ns, name) => api!.CountScaleWrite(type, ns, name));
        var router = new RequestRouter(gate, handlers);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(router.HandleAsync);
        api = new FakeKubernetesApi(app, store, gate, router, options, token);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api.Url = new Uri(address.EndsWith('/') ? address : address + "/");
        return api;
    }

    public void AddDeployment(string @namespace, string name, int replicas, IReadOnlyDictionary<string, string>? labels = null) =>
        AddWorkload(ResourceTypes.Deployments, @namespace, name, replicas, labels);

    public void AddStatefulSet(string @namespace, string name, int replicas, IReadOnlyDictionary<string, string>? labels = null) =>
        AddWorkload(ResourceTypes.StatefulSets, @namespace, name, replicas, labels);

    /// <summary>spec.replicas of a Deployment or StatefulSet (kind or plural, any case).</summary>
    public int Replicas(string kind, string @namespace, string name) =>
        (int)_store.Require(ResourceTypes.ByName(kind), @namespace, name)["spec"]!["replicas"]!;

    /// <summary>Scales a workload as someone else would (kubectl, another controller): bumps its resourceVersion, moves its pods.</summary>
    public void SetReplicas(string kind, string @namespace, string name, int replicas)
    {
        var type = ResourceTypes.ByName(kind);
        lock (_store.Sync)
        {
            var updated = _store.Update(type, @namespace, name, workload => ScaleView.Apply(workload, replicas));
            PodFleet.Reconcile(_store, type, @namespace, updated);
        }
    }

    /// <summary>Successful PUT/PATCH requests on a workload's /scale (including ones that changed nothing).</summary>
    public int ScaleWrites(string kind, string @namespace, string name) =>
        _scaleWrites.GetValueOrDefault((ResourceTypes.ByName(kind).Plural, @namespace, name));

    /// <summary>Pods of the namespace, each with the status the API would show now.</summary>
    public IReadOnlyList<JsonObject> Pods(string @namespace) =>
        [.. _store.List(ResourceTypes.Pods, @namespace).Items.Select(p => PodFleet.WithStatus(p, _store.Time.GetUtcNow(), _options.PodReadyAfter))];

    /// <summary>An autoscaling/v2 HPA that scales the given apps/v1 workload.</summary>
    public void AddHpa(string @namespace, string name, string targetKind, string targetName)
    {
        var type = ResourceTypes.HorizontalPodAutoscalers;
        _store.Create(type, @namespace, new JsonObject
        {
            ["kind"] = type.Kind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = targetKind, ["name"] = targetName },
                ["minReplicas"] = 1,
                ["maxReplicas"] = 10,
                ["metrics"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Resource",
                    ["resource"] = new JsonObject
                    {
                        ["name"] = "cpu",
                        ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 80 },
                    },
                }),
            },
            ["status"] = new JsonObject { ["currentReplicas"] = 1, ["desiredReplicas"] = 1 },
        });
    }

    /// <summary>
    /// Creates or replaces a ScalingPolicy or ServiceLevelObjective as given (status included, as an
    /// admin with both endpoints would); watches see ADDED or MODIFIED. Returns the stored object.
    /// </summary>
    public JsonObject ApplyCustomResource(JsonObject obj)
    {
        var type = ResourceTypes.All.FirstOrDefault(t => !t.BuiltIn && t.Kind == (string?)obj["kind"] && t.ApiVersion == (string?)obj["apiVersion"])
            ?? throw new ArgumentException($"not a custom resource this fake serves: {obj["apiVersion"]}/{obj["kind"]}", nameof(obj));
        var copy = (JsonObject)obj.DeepClone();
        var metadata = ObjectStore.Metadata(copy);
        var @namespace = (string?)metadata["namespace"] ?? "default";
        var name = (string?)metadata["name"] ?? throw new ArgumentException("metadata.name is required", nameof(obj));
        lock (_store.Sync)
        {
            if (_store.Get(type, @namespace, name) is null)
            {
                metadata.Remove("resourceVersion");
                metadata["generation"] = 1;
                return _store.Create(type, @namespace, copy);
            }
            return _store.Update(type, @namespace, name, current =>
            {
                var currentMetadata = (JsonObject)current["metadata"]!;
                foreach (var field in new[] { "uid", "creationTimestamp", "resourceVersion", "namespace" })
                {
                    metadata[field] = currentMetadata[field]?.DeepClone();
                }
                var specChanged = !JsonNode.DeepEquals(current["spec"], copy["spec"]);
                metadata["generation"] = ObjectStore.Generation(current) + (specChanged ? 1 : 0);
                return copy;
            });
        }
    }

    public bool DeleteCustomResource(string plural, string @namespace, string name)
    {
        var type = ResourceTypes.ByName(plural);
        lock (_store.Sync)
        {
            if (_store.Get(type, @namespace, name) is null)
            {
                return false;
            }
            _store.Delete(type, @namespace, name);
            return true;
        }
    }

    /// <summary>A custom resource as stored (e.g. to read the status the controller wrote); null when absent.</summary>
    public JsonObject? CustomResource(string plural, string @namespace, string name) =>
        _store.Get(ResourceTypes.ByName(plural), @namespace, name);

    public JsonObject? Lease(string @namespace, string name) => _store.Get(ResourceTypes.Leases, @namespace, name);

    /// <summary>The next <paramref name="count"/> requests (after authentication) fail with this status, a Status body and, if given, Retry-After.</summary>
    public void FailNext(int count, int statusCode, TimeSpan? retryAfter = null) => _gate.FailNext(count, statusCode, retryAfter);

    /// <summary>Ends every open watch stream where it is, as an API server restart would.</summary>
    public void DropWatches() => _store.DropWatches();

    /// <summary>Forgets the change history: a watch from any version older than now gets 410 Expired.</summary>
    public void Compact() => _store.Compact();

    /// <summary>Completes once at least <paramref name="count"/> watches are open, so a test changes state only after its client watches.</summary>
    public async Task WhenWatchingAsync(int count, CancellationToken cancellationToken)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (_store.WatchCount >= count)
            {
                reached.TrySetResult();
            }
        }
        _store.WatchersChanged += Check;
        try
        {
            Check();
            await reached.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _store.WatchersChanged -= Check;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _store.DropWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void AddWorkload(ResourceType type, string @namespace, string name, int replicas, IReadOnlyDictionary<string, string>? labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        lock (_store.Sync)
        {
            var created = _store.Create(type, @namespace, PodFleet.NewWorkload(type, @namespace, name, replicas, labels ?? new Dictionary<string, string> { ["app"] = name }));
            PodFleet.Reconcile(_store, type, @namespace, created);
        }
    }

    private void CountScaleWrite(ResourceType type, string @namespace, string name) =>
        _scaleWrites.AddOrUpdate((type.Plural, @namespace, name), 1, (_, n) => n + 1);
}
