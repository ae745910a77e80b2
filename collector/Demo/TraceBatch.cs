using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Observe.Store;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;

namespace Observe.Collector.Demo;

/// <summary>
/// The OTLP spans of a batch's sampled requests, as instrumented services would export them:
/// per hop the caller's client span and the callee's server span (its child), a root server
/// span at the gateway, and the ratings' client span to MySQL; grouped by the pod that emits them.
/// Each says in its trace state how it was sampled, so the requests seen only in traces (from the
/// user, to the database) count as many as were made.
/// </summary>
internal static class TraceBatch
{
    public static ExportTraceServiceRequest Encode(IEnumerable<DemoCall> roots, TraceSampling sampling)
    {
        var byPod = new Dictionary<string, ScopeSpans>(StringComparer.Ordinal);
        var request = new ExportTraceServiceRequest();
        ScopeSpans Scope(Station station)
        {
            var key = station.Pod?.Name ?? $"{station.Workload.Name}/{station.Zone}";
            if (!byPod.TryGetValue(key, out var scope))
            {
                scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "observe-demo" } };
                request.ResourceSpans.Add(new ResourceSpans { Resource = Resource(station), ScopeSpans = { scope } });
                byPod[key] = scope;
            }
            return scope;
        }
        foreach (var call in roots.Where(r => r.Sampled).SelectMany(r => r.SelfAndDescendants()))
        {
            if (call.Caller is { } caller)
            {
                var client = NewSpan(call, call.ClientSpanId, call.ParentSpanId, SpanKind.Client, call.Start, call.Duration + TimeSpan.FromMilliseconds(0.2), sampling);
                if (call.Callee is { } target)
                {
                    client.Name = $"GET {target.Workload.App}";
                    client.Attributes.Add(Text("server.address", $"{target.Workload.App}.{target.Workload.Namespace}.svc.cluster.local"));
                    client.Attributes.Add(Text("url.full", $"http://{target.Workload.App}:{BookinfoMesh.Port}{AccessLogBatch.PathOf(target.Workload)}"));
                    client.Attributes.Add(Number("http.response.status_code", call.Status));
                }
                else
                {
                    client.Name = "SELECT ratings";
                    client.Attributes.Add(Text("db.system", BookinfoMesh.DatabaseSystem));
                    client.Attributes.Add(Text("db.namespace", "ratings"));
                    client.Attributes.Add(Text("peer.service", BookinfoMesh.Database));
                }
                Scope(caller).Spans.Add(client);
            }
            if (call.Callee is { Pod: not null } callee)
            {
                var server = NewSpan(call, call.ServerSpanId, call.Caller is null ? null : call.ClientSpanId, SpanKind.Server,
                    call.Start + TimeSpan.FromMilliseconds(0.1), call.Duration, sampling);
                server.Name = $"GET {AccessLogBatch.PathOf(callee.Workload)}";
                server.Attributes.Add(Text("http.request.method", "GET"));
                server.Attributes.Add(Text("url.path", AccessLogBatch.PathOf(callee.Workload)));
                server.Attributes.Add(Number("http.response.status_code", call.Status));
                Scope(callee).Spans.Add(server);
            }
        }
        return request;
    }

    private static Span NewSpan(DemoCall call, string spanId, string? parentId, Span.Types.SpanKind kind, DateTimeOffset start, TimeSpan duration, TraceSampling sampling)
    {
        var startNanos = (ulong)UnixTime.Nanos(start);
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(call.TraceId)),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(spanId)),
            TraceState = sampling.TraceState,
            Kind = kind,
            StartTimeUnixNano = startNanos,
            EndTimeUnixNano = startNanos + (ulong)(duration.Ticks * 100),
            Status = call.Failed
                ? new Status { Code = Status.Types.StatusCode.Error, Message = $"HTTP {call.Status}" }
                : new Status { Code = Status.Types.StatusCode.Unset },
        };
        if (parentId is not null)
        {
            span.ParentSpanId = ByteString.CopyFrom(Convert.FromHexString(parentId));
        }
        return span;
    }

    private static Resource Resource(Station station)
    {
        var workload = station.Workload;
        var resource = new Resource();
        resource.Attributes.Add(Text("service.name", workload.App));
        resource.Attributes.Add(Text("service.namespace", workload.Namespace));
        resource.Attributes.Add(Text("service.version", workload.Version));
        resource.Attributes.Add(Text("k8s.namespace.name", workload.Namespace));
        resource.Attributes.Add(Text("k8s.deployment.name", workload.Name));
        resource.Attributes.Add(Text("k8s.cluster.name", BookinfoMesh.Cluster));
        resource.Attributes.Add(Text("cloud.availability_zone", station.Zone));
        if (station.Pod is { } pod)
        {
            resource.Attributes.Add(Text("k8s.pod.name", pod.Name));
        }
        return resource;
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Number(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };
}
