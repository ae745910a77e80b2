using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Simulation;

/// <summary>
/// Knows the trace: at every tick it asks for what the highest demand between now and the end
/// of the horizon (start-up + warm-up + tick) needs at <c>targetUtilisation</c> of each pod's
/// service rate, so new pods are warm when the demand arrives and no pod is kept longer than
/// the demand needs it. It still pays for start-up and warm-up: the cost floor of any scaler.
/// </summary>
internal sealed class OracleScaler : IReplicaScaler
{
    private readonly RequestTrace _trace;
    private readonly WorkloadModel _model;
    private readonly int _minReplicas, _maxReplicas;
    private readonly double _perPod;
    private readonly long _horizon;

    public OracleScaler(RequestTrace trace, WorkloadModel model, int minReplicas, int maxReplicas, double targetUtilisation)
    {
        if (!(targetUtilisation is > 0 and <= 1)) throw new ArgumentException($"oracle target utilisation must be in (0, 1], not {targetUtilisation}");
        _trace = trace;
        _model = model;
        _minReplicas = minReplicas;
        _maxReplicas = maxReplicas;
        _perPod = model.ServiceRate * targetUtilisation;
        Cadence = new ScalerCadence(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.Zero);
        _horizon = (long)(model.Startup.Delay + model.Startup.Warmup + Cadence.Tick).TotalSeconds;
    }

    public string Name => "oracle";

    public ScalerCadence Cadence { get; }

    public ScalingDecision Decide(ScalingSignals signals)
    {
        var now = (long)(signals.Time - _trace.Start).TotalSeconds;
        var step = (long)_trace.Step.TotalSeconds;
        var need = 0;
        var peak = 0.0;
        // One look per trace step: the rate is constant within a step.
        for (var t = now; t <= now + _horizon; t = (t / step + 1) * step)
        {
            var rate = _trace.RateAt(t);
            var perPod = _perPod * VersionFactor(t);
            need = Math.Max(need, (int)Math.Ceiling(rate / perPod - 1e-9));
            peak = Math.Max(peak, rate);
        }
        var desired = Math.Clamp(need, _minReplicas, _maxReplicas);
        var current = signals.Replicas.Desired;
        var reason = desired == need
            ? new ScalingReason(ReasonCodes.Forecast, $"the peak of the next {_horizon} s is {peak:0.#} requests/s, which needs {need} pods at {_perPod:0.##} requests/s each")
            : new ScalingReason(need > desired ? ReasonCodes.BoundedByMax : ReasonCodes.BoundedByMin, $"{need} pods needed, bounded to [{_minReplicas}, {_maxReplicas}]");
        return new ScalingDecision(signals.Time, current, desired, [reason], new DecisionFigures(CapacityPerReplica: _perPod, DemandForecast: peak, Recommendation: need));
    }

    /// <summary>The version's share of μ at second <paramref name="t"/>: the pods serving then are the ones started by then.</summary>
    private double VersionFactor(long t)
    {
        var factor = 1.0;
        foreach (var change in _model.CapacityChanges ?? [])
            if (change.At.TotalSeconds <= t) factor = change.Factor;
        return factor;
    }
}
