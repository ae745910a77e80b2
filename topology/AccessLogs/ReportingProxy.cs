using Observe.Store.Mesh;

namespace Observe.Topology.AccessLogs;

/// <summary>
/// The proxy that wrote an access-log entry: its workload identity and the addresses it is
/// reachable at (pod IPs), from the OTLP resource, the Envoy node, a log shipper's metadata or
/// the query of a POST.
/// </summary>
public sealed record ReportingProxy(MeshPeer Peer, IReadOnlyList<string> Addresses)
{
    public static ReportingProxy Unknown { get; } = new(MeshPeer.None, []);

    public bool IsKnown => Peer != MeshPeer.None || Addresses.Count > 0;

    /// <summary>A proxy named field by field (query parameters, configuration); null when nothing is named.</summary>
    public static ReportingProxy? Named(
        string? workload, string? @namespace, string? service, string? version, string? cluster, string? zone, string? address = null)
    {
        static string Known(string? value) => string.IsNullOrWhiteSpace(value) ? MeshPeer.Unknown : value;
        var proxy = new ReportingProxy(
            new MeshPeer(Known(workload), Known(@namespace), Known(service), Known(version), Known(cluster), Known(zone)),
            string.IsNullOrWhiteSpace(address) ? [] : [address]);
        return proxy.IsKnown ? proxy : null;
    }

    /// <summary>This proxy with its workload named explicitly; a service that was only the derived workload name follows it.</summary>
    public ReportingProxy WithWorkload(string? workload) => string.IsNullOrEmpty(workload) ? this : this with
    {
        Peer = Peer with { Workload = workload, Service = Peer.Service == Peer.Workload ? workload : Peer.Service },
    };

    /// <summary>The fields of this proxy's identity that are unknown, taken from <paramref name="fallback"/>.</summary>
    public ReportingProxy Or(ReportingProxy? fallback) => fallback is null || !fallback.IsKnown ? this : new(
        new MeshPeer(
            Pick(Peer.Workload, fallback.Peer.Workload),
            Pick(Peer.Namespace, fallback.Peer.Namespace),
            Pick(Peer.Service, fallback.Peer.Service),
            Pick(Peer.Version, fallback.Peer.Version),
            Pick(Peer.Cluster, fallback.Peer.Cluster),
            Pick(Peer.Zone, fallback.Peer.Zone)),
        Addresses.Count > 0 ? Addresses : fallback.Addresses);

    private static string Pick(string value, string fallback) => value == MeshPeer.Unknown ? fallback : value;
}

/// <summary>
/// Workload identity from Kubernetes pod metadata, by the rules Istio uses for its telemetry:
/// the workload is the pod's controller (a Deployment's pods are named
/// <c>name-&lt;pod-template-hash&gt;-&lt;suffix&gt;</c>), the service is the canonical name label or
/// <c>app</c>, the version the canonical revision or <c>version</c> label.
/// </summary>
public static partial class PodIdentity
{
    [System.Text.RegularExpressions.GeneratedRegex("^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$")]
    private static partial System.Text.RegularExpressions.Regex DeploymentPod();

    public static ReportingProxy From(
        string? podName, string? @namespace, IReadOnlyDictionary<string, string> labels, string? podIp = null,
        string? cluster = null, string? zone = null, string? owner = null)
    {
        var workload = Workload(podName, labels, owner);
        var service = Label(labels, "service.istio.io/canonical-name", "app.kubernetes.io/name", "app") ?? workload;
        var version = Label(labels, "service.istio.io/canonical-revision", "app.kubernetes.io/version", "version");
        zone ??= Label(labels, "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone");
        var peer = new MeshPeer(
            workload ?? MeshPeer.Unknown,
            Known(@namespace),
            service ?? MeshPeer.Unknown,
            version ?? MeshPeer.Unknown,
            Known(cluster ?? Label(labels, "topology.istio.io/cluster")),
            Known(zone));
        return new ReportingProxy(peer, string.IsNullOrEmpty(podIp) ? [] : [podIp]);
    }

    /// <summary>
    /// The parts of an Istio proxy's Envoy node id, <c>sidecar~10.0.0.1~pod.namespace~namespace.svc.cluster.local</c>;
    /// false for other ids.
    /// </summary>
    public static bool TryParseNodeId(string? id, out string ip, out string pod, out string @namespace)
    {
        ip = pod = @namespace = "";
        var parts = id?.Split('~');
        if (parts is not { Length: 4 } || parts[2].LastIndexOf('.') is not (> 0 and var dot))
        {
            return false;
        }
        (ip, pod, @namespace) = (parts[1], parts[2][..dot], parts[2][(dot + 1)..]);
        return true;
    }

    /// <summary>
    /// The controller's name: from an owner reference (<c>ReplicaSet/reviews-v2-5d8f7c9b6</c>), else the
    /// pod name without its generated suffixes.
    /// </summary>
    internal static string? Workload(string? podName, IReadOnlyDictionary<string, string> labels, string? owner)
    {
        if (!string.IsNullOrEmpty(owner))
        {
            var slash = owner.IndexOf('/');
            var kind = slash < 0 ? "" : owner[..slash];
            var name = owner[(slash + 1)..];
            // A ReplicaSet is named deployment-<pod-template-hash>; a Job of a CronJob cronjob-<schedule time>.
            if (kind.Equals("ReplicaSet", StringComparison.OrdinalIgnoreCase) && labels.TryGetValue("pod-template-hash", out var rsHash) && name.EndsWith("-" + rsHash, StringComparison.Ordinal))
            {
                return name[..^(rsHash.Length + 1)];
            }
            return name;
        }
        if (string.IsNullOrEmpty(podName))
        {
            return null;
        }
        if (labels.TryGetValue("pod-template-hash", out var hash) && podName.IndexOf("-" + hash + "-", StringComparison.Ordinal) is var at and > 0)
        {
            return podName[..at];
        }
        if (labels.Count == 0 && DeploymentPod().Match(podName) is { Success: true } generated)
        {
            // No labels to be sure by: a name shaped like a Deployment's pod (name-<hash>-<5 chars>).
            return generated.Groups[1].Value;
        }
        if (labels.ContainsKey("statefulset.kubernetes.io/pod-name") || labels.ContainsKey("controller-revision-hash"))
        {
            // StatefulSet and DaemonSet pods: name-<ordinal> / name-<suffix>.
            var dash = podName.LastIndexOf('-');
            return dash > 0 ? podName[..dash] : podName;
        }
        return podName;
    }

    private static string? Label(IReadOnlyDictionary<string, string> labels, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (labels.TryGetValue(key, out var value) && value.Length > 0)
            {
                return value;
            }
        }
        return null;
    }

    private static string Known(string? value) => string.IsNullOrEmpty(value) ? MeshPeer.Unknown : value;
}
