using Observe.Autoscaler.Kubernetes;

namespace Observe.Autoscaler.Control;

/// <summary>The controller's options (section Controller).</summary>
public sealed class ControllerSettings
{
    /// <summary>Namespace whose ScalingPolicy and ServiceLevelObjective resources are watched; null: all namespaces.</summary>
    public string? WatchNamespace { get; set; }

    /// <summary>Namespace of the Lease that elects one active controller.</summary>
    public string LeaseNamespace { get; set; } = "observe";

    public string LeaseName { get; set; } = "observe-controller";

    /// <summary>This replica's name in the Lease and in Events; null: the host name and a random suffix.</summary>
    public string? Identity { get; set; }

    /// <summary>A leader that has not renewed for this long is replaced (client-go's default).</summary>
    public TimeSpan LeaseDuration { get; set; } = LeaseSettings.DefaultLeaseDuration;

    /// <summary>A leader that cannot renew within this long stops acting, before anyone may take over.</summary>
    public TimeSpan RenewDeadline { get; set; } = LeaseSettings.DefaultRenewDeadline;

    /// <summary>How often a candidate tries to acquire the Lease, and the leader renews it.</summary>
    public TimeSpan RetryPeriod { get; set; } = LeaseSettings.DefaultRetryPeriod;

    /// <summary>The tick while a policy is in burst mode (its own tick otherwise, 15 s by default).</summary>
    public TimeSpan BurstTick { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Conflicting writes of the scale (409) re-read and retried this many times within one tick.</summary>
    public int ConflictRetries { get; set; } = 3;

    /// <summary>The <c>reportingController</c> of the controller's Events.</summary>
    public const string ReportingController = "observe.dev/controller";

    /// <summary>The Lease this replica campaigns for, as <paramref name="identity"/>.</summary>
    public LeaseSettings Lease(string identity) => new(LeaseNamespace, LeaseName, identity, LeaseDuration, RenewDeadline, RetryPeriod);

    public string ResolvedIdentity() => Identity ?? $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..6]}";

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(LeaseNamespace) || string.IsNullOrWhiteSpace(LeaseName))
        {
            throw new ArgumentException("Controller:LeaseNamespace and Controller:LeaseName must not be empty.");
        }
        if (!(LeaseDuration > RenewDeadline && RenewDeadline > RetryPeriod && RetryPeriod > TimeSpan.Zero))
        {
            throw new ArgumentException(
                $"Controller: LeaseDuration ({LeaseDuration}) > RenewDeadline ({RenewDeadline}) > RetryPeriod ({RetryPeriod}) > 0 must hold.");
        }
        if (BurstTick < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"Controller:BurstTick must be at least 1 s, got {BurstTick}.");
        }
        if (ConflictRetries is < 0 or > 20)
        {
            throw new ArgumentException($"Controller:ConflictRetries must be 0 to 20, got {ConflictRetries}.");
        }
    }
}
