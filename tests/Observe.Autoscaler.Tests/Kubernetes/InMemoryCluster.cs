using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Tests.Kubernetes;

/// <summary>
/// Just enough of an API server for the informer and the elector, in memory: one resource kind
/// with a change history (watches replay it from a resourceVersion, 410 before the compaction
/// point), watches that can be dropped or held, and Leases with resourceVersion preconditions.
/// Stands in until the shared fake API server (tests/Observe.FakeKubernetes) is on main.
/// </summary>
internal sealed class InMemoryCluster : IKubernetesApi
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ResourceObject> _objects = [];
    private readonly List<(long Version, WatchEvent Event)> _history = [];
    private readonly List<Channel<WatchEvent>> _watchers = [];
    private readonly Dictionary<string, Lease> _leases = [];
    private long _version = 10;
    private long _compactedBefore;
    private TaskCompletionSource _held = CompletedGate();

    public int Lists { get; private set; }

    /// <summary>Set to fail every call (a partitioned or dead peer).</summary>
    public Func<Exception>? Failure { get; set; }

    public void Put(string name, string value)
    {
        lock (_lock)
        {
            var obj = Object(name, ++_version, value);
            var type = _objects.ContainsKey(name) ? WatchEventType.Modified : WatchEventType.Added;
            _objects[name] = obj;
            Publish(new WatchEvent(type, obj));
        }
    }

    public void Delete(string name)
    {
        lock (_lock)
        {
            _objects.Remove(name);
            Publish(new WatchEvent(WatchEventType.Deleted, Object(name, ++_version, "deleted")));
        }
    }

    /// <summary>Ends every open watch as a server timeout would.</summary>
    public void DropWatches()
    {
        lock (_lock)
        {
            foreach (var w in _watchers) w.Writer.TryComplete();
            _watchers.Clear();
        }
    }

    /// <summary>Forgets history up to now: a watch from an older version gets 410.</summary>
    public void Compact()
    {
        lock (_lock) _compactedBefore = _version;
    }

    public void HoldWatches() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseWatches() => _held.TrySetResult();

    public IReadOnlyDictionary<string, string> Values
    {
        get { lock (_lock) return _objects.ToDictionary(o => "shop/" + o.Key, o => o.Value.Json.GetProperty("spec").GetProperty("value").GetString()!); }
    }

    public Task<ResourceList> ListAsync(ResourceKind kind, string? @namespace, CancellationToken cancellationToken)
    {
        Fail();
        lock (_lock)
        {
            Lists++;
            return Task.FromResult(new ResourceList(_version.ToString(), _objects.Values.ToList()));
        }
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceKind kind, string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _held.Task.WaitAsync(cancellationToken);
        Fail();
        var channel = Channel.CreateUnbounded<WatchEvent>();
        lock (_lock)
        {
            var from = long.Parse(resourceVersion);
            if (from < _compactedBefore)
            {
                throw new ResourceExpiredException($"too old resource version: {from} ({_compactedBefore})");
            }
            foreach (var (version, e) in _history.Where(h => h.Version > from)) channel.Writer.TryWrite(e);
            _watchers.Add(channel);
        }
        await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken))
        {
            yield return e;
        }
    }

    public Task<Lease?> GetLeaseAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        Fail();
        lock (_lock) return Task.FromResult(_leases.GetValueOrDefault(name));
    }

    public Task<Lease> CreateLeaseAsync(Lease lease, CancellationToken cancellationToken)
    {
        Fail();
        lock (_lock)
        {
            if (_leases.ContainsKey(lease.Metadata.Name)) throw new KubernetesConflictException("AlreadyExists", "exists");
            return Task.FromResult(_leases[lease.Metadata.Name] = lease with { Metadata = lease.Metadata with { ResourceVersion = (++_version).ToString() } });
        }
    }

    public Task<Lease> ReplaceLeaseAsync(Lease lease, CancellationToken cancellationToken)
    {
        Fail();
        lock (_lock)
        {
            if (!_leases.TryGetValue(lease.Metadata.Name, out var stored) || stored.Metadata.ResourceVersion != lease.Metadata.ResourceVersion)
            {
                throw new KubernetesConflictException("Conflict", "the object has been modified");
            }
            return Task.FromResult(_leases[lease.Metadata.Name] = lease with { Metadata = lease.Metadata with { ResourceVersion = (++_version).ToString() } });
        }
    }

    public Lease? Lease(string name)
    {
        lock (_lock) return _leases.GetValueOrDefault(name);
    }

    private void Fail()
    {
        if (Failure is { } failure) throw failure();
    }

    private void Publish(WatchEvent e)
    {
        _history.Add((_version, e));
        foreach (var w in _watchers) w.Writer.TryWrite(e);
    }

    private static ResourceObject Object(string name, long version, string value)
    {
        var json = JsonDocument.Parse($$$"""{"metadata":{"name":"{{{name}}}","namespace":"shop","resourceVersion":"{{{version}}}"},"spec":{"value":"{{{value}}}"}}""").RootElement;
        return new ResourceObject(new ObjectMeta(name, "shop", ResourceVersion: version.ToString()), json);
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }

    public Task<Scale> GetScaleAsync(ScaleTarget target, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<Scale> PatchScaleAsync(ScaleTarget target, int replicas, string resourceVersion, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<PodState>> ListPodsAsync(string @namespace, string labelSelector, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<ResourceObject> PatchStatusAsync(ResourceKind kind, string @namespace, string name, JsonElement status, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task CreateEventAsync(ClusterEvent clusterEvent, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<HorizontalPodAutoscaler>> ListHorizontalPodAutoscalersAsync(string @namespace, CancellationToken cancellationToken) => throw new NotSupportedException();
}
