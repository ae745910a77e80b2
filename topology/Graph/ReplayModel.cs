namespace Observe.Topology.Graph;

/// <summary>
/// Frames of a range: frame i shows the window (Time − Window, Time], Time = From + i × Step.
/// </summary>
public sealed record ReplayRange(DateTimeOffset From, DateTimeOffset To, TimeSpan Step, TimeSpan Window);

/// <summary>A node of the replay's dictionary: what it is, without traffic.</summary>
public sealed record ReplayNode(string Id, string Kind, string Name, string Namespace, string Service, string Version, string Cluster, string Zone);

/// <summary>An edge of the replay's dictionary; Source and Target index <see cref="GraphReplay.Nodes"/>.</summary>
public sealed record ReplayEdge(string Id, int Source, int Target, string Protocol, bool CrossZone);

/// <summary>
/// Traffic of the nodes or edges present in a frame, as columns: entry k of every array belongs
/// to the node or edge at dictionary index <see cref="Index"/>[k]. Absent ones had no traffic.
/// For nodes, the traffic is inbound; <see cref="OutboundRequestsPerSecond"/> is set for nodes only.
/// </summary>
public sealed record TrafficColumns(
    int[] Index,
    long[] Requests,
    double[] RequestsPerSecond,
    double[] ErrorRatio,
    double[] ServerErrorRatio,
    double[] ClientErrorRatio,
    double[] GrpcErrorRatio,
    double?[] P50,
    double?[] P95,
    double?[] P99,
    double[] BytesPerSecond,
    double[] MtlsShare,
    HealthState[] Health,
    double[]? OutboundRequestsPerSecond);

/// <summary>One frame: its time and the traffic columns of its nodes and edges.</summary>
public sealed record ReplayFrame(DateTimeOffset Time, TrafficColumns Nodes, TrafficColumns Edges);

/// <summary>Every frame of a range: a dictionary of nodes and edges, then per-frame metric columns.</summary>
public sealed record GraphReplay(
    DateTimeOffset From,
    DateTimeOffset To,
    TimeSpan Step,
    TimeSpan Window,
    GraphGrouping GroupBy,
    IReadOnlyList<ReplayNode> Nodes,
    IReadOnlyList<ReplayEdge> Edges,
    IReadOnlyList<ReplayFrame> Frames);
