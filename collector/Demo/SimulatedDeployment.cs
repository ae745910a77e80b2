namespace Observe.Collector.Demo;

/// <summary>A pod of the simulated cluster.</summary>
public sealed record SimulatedPod(string Name, string Zone, string Address, DateTimeOffset Created, DateTimeOffset? Terminating);

/// <summary>
/// A Deployment of the simulated cluster with its pods: the pods follow <c>spec.replicas</c>,
/// spread over the zones (a new pod goes to the zone with fewer, a removed one leaves the zone
/// with more), Ready once they are <see cref="Startup"/> old, and gone a grace period after
/// they are told to terminate. Not thread-safe: <see cref="DemoCluster"/> holds its lock.
/// </summary>
internal sealed class SimulatedDeployment(DemoWorkload workload, TimeSpan startup, Random random, Func<string, string> address)
{
    private static readonly TimeSpan TerminationGrace = TimeSpan.FromSeconds(2);
    private readonly List<SimulatedPod> _pods = [];
    private readonly string _templateHash = TemplateHash(workload.Name);
    private (int Replicas, int Ready, int Pods) _status;

    public DemoWorkload Workload { get; } = workload;

    public TimeSpan Startup { get; } = startup;

    public int SpecReplicas { get; set; } = workload.Replicas;

    public long ResourceVersion { get; set; }

    public string Selector => $"app={Workload.App},version={Workload.Version}";

    public IReadOnlyDictionary<string, string> Labels => new Dictionary<string, string> { ["app"] = Workload.App, ["version"] = Workload.Version };

    public IReadOnlyList<SimulatedPod> Pods => _pods;

    /// <summary>Pods not terminating: what <c>status.replicas</c> counts.</summary>
    public int StatusReplicas => _pods.Count(p => p.Terminating is null);

    public bool IsReady(SimulatedPod pod, DateTimeOffset now) => pod.Terminating is null && now - pod.Created >= Startup;

    /// <summary>Moves the pods towards the spec; true when the status changed (the controller's status write).</summary>
    public bool Reconcile(DateTimeOffset now)
    {
        _pods.RemoveAll(p => p.Terminating is { } since && now - since >= TerminationGrace);
        while (StatusReplicas < SpecReplicas)
        {
            var zone = BookinfoMesh.Zones.OrderBy(z => Live(z)).First();
            var name = $"{Workload.Name}-{_templateHash}-{Suffix()}";
            _pods.Add(new SimulatedPod(name, zone, address(zone), now, null));
        }
        while (StatusReplicas > SpecReplicas)
        {
            var zone = BookinfoMesh.Zones.OrderByDescending(z => Live(z)).First();
            var newest = _pods.Where(p => p.Terminating is null && p.Zone == zone).MaxBy(p => p.Created)!;
            _pods[_pods.IndexOf(newest)] = newest with { Terminating = now };
        }
        // Readiness moves with time alone: compare with the status last published, not with a moment ago.
        var status = (StatusReplicas, _pods.Count(p => IsReady(p, now)), _pods.Count);
        var changed = status != _status;
        _status = status;
        return changed;
    }

    private int Live(string zone) => _pods.Count(p => p.Terminating is null && p.Zone == zone);

    private string Suffix()
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });
    }

    /// <summary>A stable stand-in for the pod-template-hash (string.GetHashCode differs per process).</summary>
    private static string TemplateHash(string name)
    {
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (hash % 0xFFFFFFFFu).ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + "d";
    }
}
