namespace Observe.Topology.Graph;

/// <summary>What a node of the graph stands for: the graph types users know from Kiali.</summary>
public enum GraphGrouping
{
    /// <summary>One node per workload (deployment), its service and version as attributes.</summary>
    Workload,

    /// <summary>One node per service and version: canary versions side by side.</summary>
    Version,

    /// <summary>One node per app (Istio's canonical service), versions merged.</summary>
    App,

    /// <summary>One node per service. Observe's service is the canonical service, so this equals <see cref="App"/>.</summary>
    Service,
}

/// <summary>Health of a node or an edge, from its error ratios and the configured thresholds.</summary>
public enum HealthState
{
    /// <summary>No requests in the window.</summary>
    Idle,
    Healthy,
    Degraded,
    Failing,
}

/// <summary>Which part of the traffic a graph shows.</summary>
/// <param name="Namespaces">Only edges with a source or destination in one of these; all when empty.</param>
/// <param name="Services">Only edges with a source or destination of one of these services; all when empty.</param>
/// <param name="ByZone">One node per zone a workload runs in (zone failover visible), or one node for all zones.</param>
public sealed record GraphFilter(
    GraphGrouping GroupBy = GraphGrouping.Workload,
    IReadOnlyList<string>? Namespaces = null,
    IReadOnlyList<string>? Services = null,
    bool ByZone = true);

/// <summary>
/// Golden signals of traffic over a window. Ratios are 0..1; latencies in milliseconds, null
/// when not known (outbound traffic of a node carries no latency).
/// </summary>
public sealed record Traffic(
    long Requests,
    double RequestsPerSecond,
    double ErrorRatio,
    double ServerErrorRatio,
    double ClientErrorRatio,
    double GrpcErrorRatio,
    double? P50,
    double? P95,
    double? P99,
    double BytesPerSecond,
    double MtlsShare)
{
    public static Traffic None { get; } = new(0, 0, 0, 0, 0, 0, null, null, null, 0, 0);
}

/// <summary>
/// A node: a workload, version, app or service (by grouping), or a virtual peer (user,
/// database, messaging, external) or gateway. Its id is stable across windows and frames.
/// </summary>
/// <param name="Kind">workload, gateway, user, database, messaging, external or unknown.</param>
/// <param name="Zone">The availability zone, or "*" when zones are merged.</param>
/// <param name="Inbound">Requests the node received; health is judged on these.</param>
/// <param name="Outbound">Requests the node sent (no latency).</param>
public sealed record GraphNode(
    string Id,
    string Kind,
    string Name,
    string Namespace,
    string Service,
    string Version,
    string Cluster,
    string Zone,
    Traffic Inbound,
    Traffic Outbound,
    HealthState Health);

/// <summary>Requests from one node to another over one protocol.</summary>
/// <param name="CrossZone">Source and destination are in different known zones.</param>
public sealed record GraphEdge(
    string Id,
    string Source,
    string Target,
    string Protocol,
    bool CrossZone,
    Traffic Traffic,
    HealthState Health);

/// <summary>The service graph of one window [From, To).</summary>
public sealed record ServiceGraph(
    DateTimeOffset From,
    DateTimeOffset To,
    GraphGrouping GroupBy,
    IReadOnlyList<GraphNode> Nodes,
    IReadOnlyList<GraphEdge> Edges);
