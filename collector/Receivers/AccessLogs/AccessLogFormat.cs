using System.Text;
using System.Text.Json;
using Observe.Topology.AccessLogs;

namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>The line formats Observe reads, by the names users give them (<c>?format=</c>, tail configuration).</summary>
internal enum AccessLogFormat
{
    IstioText,
    IstioJson,
    EnvoyJson,
    NginxJson,
}

/// <summary>
/// One access-log line of any supported format to a record: the format named, or detected from the
/// line (a <c>[</c> opens Istio's text format; a JSON object is told apart by its keys). Log
/// shippers' envelopes are unwrapped: Fluent Bit's <c>{"log": …, "kubernetes": {…}}</c> and
/// Vector's <c>{"message": …, "kubernetes": {…}}</c>, whose <c>kubernetes</c> object names the reporting proxy.
/// </summary>
internal static class AccessLogLine
{
    /// <summary>Extra keys of a line kept as attributes, at most; a line is not a place to store a document.</summary>
    private const int MaxAttributes = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static readonly IReadOnlyDictionary<string, AccessLogFormat> Names = new Dictionary<string, AccessLogFormat>(StringComparer.OrdinalIgnoreCase)
    {
        ["istio-text"] = AccessLogFormat.IstioText,
        ["istio-json"] = AccessLogFormat.IstioJson,
        ["envoy-json"] = AccessLogFormat.EnvoyJson,
        ["nginx-json"] = AccessLogFormat.NginxJson,
    };

    public static string Name(AccessLogFormat format) => format switch
    {
        AccessLogFormat.IstioText => "istio-text",
        AccessLogFormat.IstioJson => "istio-json",
        AccessLogFormat.EnvoyJson => "envoy-json",
        _ => "nginx-json",
    };

    /// <summary>Parses <paramref name="utf8"/>; throws <see cref="AccessLogFormatException"/> saying what is wrong.</summary>
    public static (AccessLogRecord Record, AccessLogFormat Format) Parse(ReadOnlySpan<byte> utf8, AccessLogFormat? format)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new AccessLogFormatException($"not valid UTF-8 at byte {e.Index}");
        }
        return Parse(text, format);
    }

    /// <summary>Parses an already decoded line (an OTLP log body).</summary>
    public static (AccessLogRecord Record, AccessLogFormat Format) Parse(string text, AccessLogFormat? format) =>
        Parse(text.Trim(), format, depth: 0);

    private static (AccessLogRecord, AccessLogFormat) Parse(string text, AccessLogFormat? format, int depth)
    {
        if (text.Length == 0)
        {
            throw new AccessLogFormatException("the line is empty");
        }
        if (format == AccessLogFormat.IstioText || format is null && text[0] == '[')
        {
            return (IstioTextFormat.Parse(text), AccessLogFormat.IstioText);
        }
        if (text[0] != '{')
        {
            throw new AccessLogFormatException(format is null
                ? "unknown format: neither Istio's text format (starts with '[') nor a JSON object (starts with '{')"
                : $"expected a JSON object for {Name(format.Value)}, the line starts with '{text[0]}'");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new AccessLogFormatException($"not valid JSON: {e.Message}");
        }
        using (document)
        {
            var line = document.RootElement;
            if (line.ValueKind != JsonValueKind.Object)
            {
                throw new AccessLogFormatException($"expected a JSON object, got {line.ValueKind.ToString().ToLowerInvariant()}");
            }
            if (depth == 0 && Envelope(line) is { } inner)
            {
                var (record, innerFormat) = Parse(inner.Line, format, depth + 1);
                return (record with { Reporter = inner.Reporter ?? record.Reporter }, innerFormat);
            }
            var detected = format ?? Detect(line);
            var parsed = detected == AccessLogFormat.NginxJson ? JsonLineFormat.ParseNginx(line) : JsonLineFormat.ParseEnvoy(line);
            var known = detected == AccessLogFormat.NginxJson ? JsonLineFormat.NginxKeys : JsonLineFormat.EnvoyKeys;
            return (parsed with { Attributes = Attributes(line, known), Reporter = Kubernetes(line) }, detected);
        }
    }

    private static AccessLogFormat Detect(JsonElement line)
    {
        if (line.TryGetProperty("start_time", out _))
        {
            return AccessLogFormat.EnvoyJson;
        }
        if (line.TryGetProperty("time", out _) && (line.TryGetProperty("status", out _) || line.TryGetProperty("request_time", out _)))
        {
            return AccessLogFormat.NginxJson;
        }
        throw new AccessLogFormatException("unknown format: a JSON object without 'start_time' (Istio/Envoy) or 'time' and 'status' (nginx); name the format with ?format=");
    }

    /// <summary>A shipper's record carrying the proxy's line as a string, and who wrote it.</summary>
    private static (string Line, ReportingProxy? Reporter)? Envelope(JsonElement line)
    {
        if (line.TryGetProperty("start_time", out _) || line.TryGetProperty("status", out _))
        {
            return null;
        }
        foreach (var key in (ReadOnlySpan<string>)["log", "message"])
        {
            if (line.TryGetProperty(key, out var inner) && inner.ValueKind == JsonValueKind.String)
            {
                return (inner.GetString()!, Kubernetes(line));
            }
        }
        return null;
    }

    /// <summary>
    /// Fluent Bit's kubernetes filter (<c>pod_name</c>, <c>namespace_name</c>, <c>labels</c>, <c>pod_ip</c>) or
    /// Vector's kubernetes_logs source (<c>pod_name</c>, <c>pod_namespace</c>, <c>pod_labels</c>, <c>pod_ip</c>,
    /// <c>pod_owner</c>, <c>node_labels</c> with the zone).
    /// </summary>
    private static ReportingProxy? Kubernetes(JsonElement line)
    {
        if (!line.TryGetProperty("kubernetes", out var k8s) || k8s.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var labels = Strings(k8s, "labels") ?? Strings(k8s, "pod_labels") ?? new Dictionary<string, string>();
        var nodeLabels = Strings(k8s, "node_labels");
        string? zone = null;
        nodeLabels?.TryGetValue("topology.kubernetes.io/zone", out zone);
        return PodIdentity.From(
            Text(k8s, "pod_name"),
            Text(k8s, "namespace_name") ?? Text(k8s, "pod_namespace"),
            labels,
            Text(k8s, "pod_ip"),
            cluster: Text(k8s, "cluster"),
            zone: zone,
            owner: Text(k8s, "pod_owner"));
    }

    private static Dictionary<string, string>? Strings(JsonElement parent, string key)
    {
        if (!parent.TryGetProperty(key, out var value) || value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                map[property.Name] = property.Value.GetString()!;
            }
        }
        return map;
    }

    private static string? Text(JsonElement parent, string key) =>
        parent.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>Keys beyond the format's own (Istio peer metadata, labels a user added), as text; objects as their JSON.</summary>
    private static IReadOnlyDictionary<string, string> Attributes(JsonElement line, HashSet<string> known)
    {
        Dictionary<string, string>? attributes = null;
        foreach (var property in line.EnumerateObject())
        {
            if (known.Contains(property.Name) || property.Name == "kubernetes")
            {
                continue;
            }
            var value = property.Value;
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null => null,
                _ => value.GetRawText(),
            };
            if (text is null or "-" or "")
            {
                continue;
            }
            attributes ??= new Dictionary<string, string>(StringComparer.Ordinal);
            attributes[property.Name] = text;
            if (attributes.Count == MaxAttributes)
            {
                break;
            }
        }
        return attributes ?? (IReadOnlyDictionary<string, string>)EmptyAttributes;
    }

    private static readonly Dictionary<string, string> EmptyAttributes = [];
}
