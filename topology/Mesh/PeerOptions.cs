namespace Observe.Topology.Mesh;

/// <summary>
/// How peers are recognised where the logs do not name them. Bound from the configuration
/// section <c>Mesh:Peers</c>.
/// </summary>
public sealed class PeerOptions
{
    /// <summary>
    /// Explicit identities for addresses and authorities (for nginx and proxies outside
    /// Kubernetes), consulted after everything the logs say.
    /// </summary>
    public List<PeerMapping> Mappings { get; set; } = [];

    /// <summary>How long a learned address → workload pairing is trusted without being seen again.</summary>
    public TimeSpan AddressTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Learned addresses kept at most; past this, expired ones are dropped, then new ones are not learned.</summary>
    public int MaxAddresses { get; set; } = 100_000;

    public void Validate()
    {
        if (AddressTtl <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Mesh:Peers:AddressTtl must be positive, got {AddressTtl}.");
        }
        if (MaxAddresses < 0)
        {
            throw new ArgumentException($"Mesh:Peers:MaxAddresses must not be negative, got {MaxAddresses}.");
        }
        for (var i = 0; i < Mappings.Count; i++)
        {
            var m = Mappings[i];
            if (string.IsNullOrWhiteSpace(m.Address) == string.IsNullOrWhiteSpace(m.Authority))
            {
                throw new ArgumentException($"Mesh:Peers:Mappings:{i} must name exactly one of Address (ip or ip:port) or Authority (a Host header value).");
            }
            if (string.IsNullOrWhiteSpace(m.Workload) && string.IsNullOrWhiteSpace(m.Service))
            {
                throw new ArgumentException($"Mesh:Peers:Mappings:{i} ({m.Address ?? m.Authority}) must give a Workload or a Service.");
            }
        }
    }
}

/// <summary>One configured identity: requests to or from <see cref="Address"/>, or for <see cref="Authority"/>, are this peer's.</summary>
public sealed class PeerMapping
{
    /// <summary>An IP address, or <c>ip:port</c> when one host runs several services.</summary>
    public string? Address { get; set; }

    /// <summary>A Host / :authority value (without port), matched case-insensitively.</summary>
    public string? Authority { get; set; }

    public string? Workload { get; set; }
    public string? Namespace { get; set; }
    public string? Service { get; set; }
    public string? Version { get; set; }
    public string? Cluster { get; set; }
    public string? Zone { get; set; }
}
