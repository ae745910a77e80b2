namespace Observe.Topology.Mesh;

/// <summary>
/// Istio names Envoy clusters <c>direction|port|subset|host</c>:
/// <c>outbound|9080|v2|reviews.default.svc.cluster.local</c> is the caller's side of a call to
/// reviews in namespace default; <c>inbound|9080||</c> is the callee's side.
/// </summary>
internal sealed record UpstreamCluster(bool Inbound, int Port, string? Subset, string? Service, string? Namespace, string? Host)
{
    public static UpstreamCluster? Parse(string? name)
    {
        if (name is null)
        {
            return null;
        }
        var parts = name.Split('|');
        if (parts.Length != 4 || parts[0] is not ("inbound" or "outbound"))
        {
            return null;
        }
        var port = int.TryParse(parts[1], out var p) ? p : 0;
        var host = parts[3].Length == 0 ? null : parts[3];
        string? service = null, ns = null;
        if (host is not null)
        {
            // service.namespace.svc.<cluster domain>; other hosts (ServiceEntries) stay whole.
            var labels = host.Split('.');
            if (labels.Length >= 3 && labels[2] == "svc")
            {
                service = labels[0];
                ns = labels[1];
            }
            else
            {
                service = host;
            }
        }
        return new UpstreamCluster(parts[0] == "inbound", port, parts[2].Length == 0 ? null : parts[2], service, ns, host);
    }
}
