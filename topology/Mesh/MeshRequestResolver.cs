using System.Text.Json;
using Observe.Store.Mesh;
using Observe.Topology.AccessLogs;

namespace Observe.Topology.Mesh;

/// <summary>Turns one access-log entry into the mesh request it reports: who called whom, and how it went.</summary>
public interface IMeshRequestResolver
{
    /// <param name="proxy">The proxy that wrote the entry, as its transport says (OTLP resource, Envoy node, POST query); the entry's own <see cref="AccessLogRecord.Reporter"/> wins over it.</param>
    MeshRequest Resolve(AccessLogRecord record, ReportingProxy? proxy);
}

/// <summary>
/// Resolves each side of a request from, in order: explicit attributes (Istio peer metadata,
/// <c>source_workload</c>, …); the reporting proxy, which is the source of an outbound entry and
/// the destination of an inbound one; the upstream cluster name and the authority; pod
/// addresses learned from earlier entries; the configured mappings. What stays unknown is
/// <see cref="MeshPeer.Unknown"/>.
/// </summary>
public sealed class MeshRequestResolver : IMeshRequestResolver
{
    /// <summary>Response flags that mean the request failed on the way to or in the upstream, not at the caller.</summary>
    private static readonly HashSet<string> FailureFlags = new(StringComparer.Ordinal)
    {
        "UH", "UF", "UO", "NR", "URX", "UT", "LR", "UR", "UC", "UMSDR", "UPE", "NC", "OM", "SI", "DT", "NFCF",
    };

    private readonly AddressBook _addresses;
    private readonly Dictionary<string, MeshPeer> _byAddress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MeshPeer> _byAuthority = new(StringComparer.OrdinalIgnoreCase);

    public MeshRequestResolver(PeerOptions options, TimeProvider time)
    {
        options.Validate();
        _addresses = new AddressBook(options.AddressTtl, options.MaxAddresses, time);
        foreach (var m in options.Mappings)
        {
            var peer = new MeshPeer(Known(m.Workload ?? m.Service), Known(m.Namespace), Known(m.Service ?? m.Workload), Known(m.Version), Known(m.Cluster), Known(m.Zone));
            if (!string.IsNullOrWhiteSpace(m.Address))
            {
                _byAddress[m.Address.Trim()] = peer;
            }
            else
            {
                _byAuthority[m.Authority!.Trim()] = peer;
            }
        }
    }

    /// <summary>Addresses learned so far (for /api/v1/stats).</summary>
    public int LearnedAddresses => _addresses.Count;

    /// <summary>
    /// Gateways by name (Istio's istio-ingressgateway, istio-egressgateway and gateways named so
    /// by their owners); external hosts when the proxy passed the request through to an address
    /// outside the mesh, or the callee is a host name that is no mesh service (a ServiceEntry).
    /// </summary>
    private static MeshPeer Kinded(MeshPeer peer, bool external)
    {
        if (peer.Workload.Contains("gateway", StringComparison.OrdinalIgnoreCase))
        {
            return peer with { Kind = MeshPeerKind.Gateway };
        }
        var outsideHost = peer.Namespace == MeshPeer.Unknown && peer.Workload == MeshPeer.Unknown && peer.Service.Contains('.');
        return external || outsideHost ? peer with { Kind = MeshPeerKind.External, Workload = peer.Workload == MeshPeer.Unknown ? peer.Service : peer.Workload } : peer;
    }

    public MeshRequest Resolve(AccessLogRecord record, ReportingProxy? proxy)
    {
        var reporter = (record.Reporter ?? ReportingProxy.Unknown).Or(proxy);
        var attributes = record.Attributes;
        var cluster = UpstreamCluster.Parse(record.UpstreamCluster);
        var side = Side(record, cluster, attributes);

        var source = new PeerDraft();
        var destination = new PeerDraft();

        // 1. What the entry says explicitly.
        if (attributes.Count > 0)
        {
            source.FromAttributes(attributes, "source_");
            destination.FromAttributes(attributes, "destination_");
            source.FromPeerMetadata(attributes, "downstream_peer");
            destination.FromPeerMetadata(attributes, "upstream_peer");
        }

        // 2. The reporting proxy is one side (a proxy that forwarded nowhere answered itself: the
        // callee); its own addresses teach who lives there.
        var self = side == MeshReporter.Source ? source : destination;
        self.From(reporter.Peer);
        foreach (var address in reporter.Addresses)
        {
            _addresses.Learn(Ip(address), reporter.Peer);
        }
        var localAddress = side == MeshReporter.Source ? record.UpstreamLocalAddress : record.DownstreamLocalAddress;
        if (localAddress is not null && reporter.Peer.Workload != MeshPeer.Unknown)
        {
            _addresses.Learn(Ip(localAddress), reporter.Peer);
        }

        // 3. The upstream cluster and the authority name the called service.
        if (cluster is { Inbound: false })
        {
            destination.Fill(service: cluster.Service, @namespace: cluster.Namespace, version: cluster.Subset);
        }
        if (Host(record.Authority) is { } host)
        {
            if (_byAuthority.TryGetValue(host, out var named))
            {
                destination.From(named);
            }
            var labels = host.Split('.');
            if (labels.Length >= 3 && labels[2] == "svc")
            {
                // service.namespace.svc.<cluster domain>: an in-mesh name.
                destination.Fill(service: labels[0], @namespace: labels[1]);
            }
            else if (side != MeshReporter.Destination && !System.Net.IPAddress.TryParse(host, out _))
            {
                // A short in-namespace name, or an external host named as itself.
                destination.Fill(service: host);
            }
        }

        // 4. Learned pod addresses, then 5. configured mappings, for whichever side is still unknown.
        ByAddress(destination, record.UpstreamHost);
        ByAddress(source, record.DownstreamRemoteAddress);
        if (side == MeshReporter.Unknown)
        {
            ByAddress(destination, record.DownstreamLocalAddress);
        }

        var protocol = Protocol(record);
        var grpcStatus = record.GrpcStatus ?? GrpcStatusAttribute(attributes);
        if (grpcStatus is not null)
        {
            protocol = "grpc";
        }
        var error = record.ResponseCode >= 500
            || grpcStatus is > 0
            || record.ResponseFlags.Any(FailureFlags.Contains);

        return new MeshRequest(
            record.StartTime,
            Kinded(source.Build(), external: false),
            Kinded(destination.Build(), external: record.UpstreamCluster is "PassthroughCluster" or "BlackHoleCluster"),
            side,
            MeshOrigin.AccessLog,
            protocol,
            record.Method ?? "",
            record.Authority ?? "",
            record.Path ?? "",
            (ushort)Math.Clamp(record.ResponseCode, 0, ushort.MaxValue),
            (short)(grpcStatus ?? -1),
            record.ResponseFlags,
            record.Duration,
            record.BytesReceived,
            record.BytesSent,
            MutualTls(record, attributes),
            error,
            RequestId: record.RequestId ?? "",
            TraceId: attributes.TryGetValue("trace_id", out var traceId) ? traceId : "",
            UpstreamCluster: record.UpstreamCluster ?? "",
            UpstreamHost: record.UpstreamHost ?? "");
    }

    /// <summary>
    /// Who reported: Istio's inbound clusters are the callee's proxy, outbound the caller's. Without
    /// a cluster name, a proxy that forwarded upstream is the caller's side of that call.
    /// </summary>
    private static MeshReporter Side(AccessLogRecord record, UpstreamCluster? cluster, IReadOnlyDictionary<string, string> attributes)
    {
        if (attributes.TryGetValue("reporter", out var reporter))
        {
            switch (reporter)
            {
                case "source" or "client" or "outbound":
                    return MeshReporter.Source;
                case "destination" or "server" or "inbound":
                    return MeshReporter.Destination;
            }
        }
        if (cluster is not null)
        {
            return cluster.Inbound ? MeshReporter.Destination : MeshReporter.Source;
        }
        return record.UpstreamHost is not null || record.UpstreamCluster is not null ? MeshReporter.Source : MeshReporter.Unknown;
    }

    private void ByAddress(PeerDraft peer, string? address)
    {
        if (address is null || peer.IsComplete)
        {
            return;
        }
        if (_byAddress.TryGetValue(address, out var mapped))
        {
            peer.From(mapped);
        }
        var ip = Ip(address);
        if (_addresses.Find(ip) is { } learned)
        {
            peer.From(learned);
        }
        if (_byAddress.TryGetValue(ip, out mapped))
        {
            peer.From(mapped);
        }
    }

    private static string Protocol(AccessLogRecord record) => record.Protocol switch
    {
        null when record.Method is null => "tcp",
        null => "http",
        "HTTP/1.1" => "http/1.1",
        "HTTP/2" or "HTTP/2.0" => "http/2",
        "HTTP/3" => "http/3",
        "HTTP/1.0" => "http/1.0",
        var other => other.ToLowerInvariant(),
    };

    private static int? GrpcStatusAttribute(IReadOnlyDictionary<string, string> attributes) =>
        attributes.Count > 0 && (attributes.TryGetValue("grpc_status", out var text) || attributes.TryGetValue("grpc-status", out text))
            && int.TryParse(text, out var status) ? status : null;

    /// <summary>
    /// Mutual TLS, from the entry's TLS properties or Istio's security policy, or from the SNI an
    /// Istio client proxy sets on its mTLS connections (<c>outbound_.9080_._.reviews…</c>).
    /// </summary>
    private static bool MutualTls(AccessLogRecord record, IReadOnlyDictionary<string, string> attributes)
    {
        if (record.MutualTls is { } known)
        {
            return known;
        }
        if (attributes.Count > 0 && attributes.TryGetValue("connection_security_policy", out var policy))
        {
            return policy == "mutual_tls";
        }
        return record.RequestedServerName?.StartsWith("outbound_.", StringComparison.Ordinal) == true;
    }

    /// <summary>The host of an address or authority: without port, brackets or a trailing dot.</summary>
    internal static string? Host(string? authority)
    {
        if (string.IsNullOrEmpty(authority))
        {
            return null;
        }
        var host = authority.StartsWith('[') ? authority[1..Math.Max(1, authority.IndexOf(']'))]
            : authority.Count(c => c == ':') == 1 ? authority[..authority.IndexOf(':')]
            : authority;
        return host.TrimEnd('.') is { Length: > 0 } h ? h : null;
    }

    internal static string Ip(string address) => Host(address) ?? address;

    private static string Known(string? value) => string.IsNullOrWhiteSpace(value) ? MeshPeer.Unknown : value.Trim();

    /// <summary>A side being resolved: each field keeps the first value any source gave it.</summary>
    private sealed class PeerDraft
    {
        private string? _workload, _namespace, _service, _version, _cluster, _zone;

        public bool IsComplete => _workload is not null && _namespace is not null && _service is not null && _version is not null && _cluster is not null && _zone is not null;

        public void Fill(string? workload = null, string? @namespace = null, string? service = null, string? version = null, string? cluster = null, string? zone = null)
        {
            _workload ??= Value(workload);
            _namespace ??= Value(@namespace);
            _service ??= Value(service);
            _version ??= Value(version);
            _cluster ??= Value(cluster);
            _zone ??= Value(zone);
        }

        public void From(MeshPeer peer) => Fill(peer.Workload, peer.Namespace, peer.Service, peer.Version, peer.Cluster, peer.Zone);

        /// <summary>Istio's attribute names: <c>source_workload</c>, <c>source_workload_namespace</c>, <c>source_canonical_service</c>…</summary>
        public void FromAttributes(IReadOnlyDictionary<string, string> attributes, string prefix)
        {
            Fill(
                Get(attributes, prefix + "workload"),
                Get(attributes, prefix + "workload_namespace") ?? Get(attributes, prefix + "namespace"),
                Get(attributes, prefix + "canonical_service") ?? Get(attributes, prefix + "service") ?? Get(attributes, prefix + "app"),
                Get(attributes, prefix + "canonical_revision") ?? Get(attributes, prefix + "version"),
                Get(attributes, prefix + "cluster"),
                Get(attributes, prefix + "zone") ?? Get(attributes, prefix + "locality"));
        }

        /// <summary>Istio's peer metadata filter state (<c>%FILTER_STATE(upstream_peer)%</c>), a JSON object.</summary>
        public void FromPeerMetadata(IReadOnlyDictionary<string, string> attributes, string key)
        {
            if (!attributes.TryGetValue(key, out var json) || !json.StartsWith('{'))
            {
                return;
            }
            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                // Field names of Istio's peer object, or the node-metadata keys of the Struct it is rendered from.
                var labels = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("LABELS", out var l) ? l : default;
                Fill(
                    Text(root, "workload") ?? Text(root, "WORKLOAD_NAME"),
                    Text(root, "namespace") ?? Text(root, "NAMESPACE"),
                    Text(root, "service") ?? Text(labels, "service.istio.io/canonical-name") ?? Text(root, "app") ?? Text(labels, "app"),
                    Text(root, "revision") ?? Text(root, "version") ?? Text(labels, "service.istio.io/canonical-revision") ?? Text(labels, "version"),
                    Text(root, "cluster") ?? Text(root, "CLUSTER_ID"),
                    Text(root, "availability_zone") ?? Text(root, "AVAILABILITY_ZONE") ?? Text(root, "zone"));
            }
            catch (JsonException)
            {
                // Not peer metadata after all; the other sources still apply.
            }
        }

        public MeshPeer Build() => new(
            _workload ?? MeshPeer.Unknown, _namespace ?? MeshPeer.Unknown, _service ?? MeshPeer.Unknown,
            _version ?? MeshPeer.Unknown, _cluster ?? MeshPeer.Unknown, _zone ?? MeshPeer.Unknown);

        private static string? Value(string? value) => string.IsNullOrEmpty(value) || value is MeshPeer.Unknown or "-" ? null : value;

        private static string? Get(IReadOnlyDictionary<string, string> attributes, string key) => attributes.TryGetValue(key, out var value) ? value : null;

        private static string? Text(JsonElement root, string key) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
