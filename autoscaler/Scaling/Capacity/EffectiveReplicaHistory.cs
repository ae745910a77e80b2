namespace Observe.Autoscaler.Scaling.Capacity;

/// <summary>
/// Effective replicas at recent ticks, so a load per replica is computed over the same window as
/// the rate and latency it is paired with, and a window in which the fleet changed a lot (its
/// latency quantile mixes two loads) can be told apart. A fixed ring sized for the window.
/// </summary>
internal sealed class EffectiveReplicaHistory
{
    private readonly (DateTimeOffset At, double Effective)[] _ring;
    private int _next;
    private int _count;

    public EffectiveReplicaHistory(TimeSpan span, TimeSpan tick) =>
        _ring = new (DateTimeOffset, double)[Math.Max(2, (int)Math.Ceiling(span / tick) + 2)];

    public void Add(DateTimeOffset at, double effective)
    {
        _ring[_next] = (at, effective);
        _next = (_next + 1) % _ring.Length;
        _count = Math.Min(_count + 1, _ring.Length);
    }

    /// <summary>Mean, lowest and highest effective replicas at the ticks since <paramref name="from"/>; null when none.</summary>
    public (double Mean, double Min, double Max)? Since(DateTimeOffset from)
    {
        double sum = 0, min = double.MaxValue, max = double.MinValue;
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            var (at, effective) = _ring[i];
            if (at >= from)
            {
                sum += effective;
                min = Math.Min(min, effective);
                max = Math.Max(max, effective);
                n++;
            }
        }
        return n == 0 ? null : (sum / n, min, max);
    }
}
