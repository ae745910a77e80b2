namespace Observe.Autoscaler.Scaling.Capacity;

/// <summary>
/// What the existing pods serve now, in warm-replica equivalents.
/// </summary>
/// <param name="Effective">Ready pods weighted by warm-up (a half-warm pod counts 0.5); pods that are not ready count 0.</param>
/// <param name="Shortfall">
/// Warm-replica equivalents the fleet lacks because pods are still warming, or are late to turn
/// ready. Pods still within their start-up delay are not counted: they were asked for to cover a
/// need already, and counting them again would ask for the same capacity at every tick until
/// they are ready.
/// </param>
internal readonly record struct FleetCapacity(double Effective, double Shortfall)
{
    public static FleetCapacity Of(ReplicaSnapshot replicas, PodStartup startup)
    {
        double effective = 0, shortfall = 0;
        foreach (var pod in replicas.Pods)
        {
            if (pod.Ready)
            {
                var factor = startup.CapacityFactor(pod.Age);
                // A pod that turned ready before its nominal delay still serves from the start of warm-up.
                factor = pod.Age < startup.Delay ? startup.CapacityFactor(startup.Delay) : factor;
                effective += factor;
                shortfall += 1 - factor;
            }
            else if (pod.Age >= startup.Delay)
            {
                shortfall += 1;
            }
        }
        return new(effective, shortfall);
    }
}
