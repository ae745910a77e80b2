namespace Observe.Autoscaler.Scaling.Freshness;

internal enum DataState { Fresh, Missing, Stale }

/// <summary>
/// Whether a tick's signals can be acted on. A scaler that cannot see demand must not shrink the
/// workload: an outage of the metrics pipeline would otherwise look like an outage of traffic.
/// </summary>
internal sealed class SignalFreshness(TimeSpan tick, TimeSpan metricsLag)
{
    /// <summary>
    /// Data older than this is stale: the rollup is always <c>metricsLag</c> behind, and one or
    /// two late rollups are ordinary jitter, but three ticks without anything new means the
    /// pipeline (or the workload's reporting) has stopped.
    /// </summary>
    public TimeSpan Limit { get; } = (3 * tick) + metricsLag;

    public DataState Check(ScalingSignals signals)
    {
        if (signals.DataUntil is not { } until || signals.RateLong is not (>= 0 and var rate) || !double.IsFinite(rate))
        {
            return DataState.Missing;
        }
        return signals.Time - until > Limit ? DataState.Stale : DataState.Fresh;
    }

    /// <summary>A sentence saying why the data cannot be used.</summary>
    public string Describe(ScalingSignals signals, DataState state) => state switch
    {
        DataState.Missing when signals.DataUntil is null => "no data covers the stable window",
        DataState.Missing => "no request rate over the stable window",
        DataState.Stale => $"newest data is {(signals.Time - signals.DataUntil!.Value).TotalSeconds:F0} s old (limit {Limit.TotalSeconds:F0} s)",
        _ => "data is fresh",
    };
}
