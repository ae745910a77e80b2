using Observe.Collector.Pipeline;
using Observe.Collector.Receivers.Otlp;
using Observe.Topology.AccessLogs;
using Observe.Topology.Mesh;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;

namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>
/// Access logs inside OTLP logs, as Envoy's OpenTelemetry access logger (Istio's
/// <c>envoyOtelAls</c>) sends them: the body is the formatted line (Istio's text format by
/// default) or a key/value list in the JSON keys; the attributes are the provider's labels; the
/// resource names the proxy when configured to. The records are already stored in otel_logs; this
/// adds their mesh reports to the same batch, so both commit together.
/// </summary>
internal sealed class OtlpAccessLogs(IMeshRequestResolver resolver, IngestCounters counters, AccessLogErrors errors, TimeProvider time)
{
    private static readonly LineOrigin Origin = new("otlp");

    public void AddReports(ExportLogsServiceRequest request, IngestBatch batch)
    {
        long parsed = 0, unparsed = 0;
        for (var r = 0; r < request.ResourceLogs.Count; r++)
        {
            var resourceLogs = request.ResourceLogs[r];
            var resource = resourceLogs.Resource?.Attributes;
            var fromEnvoy = resource is not null && AnyValueText.Find(resource, "log_name").Length > 0;
            ReportingProxy? proxy = null;
            for (var s = 0; s < resourceLogs.ScopeLogs.Count; s++)
            {
                var records = resourceLogs.ScopeLogs[s].LogRecords;
                for (var i = 0; i < records.Count; i++)
                {
                    var body = records[i].Body;
                    if (!fromEnvoy && !LooksLikeAccessLog(body))
                    {
                        continue;
                    }
                    try
                    {
                        var line = body?.ValueCase == AnyValue.ValueOneofCase.KvlistValue ? AnyValueText.ToText(body) : body?.StringValue ?? "";
                        var (record, _) = AccessLogLine.Parse(line, format: null);
                        proxy ??= Proxy(resource);
                        if (record.StartTime == default)
                        {
                            // "-" as the start time: the record's own time, else its arrival.
                            var nanos = records[i].TimeUnixNano;
                            record = record with { StartTime = nanos != 0 ? DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100)) : time.GetUtcNow() };
                        }
                        AccessLogRows.Report(batch, resolver.Resolve(record with { Attributes = Attributes(records[i].Attributes) }, proxy));
                        parsed++;
                    }
                    catch (AccessLogFormatException e)
                    {
                        unparsed++;
                        errors.Add(Origin.Transport, $"resourceLogs[{r}].scopeLogs[{s}].logRecords[{i}]", e.Message, time.GetUtcNow());
                    }
                }
            }
        }
        counters.Received(AccessLogIngest.Signal, parsed + unparsed);
        counters.Unparsed(AccessLogIngest.Signal, unparsed);
    }

    /// <summary>A body in Istio's text format (<c>[2026-…] "GET …</c>) or a key/value list with an access log's keys.</summary>
    private static bool LooksLikeAccessLog(AnyValue? body) => body?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => body.StringValue is { Length: > 30 } text && text[0] == '[' && text.AsSpan(0, 48 < text.Length ? 48 : text.Length).Contains("] \"", StringComparison.Ordinal),
        AnyValue.ValueOneofCase.KvlistValue => body.KvlistValue.Values.Any(kv => kv.Key is "start_time" or "response_code"),
        _ => false,
    };

    private static Dictionary<string, string> Attributes(Google.Protobuf.Collections.RepeatedField<KeyValue> attributes)
    {
        var map = new Dictionary<string, string>(attributes.Count, StringComparer.Ordinal);
        foreach (var kv in attributes)
        {
            map[kv.Key] = AnyValueText.ToText(kv.Value);
        }
        return map;
    }

    /// <summary>
    /// The proxy from OpenTelemetry's resource conventions (k8s.*, service.*, cloud.availability_zone)
    /// and Envoy's built-in labels (node_name is the node id, zone_name the locality zone).
    /// </summary>
    internal static ReportingProxy Proxy(Google.Protobuf.Collections.RepeatedField<KeyValue>? resource)
    {
        if (resource is null || resource.Count == 0)
        {
            return ReportingProxy.Unknown;
        }
        string? Get(string key) => AnyValueText.Find(resource, key) is { Length: > 0 } value ? value : null;
        string? pod = Get("k8s.pod.name"), ns = Get("k8s.namespace.name"), ip = Get("k8s.pod.ip");
        if (PodIdentity.TryParseNodeId(Get("node_name"), out var idIp, out var idPod, out var idNamespace))
        {
            pod ??= idPod;
            ns ??= idNamespace;
            ip ??= idIp;
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Get("service.name") is { } service)
        {
            labels["app"] = service;
        }
        if (Get("service.version") is { } version)
        {
            labels["version"] = version;
        }
        return PodIdentity.From(pod, ns, labels, ip, cluster: Get("k8s.cluster.name"), zone: Get("cloud.availability_zone") ?? Get("zone_name"))
            .WithWorkload(Get("k8s.deployment.name") ?? Get("k8s.statefulset.name") ?? Get("k8s.daemonset.name"));
    }
}
