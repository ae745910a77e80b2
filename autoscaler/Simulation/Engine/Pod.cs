namespace Observe.Autoscaler.Simulation.Engine;

/// <summary>
/// One replica: a FIFO server with a bounded queue. Requests are served in arrival order, so a
/// request's completion is known when it arrives (start = max(arrival, when the pod frees up));
/// the completion times of the requests still held are kept to count what is in flight.
/// </summary>
internal sealed class Pod(double createdAt, double readyAt, int queueLimit)
{
    private readonly double[] _completions = new double[queueLimit];
    private int _head;
    private int _held;
    private double _freeAt;

    public double CreatedAt { get; } = createdAt;
    public double ReadyAt { get; } = readyAt;

    /// <summary>Requests/s this pod completes now (μ × warm-up × version factor); 0 while it starts.</summary>
    public double ServiceRate { get; set; }

    public bool Ready { get; set; }

    /// <summary>Fully warm: its service rate only changes again with the version.</summary>
    public bool Warm { get; set; }

    /// <summary>Requests in service or waiting at <paramref name="now"/>.</summary>
    public int InFlight(double now)
    {
        while (_held > 0 && _completions[_head] <= now)
        {
            if (++_head == _completions.Length) _head = 0;
            _held--;
        }
        return _held;
    }

    /// <summary>Work left at <paramref name="now"/>, in seconds: what a new request would wait.</summary>
    public double WorkLeft(double now) => _freeAt > now ? _freeAt - now : 0;

    /// <summary>Queues a request arriving at <paramref name="now"/> needing <paramref name="service"/> seconds; false when the queue is full (rejected).</summary>
    public bool TryAccept(double now, double service, out double completion)
    {
        if (InFlight(now) == _completions.Length)
        {
            completion = 0;
            return false;
        }
        completion = (_freeAt > now ? _freeAt : now) + service;
        _freeAt = completion;
        var tail = _head + _held;
        if (tail >= _completions.Length) tail -= _completions.Length;
        _completions[tail] = completion;
        _held++;
        return true;
    }
}
