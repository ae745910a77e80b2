using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Observe.Collector.Receivers.AccessLogs.Tail;

namespace Observe.Collector.Tests.Receivers.AccessLogs.Tail;

/// <summary>
/// One running <see cref="LogFileTail"/> on a manual clock, recording every delivery attempt with
/// copies of its lines (the tail reuses its buffer once a delivery completes).
/// </summary>
internal sealed class TailRun : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<Delivery> _attempts = [];
    private readonly List<Delivery> _accepted = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualTime _time;
    private readonly TimeSpan _step;
    private readonly Task _run;
    private readonly Func<int, bool> _refuse;

    /// <param name="refuse">Given the attempt number (0, 1, …), whether the receiver refuses it.</param>
    public TailRun(TailOptions options, string statePath, ManualTime time, Func<int, bool>? refuse = null)
    {
        _time = time;
        _step = options.PollInterval;
        _refuse = refuse ?? (_ => false);
        var tail = new LogFileTail(options, statePath, time, NullLogger<LogFileTail>.Instance);
        _run = tail.RunAsync(DeliverAsync, _stop.Token);
    }

    public IReadOnlyList<Delivery> Attempts
    {
        get
        {
            lock (_lock)
            {
                return [.. _attempts];
            }
        }
    }

    public IReadOnlyList<Delivery> Accepted
    {
        get
        {
            lock (_lock)
            {
                return [.. _accepted];
            }
        }
    }

    /// <summary>The accepted lines in delivery order, decoded for readable assertions.</summary>
    public IReadOnlyList<string> Texts => Accepted.SelectMany(d => d.Lines).Select(l => Encoding.UTF8.GetString(l.Bytes)).ToList();

    public IReadOnlyList<ReceivedLine> Lines => Accepted.SelectMany(d => d.Lines).ToList();

    /// <summary>Moves the clock a poll interval at a time until <paramref name="condition"/> holds (10 s of real time at most).</summary>
    public async Task UntilAsync(Func<bool> condition)
    {
        var met = await Loopback.EventuallyAsync(() =>
        {
            if (_run.IsCompleted)
            {
                // Surface a crashed tail instead of timing out.
                _run.GetAwaiter().GetResult();
                throw new InvalidOperationException("the tail stopped");
            }
            _time.Advance(_step);
            return Task.FromResult(condition());
        }, TimeSpan.FromSeconds(10));
        Assert.True(met, $"condition not met; accepted so far: [{string.Join(", ", Texts)}]");
    }

    public Task UntilLinesAsync(int count) => UntilAsync(() => Lines.Count >= count);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private Task DeliverAsync(TailedLines lines, CancellationToken cancellationToken)
    {
        var copy = new Delivery(
            lines.File.Path,
            lines.Lines.Select(l => new ReceivedLine(l.Bytes.ToArray(), l.Offset, l.Truncated)).ToList(),
            lines.Position);
        lock (_lock)
        {
            var attempt = _attempts.Count;
            _attempts.Add(copy);
            if (_refuse(attempt))
            {
                throw new InvalidOperationException($"refused attempt {attempt}");
            }
            _accepted.Add(copy);
        }
        return Task.CompletedTask;
    }

    internal sealed record Delivery(string Path, IReadOnlyList<ReceivedLine> Lines, TailPosition Position);

    internal sealed record ReceivedLine(byte[] Bytes, long Offset, bool Truncated)
    {
        public string Text => Encoding.UTF8.GetString(Bytes);
    }
}
