using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;

namespace Observe.Collector.Demo;

/// <summary>Pods of one workload in one zone.</summary>
public sealed record ZonePods(int Replicas, IReadOnlyList<SimulatedPod> ReadyPods)
{
    public int Ready => ReadyPods.Count;
}

/// <summary>One workload of the simulated cluster as the demo API and the traffic see it.</summary>
public sealed record ClusterWorkload(DemoWorkload Workload, int SpecReplicas, IReadOnlyDictionary<string, ZonePods> Zones);

/// <summary>
/// A Kubernetes cluster in memory that the real <c>ScalingController</c> scales, through the same
/// <see cref="IKubernetesApi"/> the HTTP client implements. It keeps the API's rules that matter
/// to a controller: one resourceVersion counter, writes with a stale version refused with 409,
/// status separate from spec, pods following the scale and Ready only after a start-up delay,
/// watches that replay changes, send bookmarks and end after a timeout, and Leases.
/// </summary>
internal sealed class DemoCluster : IKubernetesApi
{
    /// <summary>A watch ends after this long, as the API server's own timeout makes it; the informer watches again.</summary>
    public static readonly TimeSpan WatchTimeout = TimeSpan.FromMinutes(5);

    private const int HistoryLimit = 2000;
    private const int EventLimit = 500;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SimulatedDeployment> _deployments = new(StringComparer.Ordinal);
    private readonly ClusterResources _resources;
    private readonly Dictionary<(string Namespace, string Name), Lease> _leases = [];
    private readonly Queue<ClusterEvent> _events = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version = 100;
    private int _addresses;

    public DemoCluster(IEnumerable<DemoWorkload> workloads, TimeSpan podStartup, TimeProvider time, Random random)
    {
        _time = time;
        _resources = new ClusterResources(NextVersion, HistoryLimit);
        foreach (var workload in workloads)
        {
            _deployments[workload.Key] = new SimulatedDeployment(workload, podStartup, random, Address) { ResourceVersion = NextVersion() };
        }
        var now = time.GetUtcNow();
        // The cluster was running before the demo began: its first pods are Ready already.
        lock (_lock)
        {
            foreach (var deployment in _deployments.Values)
            {
                deployment.Reconcile(now - podStartup);
            }
        }
    }

    /// <summary>Events the controller created, newest last (at most the last 500).</summary>
    public IReadOnlyList<ClusterEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Creates or updates a custom resource's spec, as <c>kubectl apply</c> would.</summary>
    public void Apply(ResourceKind kind, string @namespace, string name, JsonNode spec)
    {
        lock (_lock)
        {
            _resources.Apply(kind, @namespace, name, spec, _time.GetUtcNow());
            Signal();
        }
    }

    public ResourceObject? Find(ResourceKind kind, string @namespace, string name)
    {
        lock (_lock)
        {
            return _resources.Find(kind, @namespace, name);
        }
    }

    /// <summary>Every workload with its pods per zone, after moving the pods on to now.</summary>
    public IReadOnlyList<ClusterWorkload> Workloads()
    {
        lock (_lock)
        {
            var now = Reconcile();
            return [.. _deployments.Values.Select(d => new ClusterWorkload(d.Workload, d.SpecReplicas, BookinfoMesh.Zones.ToDictionary(z => z, z =>
            {
                var live = d.Pods.Where(p => p.Zone == z && p.Terminating is null).ToList();
                var ready = live.Where(p => d.IsReady(p, now)).ToList();
                return new ZonePods(live.Count, ready);
            })))];
        }
    }

    public Task<Scale> GetScaleAsync(ScaleTarget target, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Reconcile();
            return Task.FromResult(ScaleOf(Deployment(target)));
        }
    }

    public Task<Scale> PatchScaleAsync(ScaleTarget target, int replicas, string resourceVersion, CancellationToken cancellationToken)
    {
        if (replicas < 0)
        {
            throw new KubernetesApiException(422, "Invalid", $"spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0");
        }
        lock (_lock)
        {
            Reconcile();
            var deployment = Deployment(target);
            var current = deployment.ResourceVersion.ToString(CultureInfo.InvariantCulture);
            if (resourceVersion.Length > 0 && resourceVersion != current)
            {
                throw new KubernetesConflictException("Conflict",
                    $"Operation cannot be fulfilled on deployments.apps \"{target.Name}\": the object has been modified; please apply your changes to the latest version and try again (sent {resourceVersion}, now {current})");
            }
            deployment.SpecReplicas = replicas;
            deployment.ResourceVersion = NextVersion();
            deployment.Reconcile(_time.GetUtcNow());
            return Task.FromResult(ScaleOf(deployment));
        }
    }

    public Task<IReadOnlyList<PodState>> ListPodsAsync(string @namespace, string labelSelector, CancellationToken cancellationToken)
    {
        var wanted = ParseSelector(labelSelector);
        lock (_lock)
        {
            var now = Reconcile();
            IReadOnlyList<PodState> pods = [.. _deployments.Values
                .Where(d => d.Workload.Namespace == @namespace && wanted.All(w => d.Labels.TryGetValue(w.Key, out var v) && v == w.Value))
                .SelectMany(d => d.Pods.Select(p => new PodState(p.Name, p.Created, d.IsReady(p, now), p.Terminating is not null)))];
            return Task.FromResult(pods);
        }
    }

    public Task<ResourceList> ListAsync(ResourceKind kind, string? @namespace, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_resources.List(kind, @namespace, _version));
        }
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceKind kind, string? @namespace, string resourceVersion,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
        {
            throw new KubernetesApiException(400, "BadRequest", $"resourceVersion '{resourceVersion}' is not a version this cluster issued");
        }
        var ends = _time.GetUtcNow() + WatchTimeout;
        while (true)
        {
            IReadOnlyList<WatchEvent> pending;
            Task changed;
            lock (_lock)
            {
                pending = _resources.Since(kind, @namespace, from);
                from = _version;
                changed = _changed.Task;
            }
            foreach (var e in pending)
            {
                yield return e;
            }
            var left = ends - _time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                yield return ClusterResources.Bookmark(kind, from);
                yield break;
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timeout = Task.Delay(left, _time, wait.Token);
            await Task.WhenAny(changed, timeout).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public Task<ResourceObject> PatchStatusAsync(ResourceKind kind, string @namespace, string name, JsonElement status, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var patched = _resources.PatchStatus(kind, @namespace, name, status);
            Signal();
            return Task.FromResult(patched);
        }
    }

    public Task CreateEventAsync(ClusterEvent clusterEvent, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clusterEvent.Reason) || clusterEvent.Note.Length > 1024)
        {
            throw new KubernetesApiException(422, "Invalid", $"Event about {clusterEvent.Regarding.Name}: reason is required and note at most 1 kB");
        }
        lock (_lock)
        {
            _events.Enqueue(clusterEvent);
            while (_events.Count > EventLimit)
            {
                _events.Dequeue();
            }
        }
        return Task.CompletedTask;
    }

    public Task<Lease?> GetLeaseAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_leases.GetValueOrDefault((@namespace, name)));
        }
    }

    public Task<Lease> CreateLeaseAsync(Lease lease, CancellationToken cancellationToken)
    {
        var key = (lease.Metadata.Namespace ?? "default", lease.Metadata.Name);
        lock (_lock)
        {
            if (_leases.ContainsKey(key))
            {
                throw new KubernetesConflictException("AlreadyExists", $"leases.coordination.k8s.io \"{key.Item2}\" already exists");
            }
            var stored = lease with { Metadata = lease.Metadata with { Namespace = key.Item1, ResourceVersion = NextVersion().ToString(CultureInfo.InvariantCulture) } };
            _leases[key] = stored;
            return Task.FromResult(stored);
        }
    }

    public Task<Lease> ReplaceLeaseAsync(Lease lease, CancellationToken cancellationToken)
    {
        var key = (lease.Metadata.Namespace ?? "default", lease.Metadata.Name);
        lock (_lock)
        {
            if (!_leases.TryGetValue(key, out var current))
            {
                throw new KubernetesApiException(404, "NotFound", $"leases.coordination.k8s.io \"{key.Item2}\" not found");
            }
            if (lease.Metadata.ResourceVersion != current.Metadata.ResourceVersion)
            {
                throw new KubernetesConflictException("Conflict", $"Operation cannot be fulfilled on leases.coordination.k8s.io \"{key.Item2}\": the object has been modified");
            }
            var stored = lease with { Metadata = lease.Metadata with { Namespace = key.Item1, ResourceVersion = NextVersion().ToString(CultureInfo.InvariantCulture) } };
            _leases[key] = stored;
            return Task.FromResult(stored);
        }
    }

    /// <summary>The demo runs no HorizontalPodAutoscaler: Observe owns every target.</summary>
    public Task<IReadOnlyList<HorizontalPodAutoscaler>> ListHorizontalPodAutoscalersAsync(string @namespace, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HorizontalPodAutoscaler>>([]);

    /// <summary>Pods move on to now; a Deployment whose status changes gets a new resourceVersion, as its controller's status write gives it.</summary>
    private DateTimeOffset Reconcile()
    {
        var now = _time.GetUtcNow();
        foreach (var deployment in _deployments.Values)
        {
            if (deployment.Reconcile(now))
            {
                deployment.ResourceVersion = NextVersion();
            }
        }
        return now;
    }

    private SimulatedDeployment Deployment(ScaleTarget target)
    {
        if (target.Kind != "Deployment" || !_deployments.TryGetValue($"{target.Namespace}/{target.Name}", out var deployment))
        {
            throw new KubernetesApiException(404, "NotFound", $"{target.Kind.ToLowerInvariant()}s.apps \"{target.Name}\" not found in namespace {target.Namespace}");
        }
        return deployment;
    }

    private static Scale ScaleOf(SimulatedDeployment d) => new(
        new ObjectMeta(d.Workload.Name, d.Workload.Namespace, ResourceVersion: d.ResourceVersion.ToString(CultureInfo.InvariantCulture)),
        d.SpecReplicas, d.StatusReplicas, d.Selector);

    private static Dictionary<string, string> ParseSelector(string selector)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                throw new KubernetesApiException(400, "BadRequest", $"unable to parse requirement '{part}' of label selector '{selector}': only key=value is supported");
            }
            result[part[..eq]] = part[(eq + 1)..].TrimStart('=');
        }
        return result;
    }

    private long NextVersion() => ++_version;

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private string Address(string zone)
    {
        var n = _addresses++;
        return $"10.{BookinfoMesh.Zones.ToList().IndexOf(zone) + 1}.{n / 250}.{n % 250 + 2}";
    }
}
