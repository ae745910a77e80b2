using Observe.Autoscaler.Scaling.Capacity;

namespace Observe.Autoscaler.Scaling.Sizing;

/// <summary>Replicas a rate needs at a capacity per replica and a headroom.</summary>
internal static class ReplicaNeed
{
    // Rounding noise (120.0000001 / 10) must not cost a whole replica.
    private const double Epsilon = 1e-6;

    /// <summary>Warm replicas <paramref name="rate"/> needs: rate × (1 + headroom) / capacity.</summary>
    public static double Exact(double rate, double headroom, double capacity) => rate * (1 + headroom) / capacity;

    public static int Whole(double replicas) =>
        replicas <= 0 ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(replicas - Epsilon));

    /// <summary>
    /// Replicas to ask for now when the current rate exceeds what the fleet serves now: the need
    /// plus the capacity that warming (or late) pods still lack. Null when the fleet already
    /// serves the current rate, so a steady fleet with a pod warming up is not grown.
    /// </summary>
    public static int? WithWarming(double rate, double headroom, double capacity, FleetCapacity fleet) =>
        rate > fleet.Effective * capacity && fleet.Shortfall > 0
            ? Whole(Exact(rate, headroom, capacity) + fleet.Shortfall)
            : null;
}
