#pragma warning disable CS9113 // a stub: the parameters are used once it is written
using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Simulation.Baselines;

/// <summary>The Knative Pod Autoscaler on requests/s per pod: stable and panic windows.</summary>
internal sealed record KpaSettings(int MinReplicas, int MaxReplicas, double TargetPerPod);

internal sealed class KpaScaler(KpaSettings settings) : IReplicaScaler
{
    public string Name => "kpa";
    public ScalerCadence Cadence => throw new NotImplementedException();
    public ScalingDecision Decide(ScalingSignals signals) => throw new NotImplementedException();
}
