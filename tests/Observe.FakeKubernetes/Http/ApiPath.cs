using Observe.FakeKubernetes.Store;

namespace Observe.FakeKubernetes.Http;

/// <summary>
/// A request path resolved to a resource: <c>/api/v1/...</c> (core) or <c>/apis/{group}/{version}/...</c>,
/// then <c>namespaces/{ns}/{plural}[/{name}[/{subresource}]]</c> or <c>{plural}</c> across namespaces.
/// </summary>
internal sealed record ApiPath(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    public static ApiPath Parse(string path)
    {
        var segments = path.Trim('/').Split('/');
        var (group, version, rest) = segments switch
        {
            ["api", var v, .. var r] => ("", v, r),
            ["apis", var g, var v, .. var r] => (g, v, r),
            _ => throw NotServed(),
        };
        return rest switch
        {
            ["namespaces", var ns, var plural] => new ApiPath(Find(group, version, plural), ns, null, null),
            ["namespaces", var ns, var plural, var name] => new ApiPath(Find(group, version, plural), ns, name, null),
            ["namespaces", var ns, var plural, var name, var sub] => new ApiPath(Find(group, version, plural), ns, name, sub),
            [var plural] => new ApiPath(Find(group, version, plural), null, null, null),
            _ => throw NotServed(),
        };
    }

    private static ResourceType Find(string group, string version, string plural) =>
        ResourceTypes.Find(group, version, plural) ?? throw NotServed();

    /// <summary>What the server answers for a path no API group serves.</summary>
    public static ApiError NotServed() => new(404, "NotFound", "the server could not find the requested resource");
}
