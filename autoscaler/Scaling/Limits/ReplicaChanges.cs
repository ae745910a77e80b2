namespace Observe.Autoscaler.Scaling.Limits;

/// <summary>
/// Changes of the replica count seen over the trailing period, as the HPA keeps its scale
/// events. They are read from the spec count tick to tick, not from this scaler's answers, so a
/// dry run (where nothing is applied) or a change made by hand is counted as what it was.
/// </summary>
internal sealed class ReplicaChanges(TimeSpan keep)
{
    private readonly Queue<(DateTimeOffset At, int Delta)> _changes = new();
    private int? _lastCount;
    private DateTimeOffset _lastTime;

    /// <summary>Records the spec count at this tick; a change since the last tick is dated to the last tick, when it was decided.</summary>
    public void Observe(DateTimeOffset time, int desired)
    {
        if (_lastCount is { } last && desired != last)
        {
            _changes.Enqueue((_lastTime, desired - last));
        }
        _lastCount = desired;
        _lastTime = time;
        while (_changes.Count > 0 && time - _changes.Peek().At > keep)
        {
            _changes.Dequeue();
        }
    }

    /// <summary>Replicas added (<paramref name="up"/>) or removed within <paramref name="period"/> before <paramref name="now"/>.</summary>
    public int Within(DateTimeOffset now, TimeSpan period, bool up)
    {
        var total = 0;
        foreach (var (at, delta) in _changes)
        {
            if (now - at < period && (delta > 0) == up)
            {
                total += Math.Abs(delta);
            }
        }
        return total;
    }
}
