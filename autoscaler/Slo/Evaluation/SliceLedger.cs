namespace Observe.Autoscaler.Slo.Evaluation;

/// <summary>
/// The outcome of every closed slice of one timeslices objective within its period. A closed
/// slice is read once when it is older than the settle time (late data can still change the
/// newest ones, which are recomputed each evaluation), so a pass reads minutes, not the period.
/// </summary>
internal sealed class SliceLedger(SloDefinition definition, TimeSpan slice)
{
    private readonly SortedList<long, bool> _outcomes = [];

    /// <summary>The definition the outcomes were computed for; another one starts a new ledger.</summary>
    public SloDefinition Definition { get; } = definition;

    public TimeSpan Slice { get; } = slice;

    /// <summary>The earliest slice start the ledger has been filled from; null until the first fill.</summary>
    public DateTimeOffset? CoveredFrom { get; set; }

    /// <summary>Slices before this were settled at the last pass; later ones are recomputed at the next.</summary>
    public DateTimeOffset? SettledBefore { get; set; }

    public void Set(DateTimeOffset sliceStart, bool? good)
    {
        var key = sliceStart.ToUnixTimeSeconds();
        if (good is { } g)
        {
            _outcomes[key] = g;
        }
        else
        {
            _outcomes.Remove(key);
        }
    }

    /// <summary>Forgets slices that started before <paramref name="start"/>.</summary>
    public void DropBefore(DateTimeOffset start)
    {
        var count = FirstAtOrAfter(start.ToUnixTimeSeconds());
        if (count == _outcomes.Count)
        {
            _outcomes.Clear();
            return;
        }
        for (var i = 0; i < count; i++)
        {
            _outcomes.RemoveAt(0);
        }
    }

    /// <summary>Good and total slices (with traffic) that started at or after <paramref name="from"/>.</summary>
    public WindowCounts Since(DateTimeOffset from)
    {
        var outcomes = _outcomes.Values;
        double good = 0, total = 0;
        for (var i = FirstAtOrAfter(from.ToUnixTimeSeconds()); i < outcomes.Count; i++)
        {
            total++;
            if (outcomes[i])
            {
                good++;
            }
        }
        return new(good, total);
    }

    /// <summary>The index of the first slice starting at or after <paramref name="seconds"/> (binary search over the sorted starts).</summary>
    private int FirstAtOrAfter(long seconds)
    {
        var keys = _outcomes.Keys;
        int low = 0, high = keys.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (keys[mid] < seconds)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }
}
