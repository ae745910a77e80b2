using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Simulation;

/// <summary>Replays a trace against a workload model under one scaler.</summary>
public static class Simulator
{
    /// <param name="progress">Receives the number of simulated seconds done, now and then.</param>
    public static SimulationResult Run(RequestTrace trace, WorkloadModel model, IReplicaScaler scaler, int seed,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("simulator engine: being written");
}
