using System.Threading.Channels;

namespace Observe.Autoscaler.Tests.Kubernetes;

/// <summary>A <see cref="ManualTime"/> that also tells when someone starts waiting on it, and for how long.</summary>
internal sealed class TimerRecordingTime : TimeProvider
{
    private readonly ManualTime _clock = new();
    private readonly Channel<TimeSpan> _started = Channel.CreateUnbounded<TimeSpan>();

    public override DateTimeOffset GetUtcNow() => _clock.GetUtcNow();

    public override long TimestampFrequency => _clock.TimestampFrequency;

    public override long GetTimestamp() => _clock.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = _clock.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _started.Writer.TryWrite(dueTime);
        }
        return timer;
    }

    public void Advance(TimeSpan by) => _clock.Advance(by);

    /// <summary>
    /// Runs <paramref name="task"/> to its end, moving the clock by exactly each wait shorter than
    /// <paramref name="shorterThan"/> it starts (its retry delays; longer ones are timeouts that must not fire).
    /// </summary>
    public async Task<T> RunWaits<T>(Task<T> task, TimeSpan shorterThan)
    {
        while (true)
        {
            var next = _started.Reader.ReadAsync().AsTask();
            if (await Task.WhenAny(task, next).WaitAsync(TimeSpan.FromSeconds(10)) == task)
            {
                return await task;
            }
            var due = await next;
            if (due < shorterThan)
            {
                Advance(due);
            }
        }
    }
}
