using System.Globalization;
using System.Text.Json;

using Observe.Topology.AccessLogs;

namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>
/// Access logs written one JSON object per line. Istio's JSON encoding uses the snake_case names
/// of its text format's fields (<c>start_time</c>, <c>response_code</c>…); Envoy has no default
/// JSON format, and Observe reads the same keys from it; nginx JSON lines use the variables of the
/// <c>log_format</c> in deploy/examples/nginx (<c>time</c>, <c>status</c>, <c>request_time</c>…).
/// Numbers may be JSON numbers or strings; "-" and null mean absent.
/// </summary>
internal static class JsonLineFormat
{
    /// <summary>The keys <see cref="ParseEnvoy"/> reads; any other key of a line is kept as an attribute.</summary>
    internal static readonly HashSet<string> EnvoyKeys =
    [
        "start_time", "method", "path", "protocol", "response_code", "response_flags", "response_code_details",
        "connection_termination_details", "upstream_transport_failure_reason", "bytes_received", "bytes_sent", "duration",
        "upstream_service_time", "x_forwarded_for", "user_agent", "request_id", "authority", "upstream_host", "upstream_cluster",
        "upstream_local_address", "downstream_local_address", "downstream_remote_address", "requested_server_name", "route_name",
    ];

    internal static readonly HashSet<string> NginxKeys =
    [
        "time", "remote_addr", "request_method", "request_uri", "server_protocol", "status", "body_bytes_sent", "request_length",
        "request_time", "msec", "upstream_addr", "upstream_status", "upstream_response_time", "host", "http_user_agent", "http_x_request_id",
        "request_id", "http_x_forwarded_for", "server_addr", "server_port",
    ];

    public static AccessLogRecord ParseEnvoy(JsonElement line) => new()
    {
        GrpcStatus = Number(line, "grpc_status") is { } grpc ? (int)grpc : null,
        StartTime = Time(line, "start_time") ?? throw Missing("start_time"),
        Method = Text(line, "method"),
        Path = Text(line, "path"),
        Protocol = Text(line, "protocol"),
        ResponseCode = (int)(Number(line, "response_code") ?? 0),
        ResponseFlags = IstioTextFormat.Flags(Text(line, "response_flags") ?? "-"),
        ResponseCodeDetails = Text(line, "response_code_details"),
        ConnectionTerminationDetails = Text(line, "connection_termination_details"),
        UpstreamTransportFailureReason = Text(line, "upstream_transport_failure_reason"),
        BytesReceived = (ulong)(Number(line, "bytes_received") ?? 0),
        BytesSent = (ulong)(Number(line, "bytes_sent") ?? 0),
        Duration = TimeSpan.FromMilliseconds(Number(line, "duration") ?? 0),
        UpstreamServiceTime = Number(line, "upstream_service_time") is { } upstream ? TimeSpan.FromMilliseconds(upstream) : null,
        ForwardedFor = Text(line, "x_forwarded_for"),
        UserAgent = Text(line, "user_agent"),
        RequestId = Text(line, "request_id"),
        Authority = Text(line, "authority"),
        UpstreamHost = Text(line, "upstream_host"),
        UpstreamCluster = Text(line, "upstream_cluster"),
        UpstreamLocalAddress = Text(line, "upstream_local_address"),
        DownstreamLocalAddress = Text(line, "downstream_local_address"),
        DownstreamRemoteAddress = Text(line, "downstream_remote_address"),
        RequestedServerName = Text(line, "requested_server_name"),
        RouteName = Text(line, "route_name"),
    };

    /// <summary>nginx: <c>request_time</c> and <c>upstream_response_time</c> are in seconds with millisecond resolution.</summary>
    public static AccessLogRecord ParseNginx(JsonElement line) => new()
    {
        // msec (the end, in seconds with milliseconds) less request_time is the start; time is whole seconds.
        StartTime = Number(line, "msec") is { } end
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round((end - (Number(line, "request_time") ?? 0)) * 1000))
            : Time(line, "time") ?? throw Missing("time"),
        Method = Text(line, "request_method"),
        Path = Text(line, "request_uri"),
        Protocol = Text(line, "server_protocol"),
        ResponseCode = (int)(Number(line, "status") ?? throw Missing("status")),
        BytesReceived = (ulong)(Number(line, "request_length") ?? 0),
        BytesSent = (ulong)(Number(line, "body_bytes_sent") ?? 0),
        Duration = TimeSpan.FromSeconds(Number(line, "request_time") ?? 0),
        // Several upstreams tried (retries) are listed "a, b"; the last one answered.
        UpstreamServiceTime = Last(Text(line, "upstream_response_time")) is { } upstream && double.TryParse(upstream, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds) : null,
        UpstreamHost = Last(Text(line, "upstream_addr")),
        ForwardedFor = Text(line, "http_x_forwarded_for"),
        UserAgent = Text(line, "http_user_agent"),
        RequestId = Text(line, "http_x_request_id") ?? Text(line, "request_id"),
        Authority = Text(line, "host"),
        DownstreamRemoteAddress = Text(line, "remote_addr"),
        DownstreamLocalAddress = Text(line, "server_addr") is { } address && Text(line, "server_port") is { } port ? $"{address}:{port}" : null,
    };

    private static string? Last(string? list) => list?.Split(',').Last().Trim() is { Length: > 0 } last and not "-" ? last : null;

    private static AccessLogFormatException Missing(string key) => new($"'{key}' is required");

    private static string? Text(JsonElement line, string key)
    {
        if (!line.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => IstioTextFormat.Value(value.GetString()!),
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new AccessLogFormatException($"'{key}': expected a string, got {Kind(value)}"),
        };
    }

    private static double? Number(JsonElement line, string key)
    {
        if (!line.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetDouble(out var number) && number >= 0:
                return number;
            case JsonValueKind.String when IstioTextFormat.Value(value.GetString()!) is null:
                return null;
            case JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0:
                return parsed;
            default:
                throw new AccessLogFormatException($"'{key}': expected a non-negative number, got {Kind(value)}");
        }
    }

    private static DateTimeOffset? Time(JsonElement line, string key) =>
        Text(line, key) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time
        : throw new AccessLogFormatException($"'{key}': '{text}' is not a time");

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"string '{value.GetString()}'",
        JsonValueKind.True or JsonValueKind.False => $"boolean {value.GetRawText()}",
        JsonValueKind.Number => $"number {value.GetRawText()}",
        var kind => kind.ToString().ToLowerInvariant(),
    };
}
