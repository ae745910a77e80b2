using Observe.Store;

namespace Observe.Topology.Graph;

/// <summary>
/// The answer rows of one window (a graph, or one frame of a replay) turned into nodes and edges:
/// edge rows give edges and the nodes at their ends; destination rows give the inbound latency of
/// nodes, which only the engine can merge; every count is summed here.
/// </summary>
internal sealed class Frame(double seconds)
{
    private readonly Dictionary<string, EdgeRow> _edges = [];
    private readonly Dictionary<string, NodeRow> _nodes = [];

    /// <summary>Adds one answer row whose columns start at <paramref name="offset"/> (layout of <see cref="GraphSql"/>).</summary>
    public void Add(string[] row, int offset)
    {
        var f = row.AsSpan(offset);
        var counts = Counts.Read(f[17..]);
        var destination = Node(f.Slice(6, 6), f[15], f[16]);
        if (f[0].Length == 0)
        {
            destination.InboundLatency = counts.Latency;
            return;
        }
        var source = Node(f[..6], f[13], f[14]);
        var protocol = f[12];
        var id = $"{source.Id}>{destination.Id}|{protocol}";
        _edges[id] = new EdgeRow(id, source, destination, protocol, counts);
        source.Outbound = source.Outbound.Add(counts);
        destination.Inbound = destination.Inbound.Add(counts);
        destination.InboundErrors = destination.InboundErrors.Add(counts.ErrorsOf(protocol));
        source.OutboundErrors = source.OutboundErrors.Add(counts.ErrorsOf(protocol));
    }

    public (IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges) Build(Health health)
    {
        var nodes = _nodes.Values.OrderBy(n => n.Id, StringComparer.Ordinal).Select(n => new GraphNode(
            n.Id, n.Kind, n.Name, n.Namespace, n.Service, n.Version, n.Cluster, n.Zone,
            n.Inbound.Traffic(seconds, n.InboundLatency),
            n.Outbound.Traffic(seconds, null),
            // Nodes nobody calls (users, gateways, jobs) are judged on what they send.
            n.Inbound.Requests > 0 ? health.Judge(n.InboundErrors, n.Namespace, n.Name) : health.Judge(n.OutboundErrors, n.Namespace, n.Name))).ToList();
        var edges = _edges.Values.OrderBy(e => e.Id, StringComparer.Ordinal).Select(e => new GraphEdge(
            e.Id, e.Source.Id, e.Target.Id, e.Protocol,
            e.Source.Zone != e.Target.Zone && IsZone(e.Source.Zone) && IsZone(e.Target.Zone),
            e.Counts.Traffic(seconds, e.Counts.Latency),
            health.Judge(e.Counts.ErrorsOf(e.Protocol), e.Target.Namespace, e.Target.Name))).ToList();
        return (nodes, edges);
    }

    private static bool IsZone(string zone) => zone is not ("unknown" or "*" or "");

    /// <summary>The node of a key (kind, cluster, namespace, name, version key, zone), made on first sight.</summary>
    private NodeRow Node(ReadOnlySpan<string> key, string service, string version)
    {
        var id = $"{key[0]}:{key[1]}/{key[2]}/{key[3]}{(key[4].Length > 0 ? "/" + key[4] : "")}@{key[5]}";
        if (!_nodes.TryGetValue(id, out var node))
        {
            node = new NodeRow(id, key[0], key[1], key[2], key[3], key[5]);
            _nodes.Add(id, node);
        }
        if (service.Length > 0 && node.Service.Length == 0)
        {
            node.Service = service;
            // A version key (version grouping) is the version; otherwise the version any of its requests named.
            node.Version = key[4].Length > 0 ? key[4] : version;
        }
        return node;
    }

    private sealed class NodeRow(string id, string kind, string cluster, string ns, string name, string zone)
    {
        public string Id { get; } = id;
        public string Kind { get; } = kind;
        public string Cluster { get; } = cluster;
        public string Namespace { get; } = ns;
        public string Name { get; } = name;
        public string Zone { get; } = zone;
        public string Service { get; set; } = "";
        public string Version { get; set; } = "";
        public Counts Inbound { get; set; } = Counts.Zero;
        public Counts Outbound { get; set; } = Counts.Zero;
        public ErrorCounts InboundErrors { get; set; }
        public ErrorCounts OutboundErrors { get; set; }
        public double[] InboundLatency { get; set; } = [];
    }

    private sealed record EdgeRow(string Id, NodeRow Source, NodeRow Target, string Protocol, Counts Counts);
}

/// <summary>Summed counters of traffic, and its latency quantiles (p50, p95, p99) when merged by the engine.</summary>
internal sealed record Counts(long Requests, long Errors, long ServerErrors, long ClientErrors, long GrpcErrors, long Mtls, long BytesReceived, long BytesSent, double[] Latency)
{
    public static Counts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, []);

    /// <summary>The eight sums then the quantile array, as <see cref="GraphSql"/> selects them.</summary>
    public static Counts Read(ReadOnlySpan<string> f) => new(
        TabSeparated.Long(f[0]), TabSeparated.Long(f[1]), TabSeparated.Long(f[2]), TabSeparated.Long(f[3]),
        TabSeparated.Long(f[4]), TabSeparated.Long(f[5]), TabSeparated.Long(f[6]), TabSeparated.Long(f[7]),
        TabSeparated.Doubles(f[8]));

    public Counts Add(Counts o) => new(Requests + o.Requests, Errors + o.Errors, ServerErrors + o.ServerErrors, ClientErrors + o.ClientErrors,
        GrpcErrors + o.GrpcErrors, Mtls + o.Mtls, BytesReceived + o.BytesReceived, BytesSent + o.BytesSent, []);

    public ErrorCounts ErrorsOf(string protocol) => ErrorCounts.Of(protocol, Requests, Errors, ServerErrors, ClientErrors);

    public Traffic Traffic(double seconds, double[]? latency)
    {
        if (Requests == 0)
        {
            return Graph.Traffic.None;
        }
        double Ratio(long n) => (double)n / Requests;
        double? Quantile(int i) => latency is { Length: 3 } && !double.IsNaN(latency[i]) ? Math.Round(latency[i], 3) : null;
        return new Traffic(Requests, Requests / seconds, Ratio(Errors), Ratio(ServerErrors), Ratio(ClientErrors), Ratio(GrpcErrors),
            Quantile(0), Quantile(1), Quantile(2), (BytesReceived + BytesSent) / seconds, Ratio(Mtls));
    }
}
