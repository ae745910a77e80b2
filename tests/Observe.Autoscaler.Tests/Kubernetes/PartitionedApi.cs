using System.Text.Json;
using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Tests.Kubernetes;

/// <summary>One replica's view of the cluster, which the test can cut off (a dead or partitioned replica: no release, no renewal).</summary>
internal sealed class PartitionedApi(IKubernetesApi cluster) : IKubernetesApi
{
    public volatile bool Down;

    private IKubernetesApi Peer => Down ? throw new HttpRequestException("connection refused") : cluster;

    public Task<Lease?> GetLeaseAsync(string @namespace, string name, CancellationToken cancellationToken) => Peer.GetLeaseAsync(@namespace, name, cancellationToken);
    public Task<Lease> CreateLeaseAsync(Lease lease, CancellationToken cancellationToken) => Peer.CreateLeaseAsync(lease, cancellationToken);
    public Task<Lease> ReplaceLeaseAsync(Lease lease, CancellationToken cancellationToken) => Peer.ReplaceLeaseAsync(lease, cancellationToken);
    public Task<Scale> GetScaleAsync(ScaleTarget target, CancellationToken cancellationToken) => Peer.GetScaleAsync(target, cancellationToken);
    public Task<Scale> PatchScaleAsync(ScaleTarget target, int replicas, string resourceVersion, CancellationToken cancellationToken) => Peer.PatchScaleAsync(target, replicas, resourceVersion, cancellationToken);
    public Task<IReadOnlyList<PodState>> ListPodsAsync(string @namespace, string labelSelector, CancellationToken cancellationToken) => Peer.ListPodsAsync(@namespace, labelSelector, cancellationToken);
    public Task<ResourceList> ListAsync(ResourceKind kind, string? @namespace, CancellationToken cancellationToken) => Peer.ListAsync(kind, @namespace, cancellationToken);
    public IAsyncEnumerable<WatchEvent> WatchAsync(ResourceKind kind, string? @namespace, string resourceVersion, CancellationToken cancellationToken) => Peer.WatchAsync(kind, @namespace, resourceVersion, cancellationToken);
    public Task<ResourceObject> PatchStatusAsync(ResourceKind kind, string @namespace, string name, JsonElement status, CancellationToken cancellationToken) => Peer.PatchStatusAsync(kind, @namespace, name, status, cancellationToken);
    public Task CreateEventAsync(ClusterEvent clusterEvent, CancellationToken cancellationToken) => Peer.CreateEventAsync(clusterEvent, cancellationToken);
    public Task<IReadOnlyList<HorizontalPodAutoscaler>> ListHorizontalPodAutoscalersAsync(string @namespace, CancellationToken cancellationToken) => Peer.ListHorizontalPodAutoscalersAsync(@namespace, cancellationToken);
}
