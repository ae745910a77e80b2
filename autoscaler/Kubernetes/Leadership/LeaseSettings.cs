namespace Observe.Autoscaler.Kubernetes;

/// <summary>
/// Leader election on a <c>coordination.k8s.io/v1</c> Lease.
/// </summary>
/// <param name="Identity">This replica's name in the lease's holderIdentity (e.g. the pod name); unique among the candidates.</param>
/// <param name="LeaseDuration">How long others wait, after they last saw the lease change, before taking it over.</param>
/// <param name="RenewDeadline">How long the leader keeps trying to renew before it stops leading.</param>
/// <param name="RetryPeriod">Between two tries to acquire or renew.</param>
public sealed record LeaseSettings(string Namespace, string Name, string Identity, TimeSpan LeaseDuration, TimeSpan RenewDeadline, TimeSpan RetryPeriod)
{
    // client-go's leader election defaults.
    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultRenewDeadline = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultRetryPeriod = TimeSpan.FromSeconds(2);

    public static LeaseSettings WithDefaults(string @namespace, string name, string identity) =>
        new(@namespace, name, identity, DefaultLeaseDuration, DefaultRenewDeadline, DefaultRetryPeriod);

    /// <summary>The lease's leaseDurationSeconds: whole seconds, rounded up so that nobody takes over early.</summary>
    public int LeaseDurationSeconds => (int)Math.Ceiling(LeaseDuration.TotalSeconds);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Namespace)) throw new ArgumentException("The lease's namespace must be set.", nameof(Namespace));
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("The lease's name must be set.", nameof(Name));
        if (string.IsNullOrWhiteSpace(Identity)) throw new ArgumentException("The candidate's identity must be set (e.g. the pod's name).", nameof(Identity));
        if (RetryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException($"RetryPeriod must be positive, not {RetryPeriod}.", nameof(RetryPeriod));
        }
        if (RenewDeadline <= RetryPeriod)
        {
            throw new ArgumentException($"RenewDeadline ({RenewDeadline}) must be longer than RetryPeriod ({RetryPeriod}): the leader needs more than one try to renew.", nameof(RenewDeadline));
        }
        if (LeaseDuration <= RenewDeadline)
        {
            throw new ArgumentException($"LeaseDuration ({LeaseDuration}) must be longer than RenewDeadline ({RenewDeadline}): a leader must give up before others may take over.", nameof(LeaseDuration));
        }
    }
}
