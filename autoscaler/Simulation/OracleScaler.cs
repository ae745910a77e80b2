#pragma warning disable CS9113 // a stub: the parameters are used once it is written
using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Simulation;

/// <summary>Knows the trace: asks for what the future demand needs, early enough for start-up and warm-up. The cost floor.</summary>
/// <param name="TargetUtilisation">Share of μ a warm pod may run at and still meet the objective.</param>
internal sealed class OracleScaler(RequestTrace trace, WorkloadModel model, int minReplicas, int maxReplicas, double targetUtilisation) : IReplicaScaler
{
    public string Name => "oracle";
    public ScalerCadence Cadence => throw new NotImplementedException();
    public ScalingDecision Decide(ScalingSignals signals) => throw new NotImplementedException();
}
