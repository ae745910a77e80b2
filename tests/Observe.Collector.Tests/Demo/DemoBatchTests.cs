using System.Buffers.Binary;
using Envoy.Service.Accesslog.V3;
using Observe.Collector.Demo;
using Observe.Collector.Receivers.AccessLogs;
using Observe.Store.Mesh;
using Observe.Topology.Mesh;

namespace Observe.Collector.Tests.Demo;

/// <summary>
/// What the demo sends reads back, through the receivers' own decoding and resolver, as the calls
/// it generated: every hop between mesh workloads once from the callee's proxy, with both sides'
/// workload, version and zone; the gateway's outbound side; spans parented as the hops are.
/// </summary>
public sealed class DemoBatchTests
{
    private readonly ManualTime _time = new();

    [Fact]
    public void Access_logs_resolve_to_the_generated_hops_with_workloads_versions_and_zones()
    {
        var calls = Generate(out var hops);
        var resolver = new MeshRequestResolver(new PeerOptions(), _time);

        var resolved = new List<string>();
        foreach (var message in Messages(AccessLogBatch.Encode(calls)))
        {
            var proxy = EnvoyAlsEntries.Proxy(message.Identifier.Node);
            foreach (var entry in message.HttpLogs.LogEntry)
            {
                var request = resolver.Resolve(EnvoyAlsEntries.Http(entry), proxy);
                resolved.Add($"{request.Reporter}:{Side(request.Source)}>{Side(request.Destination)}:{request.ResponseCode}");
            }
        }

        var expected = hops.Where(h => h.Caller is not null && h.Callee is not null)
            .Select(h => $"{MeshReporter.Destination}:{Side(h.Caller!)}>{Side(h.Callee!)}:{h.Status}")
            .Concat(hops.Where(h => h.Caller?.Workload == BookinfoMesh.Gateway).Select(h => $"{MeshReporter.Source}:{Side(h.Caller!)}>{Side(h.Callee!)}:{h.Status}"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), resolved.Order(StringComparer.Ordinal));
        Assert.Contains(resolved, r => r.StartsWith("Source:Gateway/istio-system/istio-ingressgateway/1.24/", StringComparison.Ordinal));
    }

    [Fact]
    public void Sampled_requests_send_a_server_span_per_hop_under_the_callers_client_span()
    {
        var calls = Generate(out var hops);

        var export = TraceBatch.Encode(calls, TraceSampling.ForShare(0.5));

        var spans = export.ResourceSpans.SelectMany(r => r.ScopeSpans.SelectMany(s => s.Spans.Select(span => (Resource: r.Resource, Span: span)))).ToList();
        var sampled = hops.Where(h => h.Sampled).ToList();
        Assert.NotEmpty(sampled);
        // Half of the traces, by the randomness in their ids, and every span says so.
        Assert.All(hops, h => Assert.Equal(h.Sampled, Convert.ToUInt64(h.TraceId[^14..], 16) >= 1UL << 55));
        Assert.All(spans, s => Assert.Equal("ot=th:8", s.Span.TraceState));
        Assert.Equal(sampled.Count(h => h.Callee is not null) + sampled.Count(h => h.Caller is not null), spans.Count);
        var byId = spans.ToDictionary(s => Convert.ToHexStringLower(s.Span.SpanId.Span));
        foreach (var hop in sampled.Where(h => h.Callee is not null && h.Caller is not null))
        {
            var server = byId[hop.ServerSpanId];
            var client = byId[hop.ClientSpanId];
            Assert.Equal(hop.ClientSpanId, Convert.ToHexStringLower(server.Span.ParentSpanId.Span));
            Assert.Equal(hop.ParentSpanId, Convert.ToHexStringLower(client.Span.ParentSpanId.Span));
            Assert.Equal(hop.Callee!.Zone, Attribute(server.Resource, "cloud.availability_zone"));
            Assert.Equal(hop.Callee.Workload.Name, Attribute(server.Resource, "k8s.deployment.name"));
            Assert.Equal(hop.Callee.Pod!.Name, Attribute(server.Resource, "k8s.pod.name"));
            Assert.Equal(hop.Caller!.Workload.Version, Attribute(client.Resource, "service.version"));
        }
        var database = spans.First(s => s.Span.Attributes.Any(a => a.Key == "db.system"));
        Assert.Equal("ratings", Attribute(database.Resource, "service.name"));
    }

    private List<DemoCall> Generate(out List<DemoCall> hops)
    {
        var options = new DemoOptions { SampleShare = 0.5 };
        var cluster = new DemoCluster(BookinfoMesh.Workloads, options.PodStartup, _time, new Random(4));
        var moment = new DemoScenario(options, _time.GetUtcNow()).At(_time.GetUtcNow()) with { CanaryShare = 0.3 };
        var calls = new DemoTraffic(options, new Random(5)).Generate(_time.GetUtcNow(), _time.GetUtcNow() + TimeSpan.FromSeconds(1), moment, cluster.Workloads()).ToList();
        hops = [.. calls.SelectMany(c => c.SelfAndDescendants())];
        return calls;
    }

    private static IEnumerable<StreamAccessLogsMessage> Messages(byte[] body)
    {
        for (var at = 0; at < body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(at + 1));
            yield return StreamAccessLogsMessage.Parser.ParseFrom(body, at + 5, length);
            at += 5 + length;
        }
    }

    private static string Side(MeshPeer peer) => $"{peer.Kind}/{peer.Namespace}/{peer.Workload}/{peer.Version}/{peer.Zone}";

    private static string Side(Station station) =>
        $"{(station.Workload == BookinfoMesh.Gateway ? MeshPeerKind.Gateway : MeshPeerKind.Workload)}/{station.Workload.Namespace}/{station.Workload.Name}/{station.Workload.Version}/{station.Zone}";

    private static string Attribute(OpenTelemetry.Proto.Resource.V1.Resource resource, string key) =>
        resource.Attributes.Single(a => a.Key == key).Value.StringValue;
}
