namespace Observe.Ui.Tests;

/// <summary>What the demo mesh is (collector/Demo): the workloads and calls the graph must show.</summary>
internal static class DemoMesh
{
    public static readonly string[] Zones = ["a", "b"];

    /// <summary>Workloads that run pods in both zones (the database is a peer, not a workload).</summary>
    public static readonly string[] Workloads =
        ["istio-ingressgateway", "productpage-v1", "details-v1", "reviews-v1", "reviews-v2", "reviews-v3", "ratings-v1"];

    public const string Database = "ratings-db";

    /// <summary>Caller → callee by workload name.</summary>
    public static readonly (string Source, string Target)[] Calls =
    [
        ("istio-ingressgateway", "productpage-v1"),
        ("productpage-v1", "details-v1"),
        ("productpage-v1", "reviews-v1"),
        ("productpage-v1", "reviews-v2"),
        ("productpage-v1", "reviews-v3"),
        ("reviews-v2", "ratings-v1"),
        ("reviews-v3", "ratings-v1"),
        ("ratings-v1", Database),
    ];

    public static readonly string[] Healths = ["idle", "healthy", "degraded", "failing"];

    /// <summary>
    /// The name part of a node id (<c>kind:cluster/namespace/name[/version]@zone</c>, README
    /// "Topology").
    /// </summary>
    public static string NameOf(string nodeId)
    {
        var path = nodeId[(nodeId.IndexOf(':') + 1)..];
        var at = path.LastIndexOf('@');
        if (at >= 0)
        {
            path = path[..at];
        }
        var parts = path.Split('/');
        return parts.Length >= 3 ? parts[2] : path;
    }

    /// <summary>
    /// JS: the graph's leaf node for a workload name and zone exists (polled in the page, where
    /// the name is read from the id the same way as <see cref="NameOf"/>).
    /// </summary>
    public const string NameOfJs =
        "(id) => { let p = id.slice(id.indexOf(':') + 1); const at = p.lastIndexOf('@'); if (at >= 0) p = p.slice(0, at); const s = p.split('/'); return s.length >= 3 ? s[2] : p; }";
}
