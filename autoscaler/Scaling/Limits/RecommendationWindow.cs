namespace Observe.Autoscaler.Scaling.Limits;

/// <summary>
/// The highest recommendation of the trailing stabilisation window, so a dip in demand does not
/// shed replicas that the next minute needs again. A monotonic queue: each tick costs O(1)
/// amortised however long the window.
/// </summary>
internal sealed class RecommendationWindow(TimeSpan window)
{
    private (DateTimeOffset At, int Value)[] _items = new (DateTimeOffset, int)[16];
    private int _head;
    private int _count;

    /// <summary>Adds this tick's recommendation and returns the highest within the window ending now.</summary>
    public int Add(DateTimeOffset at, int recommendation)
    {
        while (_count > 0 && _items[(_head + _count - 1) % _items.Length].Value <= recommendation)
        {
            _count--;
        }
        if (_count == _items.Length)
        {
            Grow();
        }
        _items[(_head + _count) % _items.Length] = (at, recommendation);
        _count++;
        while (at - _items[_head].At > window)
        {
            _head = (_head + 1) % _items.Length;
            _count--;
        }
        return _items[_head].Value;
    }

    private void Grow()
    {
        var items = new (DateTimeOffset, int)[_items.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            items[i] = _items[(_head + i) % _items.Length];
        }
        _items = items;
        _head = 0;
    }
}
