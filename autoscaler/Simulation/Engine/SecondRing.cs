namespace Observe.Autoscaler.Simulation.Engine;

/// <summary>
/// What the workload did each second, kept as running totals in a ring so that the sum over
/// any window within the ring is one subtraction: a scaler ticking every 2 s over a 60 s
/// window costs the same as one ticking every minute.
/// </summary>
internal sealed class SecondRing
{
    /// <summary>Latency buckets: <see cref="BucketsPerThreshold"/> per latency threshold, up to <see cref="ThresholdsCovered"/> thresholds, then one overflow bucket.</summary>
    public const int BucketsPerThreshold = 32;
    public const int ThresholdsCovered = 4;
    private const int Buckets = BucketsPerThreshold * ThresholdsCovered + 1;

    private readonly int _length;
    private readonly long[] _arrivals;
    private readonly long[] _rejected;
    private readonly double[] _inFlight;
    private readonly long[] _latency; // _length × Buckets, cumulative per bucket
    private readonly long[] _latencyNow = new long[Buckets];
    private readonly long[] _selected = new long[Buckets];
    private long _selectedTotal;
    private readonly double _bucketsPerSecond;
    private long _arrivalsNow, _rejectedNow;
    private double _inFlightNow;

    /// <summary>Seconds recorded so far; second k's totals include seconds 0..k.</summary>
    public long Seconds { get; private set; }

    public SecondRing(int length, double latencyThresholdSeconds)
    {
        _length = length;
        _arrivals = new long[length];
        _rejected = new long[length];
        _inFlight = new double[length];
        _latency = new long[length * Buckets];
        _bucketsPerSecond = BucketsPerThreshold / latencyThresholdSeconds;
    }

    public void Accepted(double latency)
    {
        _arrivalsNow++;
        var bucket = latency * _bucketsPerSecond;
        _latencyNow[bucket < Buckets - 1 ? (int)bucket : Buckets - 1]++;
    }

    public void Rejected()
    {
        _arrivalsNow++;
        _rejectedNow++;
    }

    /// <summary>Closes the current second, with the requests in flight at its end.</summary>
    public void EndSecond(int inFlight)
    {
        _inFlightNow += inFlight;
        var slot = (int)(Seconds % _length);
        _arrivals[slot] = _arrivalsNow;
        _rejected[slot] = _rejectedNow;
        _inFlight[slot] = _inFlightNow;
        Array.Copy(_latencyNow, 0, _latency, slot * Buckets, Buckets);
        Seconds++;
    }

    /// <summary>
    /// The seconds [from, to) clipped to what was recorded and is still in the ring; empty
    /// (from == to) when none are.
    /// </summary>
    private (long From, long To) Clip(long from, long to)
    {
        to = Math.Min(to, Seconds);
        from = Math.Max(from, Math.Max(0, Seconds - _length + 1));
        return from < to ? (from, to) : (to, to);
    }

    private static long Diff(long[] cumulative, int length, long from, long to) =>
        cumulative[(int)((to - 1) % length)] - (from == 0 ? 0 : cumulative[(int)((from - 1) % length)]);

    public WindowCounts Window(long from, long to)
    {
        (from, to) = Clip(from, to);
        if (from == to) return default;
        var inFlight = _inFlight[(int)((to - 1) % _length)] - (from == 0 ? 0 : _inFlight[(int)((from - 1) % _length)]);
        return new WindowCounts(to - from, Diff(_arrivals, _length, from, to), Diff(_rejected, _length, from, to), inFlight / (to - from));
    }

    /// <summary>
    /// Takes the latency histogram of the accepted requests of [from, to) for the
    /// <see cref="Quantile"/> calls that follow, so that a tick's several quantiles subtract the
    /// running totals once.
    /// </summary>
    public void SelectLatency(long from, long to)
    {
        _selectedTotal = 0;
        (from, to) = Clip(from, to);
        if (from == to)
        {
            Array.Clear(_selected);
            return;
        }
        var end = (int)((to - 1) % _length) * Buckets;
        var start = from == 0 ? -1 : (int)((from - 1) % _length) * Buckets;
        for (var b = 0; b < Buckets; b++)
        {
            _selected[b] = _latency[end + b] - (start < 0 ? 0 : _latency[start + b]);
            _selectedTotal += _selected[b];
        }
    }

    /// <summary>The latency quantile <paramref name="q"/> of the selected window; null below <paramref name="minimumRequests"/>.</summary>
    public double? Quantile(double q, long minimumRequests)
    {
        if (_selectedTotal < minimumRequests || _selectedTotal == 0) return null;
        var rank = q * _selectedTotal;
        long seen = 0;
        for (var b = 0; b < Buckets; b++)
        {
            var count = _selected[b];
            if (seen + count >= rank && count > 0)
            {
                if (b == Buckets - 1) return (Buckets - 1) / _bucketsPerSecond; // beyond the histogram: its lower edge
                return (b + (rank - seen) / count) / _bucketsPerSecond;
            }
            seen += count;
        }
        return (Buckets - 1) / _bucketsPerSecond;
    }
}

/// <param name="InFlight">Average requests in flight at the ends of the window's seconds.</param>
internal readonly record struct WindowCounts(long Seconds, long Arrivals, long Rejected, double InFlight)
{
    public double Rate => Seconds == 0 ? 0 : (double)Arrivals / Seconds;
}
