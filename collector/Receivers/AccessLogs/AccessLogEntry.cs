namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>
/// The fields of one proxy access-log line, whatever format it came in. Values a proxy writes as
/// "-" (absent) are null or zero here.
/// </summary>
internal sealed record AccessLogEntry
{
    public DateTimeOffset StartTime { get; init; }
    public string? Method { get; init; }
    public string? Path { get; init; }
    /// <summary>HTTP/1.1, HTTP/2, or null for TCP.</summary>
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
}

/// <summary>A line that could not be parsed: what was wrong and where, for the count and the raw copy.</summary>
internal sealed class AccessLogFormatException(string message) : Exception(message);
