namespace Observe.Topology.AccessLogs;

/// <summary>
/// The fields of one proxy access-log entry, whatever format or transport it came in. Values a
/// proxy writes as "-" (absent) are null or zero here.
/// </summary>
public sealed record AccessLogRecord
{
    public DateTimeOffset StartTime { get; init; }
    public string? Method { get; init; }
    public string? Path { get; init; }
    /// <summary>HTTP/1.1, HTTP/2, HTTP/3, or null for TCP.</summary>
    public string? Protocol { get; init; }
    /// <summary>0 when no response was sent (TCP, or a reset before any).</summary>
    public int ResponseCode { get; init; }
    public IReadOnlyList<string> ResponseFlags { get; init; } = [];
    public string? ResponseCodeDetails { get; init; }
    public string? ConnectionTerminationDetails { get; init; }
    public string? UpstreamTransportFailureReason { get; init; }
    public ulong BytesReceived { get; init; }
    public ulong BytesSent { get; init; }
    public TimeSpan Duration { get; init; }
    public TimeSpan? UpstreamServiceTime { get; init; }
    public string? ForwardedFor { get; init; }
    public string? UserAgent { get; init; }
    public string? RequestId { get; init; }
    public string? Authority { get; init; }
    public string? UpstreamHost { get; init; }
    public string? UpstreamCluster { get; init; }
    public string? UpstreamLocalAddress { get; init; }
    public string? DownstreamLocalAddress { get; init; }
    public string? DownstreamRemoteAddress { get; init; }
    public string? RequestedServerName { get; init; }
    public string? RouteName { get; init; }

    /// <summary>The gRPC status when the entry carries one (a grpc-status trailer or attribute).</summary>
    public int? GrpcStatus { get; init; }

    /// <summary>Whether the downstream connection was mutual TLS, when the entry says (TLS properties, security policy).</summary>
    public bool? MutualTls { get; init; }

    /// <summary>
    /// Further named values of the entry: OTLP log attributes, extra JSON keys (Istio peer
    /// metadata such as <c>source_workload</c>, <c>upstream_peer</c>), header values.
    /// </summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = Empty;

    /// <summary>The proxy that wrote the entry, when the entry itself says (a log shipper's <c>kubernetes</c> object).</summary>
    public ReportingProxy? Reporter { get; init; }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}
