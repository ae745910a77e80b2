#pragma warning disable CS9113 // a stub: the parameters are used once it is written
namespace Observe.Autoscaler.Scaling;

/// <summary>Observe's SLO-driven scaler.</summary>
internal sealed class ObserveScaler(ScalingPolicy policy, LatencyObjective objective) : IReplicaScaler
{
    public string Name => "observe";
    public ScalerCadence Cadence => throw new NotImplementedException();
    public ScalingDecision Decide(ScalingSignals signals) => throw new NotImplementedException();
}
