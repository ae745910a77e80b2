using System.Buffers.Binary;
using Envoy.Config.Core.V3;
using Envoy.Data.Accesslog.V3;
using Envoy.Service.Accesslog.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using SocketAddress = Envoy.Config.Core.V3.SocketAddress;

namespace Observe.Collector.Demo;

/// <summary>
/// The Envoy access-log entries Istio's sidecars would write for a batch of calls, as one gRPC
/// client stream body of the AccessLogService: one message per reporting proxy, its node in
/// the message's identifier. Every callee's sidecar reports its inbound side (the caller named
/// by the <c>downstream_peer</c> filter state); the gateway, a router with no app of its own,
/// reports its outbound side, as does a caller whose call found no healthy upstream.
/// </summary>
internal static class AccessLogBatch
{
    public const string LogName = "observe-demo";

    public static byte[] Encode(IEnumerable<DemoCall> roots)
    {
        var byProxy = new Dictionary<string, (Node Node, List<HTTPAccessLogEntry> Entries)>(StringComparer.Ordinal);
        void Add(Station station, HTTPAccessLogEntry entry)
        {
            var pod = station.Pod!;
            if (!byProxy.TryGetValue(pod.Name, out var proxy))
            {
                proxy = (Node(station), []);
                byProxy[pod.Name] = proxy;
            }
            proxy.Entries.Add(entry);
        }
        foreach (var call in roots.SelectMany(r => r.SelfAndDescendants()))
        {
            if (call.Callee is not { } callee || call.Caller is not { } caller)
            {
                // The user's side has no proxy, and the database's calls are seen in the traces.
                continue;
            }
            if (callee.Pod is not null)
            {
                Add(callee, Inbound(call, caller, callee));
            }
            if (caller.Pod is not null && (caller.Workload == BookinfoMesh.Gateway || callee.Pod is null))
            {
                Add(caller, Outbound(call, callee));
            }
        }
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[5];
        foreach (var (node, entries) in byProxy.Values)
        {
            var message = new StreamAccessLogsMessage
            {
                Identifier = new StreamAccessLogsMessage.Types.Identifier { Node = node, LogName = LogName },
                HttpLogs = new StreamAccessLogsMessage.Types.HTTPAccessLogEntries { LogEntry = { entries } },
            };
            header[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)message.CalculateSize());
            stream.Write(header);
            message.WriteTo(stream);
        }
        return stream.ToArray();
    }

    private static HTTPAccessLogEntry Inbound(DemoCall call, Station caller, Station callee)
    {
        var entry = Entry(call, callee);
        var common = entry.CommonProperties;
        common.UpstreamCluster = $"inbound|{BookinfoMesh.Port}||";
        common.DownstreamRemoteAddress = Address(caller.Pod?.Address ?? "10.0.0.1", 40000 + (call.RequestId[0] % 20000));
        common.DownstreamLocalAddress = Address(callee.Pod!.Address, BookinfoMesh.Port);
        common.TlsProperties = new TLSProperties
        {
            TlsVersion = TLSProperties.Types.TLSVersion.Tlsv13,
            PeerCertificateProperties = new TLSProperties.Types.CertificateProperties
            {
                SubjectAltName = { new TLSProperties.Types.CertificateProperties.Types.SubjectAltName { Uri = $"spiffe://cluster.local/ns/{caller.Workload.Namespace}/sa/{caller.Workload.App}" } },
            },
        };
        common.FilterStateObjects["downstream_peer"] = Any.Pack(Peer(caller));
        return entry;
    }

    private static HTTPAccessLogEntry Outbound(DemoCall call, Station callee)
    {
        var entry = Entry(call, callee);
        var common = entry.CommonProperties;
        common.UpstreamCluster = $"outbound|{BookinfoMesh.Port}||{callee.Workload.App}.{callee.Workload.Namespace}.svc.cluster.local";
        if (callee.Pod is { } pod)
        {
            common.UpstreamRemoteAddress = Address(pod.Address, BookinfoMesh.Port);
            common.FilterStateObjects["upstream_peer"] = Any.Pack(Peer(callee));
        }
        return entry;
    }

    private static HTTPAccessLogEntry Entry(DemoCall call, Station callee) => new()
    {
        ProtocolVersion = HTTPAccessLogEntry.Types.HTTPVersion.Http11,
        CommonProperties = new AccessLogCommon
        {
            StartTime = Timestamp.FromDateTimeOffset(call.Start),
            Duration = Duration.FromTimeSpan(call.Duration),
            ResponseFlags = call.Flags switch
            {
                "UO" => new ResponseFlags { UpstreamOverflow = true },
                "UH" => new ResponseFlags { NoHealthyUpstream = true },
                _ => null,
            },
        },
        Request = new HTTPRequestProperties
        {
            RequestMethod = RequestMethod.Get,
            Path = PathOf(callee.Workload),
            Authority = $"{callee.Workload.App}:{BookinfoMesh.Port}",
            RequestId = call.RequestId,
        },
        Response = new HTTPResponseProperties { ResponseCode = (uint)call.Status, ResponseBodyBytes = call.Failed ? 19UL : 1024UL },
    };

    internal static string PathOf(DemoWorkload workload) => workload.App switch
    {
        "istio-ingressgateway" or "productpage" => "/productpage",
        "details" => "/details/0",
        "reviews" => "/reviews/0",
        "ratings" => "/ratings/0",
        _ => "/",
    };

    private static Node Node(Station station)
    {
        var pod = station.Pod!;
        var workload = station.Workload;
        var metadata = Peer(station);
        metadata.Fields["NAME"] = Value.ForString(pod.Name);
        metadata.Fields["INSTANCE_IPS"] = Value.ForString(pod.Address);
        return new Node
        {
            Id = $"{(workload == BookinfoMesh.Gateway ? "router" : "sidecar")}~{pod.Address}~{pod.Name}.{workload.Namespace}~{workload.Namespace}.svc.cluster.local",
            Cluster = $"{workload.App}.{workload.Namespace}",
            Metadata = metadata,
            Locality = new Locality { Region = "demo", Zone = station.Zone },
        };
    }

    /// <summary>Istio's peer metadata of a pod, as its proxy exchanges it with the other side.</summary>
    private static Struct Peer(Station station)
    {
        var workload = station.Workload;
        var labels = new Struct();
        labels.Fields["app"] = Value.ForString(workload.App);
        labels.Fields["version"] = Value.ForString(workload.Version);
        labels.Fields["service.istio.io/canonical-name"] = Value.ForString(workload.App);
        labels.Fields["service.istio.io/canonical-revision"] = Value.ForString(workload.Version);
        var peer = new Struct();
        peer.Fields["WORKLOAD_NAME"] = Value.ForString(workload.Name);
        peer.Fields["NAMESPACE"] = Value.ForString(workload.Namespace);
        peer.Fields["CLUSTER_ID"] = Value.ForString(BookinfoMesh.Cluster);
        peer.Fields["AVAILABILITY_ZONE"] = Value.ForString(station.Zone);
        peer.Fields["LABELS"] = Value.ForStruct(labels);
        return peer;
    }

    private static Address Address(string ip, int port) => new() { SocketAddress = new SocketAddress { Address = ip, PortValue = (uint)port } };
}
