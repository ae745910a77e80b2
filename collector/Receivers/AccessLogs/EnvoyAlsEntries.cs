using Envoy.Config.Core.V3;
using Envoy.Data.Accesslog.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Observe.Store.Mesh;
using Observe.Topology.AccessLogs;

namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>Envoy's gRPC access-log entries and node to Observe's records and reporting proxy.</summary>
internal static class EnvoyAlsEntries
{
    /// <summary>Renders entries as JSON for their raw copy; filter state carries Any-wrapped Structs.</summary>
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithTypeRegistry(Google.Protobuf.Reflection.TypeRegistry.FromFiles(StructReflection.Descriptor)));

    public static string RawJson(IMessage entry) => Json.Format(entry);

    public static AccessLogRecord Http(HTTPAccessLogEntry entry)
    {
        var common = entry.CommonProperties ?? new AccessLogCommon();
        var request = entry.Request ?? new HTTPRequestProperties();
        var response = entry.Response ?? new HTTPResponseProperties();
        return Common(common) with
        {
            Method = request.RequestMethod == RequestMethod.MethodUnspecified ? null : request.RequestMethod.ToString().ToUpperInvariant(),
            Path = Value(request.OriginalPath) ?? Value(request.Path),
            Protocol = entry.ProtocolVersion switch
            {
                HTTPAccessLogEntry.Types.HTTPVersion.Http10 => "HTTP/1.0",
                HTTPAccessLogEntry.Types.HTTPVersion.Http11 => "HTTP/1.1",
                HTTPAccessLogEntry.Types.HTTPVersion.Http2 => "HTTP/2",
                HTTPAccessLogEntry.Types.HTTPVersion.Http3 => "HTTP/3",
                _ => "HTTP",
            },
            ResponseCode = (int)(response.ResponseCode ?? 0),
            ResponseCodeDetails = Value(response.ResponseCodeDetails),
            BytesReceived = request.RequestBodyBytes,
            BytesSent = response.ResponseBodyBytes,
            ForwardedFor = Value(request.ForwardedFor),
            UserAgent = Value(request.UserAgent),
            RequestId = Value(request.RequestId),
            Authority = Value(request.Authority),
            // A gRPC status comes in the trailers, or in the headers of a trailers-only response.
            GrpcStatus = (response.ResponseTrailers.TryGetValue("grpc-status", out var status) || response.ResponseHeaders.TryGetValue("grpc-status", out status))
                && int.TryParse(status, out var code) ? code : null,
        };
    }

    public static AccessLogRecord Tcp(TCPAccessLogEntry entry) => Common(entry.CommonProperties ?? new AccessLogCommon()) with
    {
        BytesReceived = entry.ConnectionProperties?.ReceivedBytes ?? 0,
        BytesSent = entry.ConnectionProperties?.SentBytes ?? 0,
    };

    private static AccessLogRecord Common(AccessLogCommon common)
    {
        var tls = common.TlsProperties;
        var duration = common.Duration ?? common.TimeToLastDownstreamTxByte;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in (ReadOnlySpan<string>)["upstream_peer", "downstream_peer"])
        {
            if (common.FilterStateObjects.TryGetValue(key, out var any) && any.Is(Struct.Descriptor))
            {
                attributes[key] = JsonFormatter.Default.Format(any.Unpack<Struct>());
            }
        }
        return new AccessLogRecord
        {
            StartTime = common.StartTime?.ToDateTimeOffset() ?? default,
            ResponseFlags = Flags(common.ResponseFlags),
            ConnectionTerminationDetails = Value(common.ConnectionTerminationDetails),
            UpstreamTransportFailureReason = Value(common.UpstreamTransportFailureReason),
            Duration = duration?.ToTimeSpan() ?? TimeSpan.Zero,
            UpstreamHost = Text(common.UpstreamRemoteAddress),
            UpstreamCluster = Value(common.UpstreamCluster),
            UpstreamLocalAddress = Text(common.UpstreamLocalAddress),
            DownstreamLocalAddress = Text(common.DownstreamLocalAddress),
            DownstreamRemoteAddress = Text(common.DownstreamRemoteAddress),
            RequestedServerName = Value(tls?.TlsSniHostname),
            RouteName = Value(common.RouteName),
            // A peer certificate on the downstream connection is what makes it mutual.
            MutualTls = tls is null ? null : tls.PeerCertificateProperties is { } peer && (peer.SubjectAltName.Count > 0 || peer.Subject.Length > 0),
            Attributes = attributes,
        };
    }

    /// <summary>
    /// Istio's node: metadata NAMESPACE, WORKLOAD_NAME, NAME (pod), LABELS, CLUSTER_ID, INSTANCE_IPS;
    /// the locality's zone; an id <c>sidecar~10.0.0.1~pod.namespace~namespace.svc.cluster.local</c>.
    /// </summary>
    public static ReportingProxy Proxy(Node? node)
    {
        if (node is null)
        {
            return ReportingProxy.Unknown;
        }
        var metadata = node.Metadata?.Fields;
        string? Field(string key) => metadata is not null && metadata.TryGetValue(key, out var v) && v.KindCase == Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue && v.StringValue.Length > 0 ? v.StringValue : null;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null && metadata.TryGetValue("LABELS", out var labelValue) && labelValue.StructValue is { } labelStruct)
        {
            foreach (var (key, value) in labelStruct.Fields)
            {
                if (value.KindCase == Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue)
                {
                    labels[key] = value.StringValue;
                }
            }
        }
        string? podName = Field("NAME"), ns = Field("NAMESPACE");
        var fromId = PodIdentity.TryParseNodeId(node.Id, out var idIp, out var idPod, out var idNamespace);
        if (fromId)
        {
            podName ??= idPod;
            ns ??= idNamespace;
        }
        var proxy = PodIdentity.From(podName, ns, labels, zone: Value(node.Locality?.Zone), cluster: Field("CLUSTER_ID")).WithWorkload(Field("WORKLOAD_NAME"));
        var addresses = Field("INSTANCE_IPS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() ?? [];
        if (addresses.Count == 0 && fromId && idIp.Length > 0)
        {
            addresses.Add(idIp);
        }
        return proxy with { Addresses = addresses };
    }

    private static readonly (Func<ResponseFlags, bool> Set, string Code)[] FlagCodes =
    [
        (f => f.FailedLocalHealthcheck, "LH"), (f => f.NoHealthyUpstream, "UH"), (f => f.UpstreamRequestTimeout, "UT"),
        (f => f.LocalReset, "LR"), (f => f.UpstreamRemoteReset, "UR"), (f => f.UpstreamConnectionFailure, "UF"),
        (f => f.UpstreamConnectionTermination, "UC"), (f => f.UpstreamOverflow, "UO"), (f => f.NoRouteFound, "NR"),
        (f => f.DelayInjected, "DI"), (f => f.FaultInjected, "FI"), (f => f.RateLimited, "RL"),
        (f => f.UnauthorizedDetails is not null, "UAEX"), (f => f.RateLimitServiceError, "RLSE"),
        (f => f.DownstreamConnectionTermination, "DC"), (f => f.UpstreamRetryLimitExceeded, "URX"), (f => f.StreamIdleTimeout, "SI"),
        (f => f.InvalidEnvoyRequestHeaders, "IH"), (f => f.DownstreamProtocolError, "DPE"), (f => f.UpstreamMaxStreamDurationReached, "UMSDR"),
        (f => f.ResponseFromCacheFilter, "RFCF"), (f => f.NoFilterConfigFound, "NFCF"), (f => f.DurationTimeout, "DT"),
        (f => f.UpstreamProtocolError, "UPE"), (f => f.NoClusterFound, "NC"), (f => f.OverloadManager, "OM"),
        (f => f.DnsResolutionFailure, "DF"), (f => f.DownstreamRemoteReset, "DR"),
    ];

    /// <summary>The proto's flag fields as Envoy's short codes, the same set the text format prints.</summary>
    internal static IReadOnlyList<string> Flags(ResponseFlags? flags)
    {
        if (flags is null)
        {
            return [];
        }
        List<string>? codes = null;
        foreach (var (set, code) in FlagCodes)
        {
            if (set(flags))
            {
                (codes ??= []).Add(code);
            }
        }
        return codes ?? (IReadOnlyList<string>)[];
    }

    private static string? Text(Address? address) => address?.AddressCase switch
    {
        Address.AddressOneofCase.SocketAddress when address.SocketAddress.Address.Contains(':') => $"[{address.SocketAddress.Address}]:{address.SocketAddress.PortValue}",
        Address.AddressOneofCase.SocketAddress => $"{address.SocketAddress.Address}:{address.SocketAddress.PortValue}",
        Address.AddressOneofCase.Pipe => address.Pipe.Path,
        Address.AddressOneofCase.EnvoyInternalAddress => address.EnvoyInternalAddress.ServerListenerName,
        _ => null,
    };

    private static string? Value(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
