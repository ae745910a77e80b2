using System.Text.Json;
using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>
/// The part of the Kubernetes API the controller uses, and nothing more. Implemented over
/// HttpClient by <c>KubernetesClient</c>; every call retries 429 and 5xx with backoff and jitter
/// (honouring Retry-After), has a timeout, and throws <see cref="KubernetesApiException"/> (or a
/// subclass) with the API's own Status message when the answer is an error.
/// </summary>
public interface IKubernetesApi
{
    /// <summary>GET the <c>/scale</c> subresource of a scalable workload (namespace must be set).</summary>
    Task<Scale> GetScaleAsync(ScaleTarget target, CancellationToken cancellationToken);

    /// <summary>
    /// PATCH (merge) <c>spec.replicas</c> of the <c>/scale</c> subresource with
    /// <c>metadata.resourceVersion</c> as precondition: a write since that version throws
    /// <see cref="KubernetesConflictException"/> (409), never overwrites it.
    /// </summary>
    Task<Scale> PatchScaleAsync(ScaleTarget target, int replicas, string resourceVersion, CancellationToken cancellationToken);

    /// <summary>Pods matching a label selector (the scale's <c>status.selector</c>), with their age and readiness.</summary>
    Task<IReadOnlyList<PodState>> ListPodsAsync(string @namespace, string labelSelector, CancellationToken cancellationToken);

    /// <summary>LIST of a resource kind, in one namespace or (null) all; the list's resourceVersion starts a watch.</summary>
    Task<ResourceList> ListAsync(ResourceKind kind, string? @namespace, CancellationToken cancellationToken);

    /// <summary>
    /// WATCH from <paramref name="resourceVersion"/> with bookmarks. Ends when the server closes the
    /// stream (its timeout); throws <see cref="ResourceExpiredException"/> when the version is too
    /// old (410 Gone, as an HTTP status or as an ERROR event), after which the caller re-lists.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(ResourceKind kind, string? @namespace, string resourceVersion, CancellationToken cancellationToken);

    /// <summary>Merge-patches the <c>/status</c> subresource of a custom resource with <paramref name="status"/> (the value of <c>.status</c>).</summary>
    Task<ResourceObject> PatchStatusAsync(ResourceKind kind, string @namespace, string name, JsonElement status, CancellationToken cancellationToken);

    /// <summary>POST an <c>events.k8s.io/v1</c> Event.</summary>
    Task CreateEventAsync(ClusterEvent clusterEvent, CancellationToken cancellationToken);

    /// <summary>GET a <c>coordination.k8s.io/v1</c> Lease; null when it does not exist (404).</summary>
    Task<Lease?> GetLeaseAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>POST a new Lease; <see cref="KubernetesConflictException"/> when one exists (409 AlreadyExists).</summary>
    Task<Lease> CreateLeaseAsync(Lease lease, CancellationToken cancellationToken);

    /// <summary>PUT a Lease with the resourceVersion it was read at; <see cref="KubernetesConflictException"/> when someone wrote it since.</summary>
    Task<Lease> ReplaceLeaseAsync(Lease lease, CancellationToken cancellationToken);

    /// <summary><c>autoscaling/v2</c> HorizontalPodAutoscalers in a namespace, with the workload each one scales.</summary>
    Task<IReadOnlyList<HorizontalPodAutoscaler>> ListHorizontalPodAutoscalersAsync(string @namespace, CancellationToken cancellationToken);
}

/// <summary>The object metadata the controller reads (a subset of <c>ObjectMeta</c>).</summary>
public sealed record ObjectMeta(
    string Name,
    string? Namespace = null,
    string? Uid = null,
    string? ResourceVersion = null,
    long? Generation = null,
    DateTimeOffset? CreationTimestamp = null,
    DateTimeOffset? DeletionTimestamp = null);

/// <summary>An <c>autoscaling/v1</c> Scale: what is asked for (spec) and what runs (status).</summary>
/// <param name="Selector">The pods' label selector in its string form (<c>status.selector</c>); null when the kind does not publish one.</param>
public sealed record Scale(ObjectMeta Metadata, int SpecReplicas, int StatusReplicas, string? Selector);

/// <param name="Ready">The pod's Ready condition is True.</param>
/// <param name="Terminating">It has a deletionTimestamp.</param>
public sealed record PodState(string Name, DateTimeOffset Created, bool Ready, bool Terminating);

/// <summary>A resource kind by its REST coordinates (group "" is the core API).</summary>
public sealed record ResourceKind(string Group, string Version, string Plural, string Kind)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public static ResourceKind ScalingPolicies { get; } = new("observe.dev", "v1alpha1", "scalingpolicies", "ScalingPolicy");

    public static ResourceKind ServiceLevelObjectives { get; } = new("observe.dev", "v1alpha1", "servicelevelobjectives", "ServiceLevelObjective");
}

/// <summary>One object as the API returned it: its metadata, read, and the whole object as JSON.</summary>
public sealed record ResourceObject(ObjectMeta Metadata, JsonElement Json);

public sealed record ResourceList(string ResourceVersion, IReadOnlyList<ResourceObject> Items);

public enum WatchEventType { Added, Modified, Deleted, Bookmark }

/// <summary>A watch event; a bookmark carries only <c>metadata.resourceVersion</c>.</summary>
public sealed record WatchEvent(WatchEventType Type, ResourceObject Object);

/// <summary>The object an Event is about.</summary>
public sealed record ObjectReference(string ApiVersion, string Kind, string Name, string Namespace, string? Uid = null);

/// <summary>An <c>events.k8s.io/v1</c> Event (named after the object and a unique suffix by the client).</summary>
/// <param name="Type"><c>Normal</c> or <c>Warning</c>.</param>
/// <param name="Reason">UpperCamelCase, e.g. <c>ScaledUp</c>, <c>ConflictingHpa</c>.</param>
/// <param name="Action">What was done or refused, e.g. <c>Scale</c>.</param>
public sealed record ClusterEvent(ObjectReference Regarding, string Type, string Reason, string Action, string Note, DateTimeOffset Time, string ReportingController, string ReportingInstance);

/// <summary>A <c>coordination.k8s.io/v1</c> Lease.</summary>
public sealed record Lease(
    ObjectMeta Metadata,
    string? HolderIdentity,
    int LeaseDurationSeconds,
    DateTimeOffset? AcquireTime,
    DateTimeOffset? RenewTime,
    int LeaseTransitions);

/// <summary>An <c>autoscaling/v2</c> HorizontalPodAutoscaler, reduced to what it scales.</summary>
public sealed record HorizontalPodAutoscaler(ObjectMeta Metadata, string TargetApiVersion, string TargetKind, string TargetName);

/// <summary>An error answer of the API: its HTTP status and, from the Status body, reason and message.</summary>
public class KubernetesApiException(int statusCode, string? reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The Status's <c>reason</c> (e.g. <c>Conflict</c>, <c>AlreadyExists</c>, <c>NotFound</c>, <c>Expired</c>).</summary>
    public string? Reason { get; } = reason;
}

/// <summary>409: a resourceVersion precondition failed, or the object already exists.</summary>
public sealed class KubernetesConflictException(string? reason, string message) : KubernetesApiException(409, reason, message);

/// <summary>410 Gone: the resourceVersion a watch started from has been compacted away; re-list.</summary>
public sealed class ResourceExpiredException(string message) : KubernetesApiException(410, "Expired", message);
