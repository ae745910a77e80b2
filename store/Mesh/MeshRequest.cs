namespace Observe.Store.Mesh;

/// <summary>One side of a mesh call: which workload, in which service, version, namespace, cluster and zone.</summary>
/// <remarks>What is not known is <see cref="Unknown"/>, never an empty string, so rollups group it visibly.</remarks>
public sealed record MeshPeer(
    string Workload = MeshPeer.Unknown,
    string Namespace = MeshPeer.Unknown,
    string Service = MeshPeer.Unknown,
    string Version = MeshPeer.Unknown,
    string Cluster = MeshPeer.Unknown,
    string Zone = MeshPeer.Unknown,
    MeshPeerKind Kind = MeshPeerKind.Workload)
{
    public const string Unknown = "unknown";

    /// <summary>The kind as stored: a workload nobody could name is an unknown node, not a workload.</summary>
    public string KindName => Kind == MeshPeerKind.Workload && Workload is Unknown or "" ? "unknown" : Kind.ToString().ToLowerInvariant();

    public static MeshPeer None { get; } = new();
}

/// <summary>What a node of the graph is.</summary>
public enum MeshPeerKind
{
    /// <summary>A workload of the mesh (or an instrumented service).</summary>
    Workload,

    /// <summary>An ingress or egress gateway.</summary>
    Gateway,

    /// <summary>The virtual caller of requests that entered from outside (root spans, unknown downstreams).</summary>
    User,

    /// <summary>A database named by a client span's db.system / db.name.</summary>
    Database,

    /// <summary>A broker named by messaging.system / messaging.destination.</summary>
    Messaging,

    /// <summary>A host outside the mesh (peer.service, server.address, a passthrough cluster).</summary>
    External,

    /// <summary>A peer nothing identified.</summary>
    Unknown,
}

/// <summary>Who reported a request: the caller's proxy, the callee's, or neither (e.g. a span pair).</summary>
public enum MeshReporter
{
    Source,
    Destination,
    Unknown,
}

/// <summary>Where a mesh request record came from.</summary>
public enum MeshOrigin
{
    AccessLog,
    Span,
}

/// <summary>
/// One request between two peers, counted once: the record the topology, the SLIs and the
/// autoscaler are computed from (through the rollups, not row by row).
/// </summary>
/// <param name="Protocol">http/1.1, http/2, grpc or tcp.</param>
/// <param name="ResponseCode">HTTP status; 0 when there was none (TCP, or no response).</param>
/// <param name="GrpcStatus">gRPC status code, or -1 when the request was not gRPC or none was seen.</param>
/// <param name="ResponseFlags">Envoy response flags (UH, UF, URX, NR, UO, DC…), empty when none.</param>
/// <param name="Error">A failure for SLIs and health: 5xx, gRPC not OK, or a flag that means failure.</param>
public sealed record MeshRequest(
    DateTimeOffset Timestamp,
    MeshPeer Source,
    MeshPeer Destination,
    MeshReporter Reporter,
    MeshOrigin Origin,
    string Protocol,
    string Method,
    string Authority,
    string Path,
    ushort ResponseCode,
    short GrpcStatus,
    IReadOnlyList<string> ResponseFlags,
    TimeSpan Duration,
    ulong BytesReceived,
    ulong BytesSent,
    bool Mtls,
    bool Error,
    string RequestId = "",
    string TraceId = "",
    string UpstreamCluster = "",
    string UpstreamHost = "");
