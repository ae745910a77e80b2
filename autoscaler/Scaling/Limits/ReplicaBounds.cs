namespace Observe.Autoscaler.Scaling.Limits;

/// <summary>The policy's replica bounds, which hold whatever the other rules say, also when the workload is outside them.</summary>
internal sealed class ReplicaBounds(int min, int max)
{
    public int Min { get; } = Math.Max(0, min);

    public int Max { get; } = Math.Max(Math.Max(0, min), max);

    public int Clamp(int replicas, List<ScalingReason> reasons)
    {
        if (replicas > Max)
        {
            reasons.Add(new(ReasonCodes.BoundedByMax, $"{replicas} replicas wanted, bounded by maxReplicas {Max}"));
            return Max;
        }
        if (replicas < Min)
        {
            reasons.Add(new(ReasonCodes.BoundedByMin, $"{replicas} replicas wanted, bounded by minReplicas {Min}"));
            return Min;
        }
        return replicas;
    }
}
