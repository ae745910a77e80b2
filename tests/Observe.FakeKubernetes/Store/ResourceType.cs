using Observe.FakeKubernetes.Http;

namespace Observe.FakeKubernetes.Store;

/// <summary>What the API verbs mean for one resource: which exist, and which subresources it serves.</summary>
internal sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Kind,
    bool BuiltIn,
    bool HasStatus,
    bool HasScale,
    bool ClientWritable)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public ResourceTypeRef Ref { get; } = new(Group, Plural);

    /// <summary>Kind as validation messages name it, e.g. <c>Deployment.apps</c>.</summary>
    public string KindQualified => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    public string Key => $"{Group}/{Plural}";
}

/// <summary>The resources this fake serves, the only ones a request can reach.</summary>
internal static class ResourceTypes
{
    public static ResourceType Deployments { get; } = new("apps", "v1", "deployments", "Deployment", BuiltIn: true, HasStatus: true, HasScale: true, ClientWritable: false);

    public static ResourceType StatefulSets { get; } = new("apps", "v1", "statefulsets", "StatefulSet", BuiltIn: true, HasStatus: true, HasScale: true, ClientWritable: false);

    public static ResourceType Pods { get; } = new("", "v1", "pods", "Pod", BuiltIn: true, HasStatus: false, HasScale: false, ClientWritable: false);

    public static ResourceType ScalingPolicies { get; } = new("observe.dev", "v1alpha1", "scalingpolicies", "ScalingPolicy", BuiltIn: false, HasStatus: true, HasScale: false, ClientWritable: true);

    public static ResourceType ServiceLevelObjectives { get; } = new("observe.dev", "v1alpha1", "servicelevelobjectives", "ServiceLevelObjective", BuiltIn: false, HasStatus: true, HasScale: false, ClientWritable: true);

    public static ResourceType Leases { get; } = new("coordination.k8s.io", "v1", "leases", "Lease", BuiltIn: true, HasStatus: false, HasScale: false, ClientWritable: true);

    public static ResourceType Events { get; } = new("events.k8s.io", "v1", "events", "Event", BuiltIn: true, HasStatus: false, HasScale: false, ClientWritable: true);

    public static ResourceType CoreEvents { get; } = new("", "v1", "events", "Event", BuiltIn: true, HasStatus: false, HasScale: false, ClientWritable: true);

    public static ResourceType HorizontalPodAutoscalers { get; } = new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", BuiltIn: true, HasStatus: true, HasScale: false, ClientWritable: false);

    public static IReadOnlyList<ResourceType> All { get; } =
        [Deployments, StatefulSets, Pods, ScalingPolicies, ServiceLevelObjectives, Leases, Events, CoreEvents, HorizontalPodAutoscalers];

    public static ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    /// <summary>By kind or plural, any case: what the C# seeding methods accept ("Deployment", "deployments").</summary>
    public static ResourceType ByName(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Kind, name, StringComparison.OrdinalIgnoreCase) || string.Equals(t.Plural, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"the fake serves no resource named '{name}'", nameof(name));
}
