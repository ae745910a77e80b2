using Observe.Autoscaler.Scaling;
namespace Observe.Autoscaler.Kubernetes;

/// <summary>The REST paths of the API: <c>/api/v1/...</c> for the core group, <c>/apis/{group}/{version}/...</c> for the others.</summary>
internal static class ResourcePaths
{
    public static string Collection(string group, string version, string plural, string? @namespace)
    {
        var root = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        return @namespace is null ? $"{root}/{plural}" : $"{root}/namespaces/{Escape(@namespace)}/{plural}";
    }

    public static string Collection(ResourceKind kind, string? @namespace) => Collection(kind.Group, kind.Version, kind.Plural, @namespace);

    public static string Item(ResourceKind kind, string @namespace, string name) => $"{Collection(kind, @namespace)}/{Escape(name)}";

    /// <summary>The <c>/scale</c> subresource of a workload, its plural derived from its kind.</summary>
    public static string Scale(ScaleTarget target)
    {
        if (string.IsNullOrEmpty(target.Namespace))
        {
            throw new ArgumentException($"The scale target {target.Kind}/{target.Name} has no namespace; the controller must resolve it to the policy's own first.", nameof(target));
        }
        var slash = target.ApiVersion.IndexOf('/');
        var (group, version) = slash < 0 ? ("", target.ApiVersion) : (target.ApiVersion[..slash], target.ApiVersion[(slash + 1)..]);
        return $"{Collection(group, version, Plural(target.Kind), target.Namespace)}/{Escape(target.Name)}/scale";
    }

    public static string Plural(string kind) => kind switch
    {
        "Deployment" => "deployments",
        "StatefulSet" => "statefulsets",
        "ReplicaSet" => "replicasets",
        "ReplicationController" => "replicationcontrollers",
        _ => kind.ToLowerInvariant() + "s",
    };

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
