namespace Observe.Autoscaler.Scaling.Burst;

/// <summary>
/// The mean time a request spends in the workload when no burst is under way, from Little's
/// law (in flight = rate × time in system) over the short window, smoothed over minutes. It
/// turns the stable rate into the in-flight load to expect, so a jump in concurrency (requests
/// piling up) is seen before the rate windows show it.
/// </summary>
internal sealed class InFlightBaseline(TimeSpan tick, TimeSpan memory)
{
    private readonly double _weight = 1 - Math.Exp(-tick.TotalSeconds / memory.TotalSeconds);

    /// <summary>Seconds; null until a tick with traffic and in-flight data.</summary>
    public double? TimeInSystem { get; private set; }

    /// <summary>
    /// Learns from a tick whose rate shows no burst. Ticks where only the in-flight load jumped
    /// still count (slowly), so a lasting change of latency, e.g. a slower version, becomes the
    /// new normal instead of keeping the scaler in burst mode for ever.
    /// </summary>
    public void Learn(double rateShort, double inFlight)
    {
        if (!(rateShort > 0) || !(inFlight >= 0) || !double.IsFinite(inFlight))
        {
            return;
        }
        var sample = inFlight / rateShort;
        TimeInSystem = TimeInSystem is { } previous ? previous + (_weight * (sample - previous)) : sample;
    }
}
