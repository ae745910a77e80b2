namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>The most recent lines that did not parse, for /api/v1/stats: enough to see what is wrong without a log search.</summary>
internal sealed class AccessLogErrors
{
    private const int Capacity = 20;
    private readonly Queue<RecentError> _recent = new(Capacity);
    private readonly Lock _lock = new();

    public void Add(string transport, string where, string error, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (_recent.Count == Capacity)
            {
                _recent.Dequeue();
            }
            _recent.Enqueue(new RecentError(at, transport, where, error));
        }
    }

    public IReadOnlyList<RecentError> Recent()
    {
        lock (_lock)
        {
            return [.. _recent.Reverse()];
        }
    }

    internal sealed record RecentError(DateTimeOffset At, string Transport, string Where, string Error);
}
