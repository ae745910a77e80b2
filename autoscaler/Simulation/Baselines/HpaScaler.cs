#pragma warning disable CS9113 // a stub: the parameters are used once it is written
using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Simulation.Baselines;

/// <summary>The Kubernetes HorizontalPodAutoscaler (autoscaling/v2, default behaviour) on average requests/s per pod.</summary>
internal sealed record HpaSettings(int MinReplicas, int MaxReplicas, double TargetPerPod);

internal sealed class HpaScaler(HpaSettings settings) : IReplicaScaler
{
    public string Name => "hpa";
    public ScalerCadence Cadence => throw new NotImplementedException();
    public ScalingDecision Decide(ScalingSignals signals) => throw new NotImplementedException();
}
