using System.Globalization;

using Observe.Topology.AccessLogs;

namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>
/// Istio's default text access-log format (the proxy's <c>accessLogFormat</c> when none is set):
/// <code>
/// [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
/// %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
/// "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
/// %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
/// "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER%
/// %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
/// %REQUESTED_SERVER_NAME% %ROUTE_NAME%
/// </code>
/// Fields are bracketed, quoted or bare; "-" means absent.
/// </summary>
internal static class IstioTextFormat
{
    private static readonly string[] FieldNames =
    [
        "START_TIME", "request line", "RESPONSE_CODE", "RESPONSE_FLAGS", "RESPONSE_CODE_DETAILS", "CONNECTION_TERMINATION_DETAILS",
        "UPSTREAM_TRANSPORT_FAILURE_REASON", "BYTES_RECEIVED", "BYTES_SENT", "DURATION", "X-ENVOY-UPSTREAM-SERVICE-TIME",
        "X-FORWARDED-FOR", "USER-AGENT", "X-REQUEST-ID", ":AUTHORITY", "UPSTREAM_HOST", "UPSTREAM_CLUSTER",
        "UPSTREAM_LOCAL_ADDRESS", "DOWNSTREAM_LOCAL_ADDRESS", "DOWNSTREAM_REMOTE_ADDRESS", "REQUESTED_SERVER_NAME", "ROUTE_NAME",
    ];

    public static AccessLogRecord Parse(string line)
    {
        var fields = Tokenize(line);
        if (fields.Count != FieldNames.Length)
        {
            throw new AccessLogFormatException($"expected {FieldNames.Length} fields of Istio's default text format, found {fields.Count}");
        }
        var request = fields[1].Split(' ');
        if (request.Length != 3)
        {
            throw new AccessLogFormatException($"request line: expected \"METHOD PATH PROTOCOL\", got \"{fields[1]}\"");
        }
        return new AccessLogRecord
        {
            StartTime = Time(fields[0]),
            Method = Value(request[0]),
            Path = Value(request[1]),
            Protocol = Value(request[2]),
            ResponseCode = (int)Number(fields, 2),
            ResponseFlags = Flags(fields[3]),
            ResponseCodeDetails = Value(fields[4]),
            ConnectionTerminationDetails = Value(fields[5]),
            UpstreamTransportFailureReason = Value(fields[6]),
            BytesReceived = Number(fields, 7),
            BytesSent = Number(fields, 8),
            Duration = TimeSpan.FromMilliseconds(Number(fields, 9)),
            UpstreamServiceTime = Value(fields[10]) is null ? null : TimeSpan.FromMilliseconds(Number(fields, 10)),
            ForwardedFor = Value(fields[11]),
            UserAgent = Value(fields[12]),
            RequestId = Value(fields[13]),
            Authority = Value(fields[14]),
            UpstreamHost = Value(fields[15]),
            UpstreamCluster = Value(fields[16]),
            UpstreamLocalAddress = Value(fields[17]),
            DownstreamLocalAddress = Value(fields[18]),
            DownstreamRemoteAddress = Value(fields[19]),
            RequestedServerName = Value(fields[20]),
            RouteName = Value(fields[21]),
        };
    }

    /// <summary>Envoy writes a set of flags comma-separated ("UH,URX"), or "-" for none.</summary>
    internal static IReadOnlyList<string> Flags(string text) =>
        Value(text) is { } flags ? flags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];

    internal static string? Value(string text) => text is "-" or "" ? null : text;

    /// <summary>"-" (no time) is left as default: the receiver stamps the line with its arrival.</summary>
    private static DateTimeOffset Time(string text) =>
        text == "-" ? default
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new AccessLogFormatException($"START_TIME: '{text}' is not a time");

    private static ulong Number(List<string> fields, int index)
    {
        var text = fields[index];
        if (text == "-")
        {
            return 0;
        }
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new AccessLogFormatException($"{FieldNames[index]}: '{text}' is not a number");
    }

    /// <summary>Splits on spaces, keeping [bracketed] and "quoted" fields whole (without their delimiters).</summary>
    private static List<string> Tokenize(string line)
    {
        var fields = new List<string>(FieldNames.Length);
        var i = 0;
        while (i < line.Length)
        {
            if (line[i] == ' ')
            {
                i++;
                continue;
            }
            var close = line[i] switch { '[' => ']', '"' => '"', _ => ' ' };
            var start = close == ' ' ? i : i + 1;
            var end = line.IndexOf(close, start);
            if (end < 0)
            {
                if (close != ' ')
                {
                    throw new AccessLogFormatException($"field {fields.Count + 1} opens with {line[i]} but the line ends before its closing {close}");
                }
                end = line.Length;
            }
            fields.Add(line[start..end]);
            i = end + 1;
        }
        return fields;
    }
}
