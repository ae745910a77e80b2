using System.Threading.Channels;
using Observe.Store;
using Observe.Store.RowBinary;
using Observe.Store.Schema;

namespace Observe.Collector.Pipeline;

/// <summary>
/// Commits the batches of concurrent requests together: one insert per table for many requests,
/// and each request learns that its rows are committed only once the engine has them. What may
/// wait is bounded in bytes; past the bound, or while the store fails, requests are refused with a
/// retry hint instead of being buffered.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    private readonly Channel<Pending> _queue;
    private readonly IClickHouseTransport _store;
    private readonly string _database;
    private readonly IngestOptions _options;
    private readonly TimeProvider _time;
    private readonly IngestCounters _counters;
    private readonly Task[] _writers;
    private long _queuedBytes;

    public GroupCommitter(IClickHouseTransport store, string database, IngestOptions options, TimeProvider time, IngestCounters counters)
    {
        options.Validate();
        _store = store;
        _database = database;
        _options = options;
        _time = time;
        _counters = counters;
        _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
        _writers = Enumerable.Range(0, options.Writers).Select(_ => Task.Run(WriteLoopAsync)).ToArray();
    }

    /// <summary>Bytes accepted but not yet committed.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>
    /// Takes ownership of <paramref name="batch"/> and completes when every row of it is in the store. Throws
    /// <see cref="IngestRefusedException"/> when the queue is full or the store failed.
    /// </summary>
    public Task CommitAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Rows == 0)
        {
            batch.Dispose();
            return Task.CompletedTask;
        }
        var bytes = batch.Bytes;
        // The byte budget, not the channel, bounds memory: reserve first, refuse if it does not fit.
        // A request alone in an empty queue always fits (its size is bounded by Otlp:MaxRequestBytes).
        var queued = Interlocked.Add(ref _queuedBytes, bytes);
        if (queued > _options.MaxQueuedBytes && queued != bytes)
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
            _counters.Refused(batch.Rows);
            batch.Dispose();
            throw new IngestRefusedException(
                $"the ingest queue is full ({_options.MaxQueuedBytes} bytes wait for the store); retry later", _options.RetryAfter);
        }
        var pending = new Pending(batch, bytes, _time.GetTimestamp());
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
            batch.Dispose();
            throw new IngestRefusedException("the collector is shutting down; retry later", _options.RetryAfter);
        }
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers).ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            await GatherAsync(group).ConfigureAwait(false);
            if (group.Count > 0)
            {
                await CommitGroupAsync(group).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Takes waiting requests until the group is full or its oldest request has waited long enough.</summary>
    private async Task GatherAsync(List<Pending> group)
    {
        long rows = 0, bytes = 0;
        while (true)
        {
            while (rows < _options.MaxBatchRows && bytes < _options.MaxBatchBytes && _queue.Reader.TryRead(out var next))
            {
                group.Add(next);
                rows += next.Batch.Rows;
                bytes += next.Bytes;
            }
            if (group.Count == 0 || rows >= _options.MaxBatchRows || bytes >= _options.MaxBatchBytes)
            {
                return;
            }
            var waited = _time.GetElapsedTime(group[0].EnqueuedAt);
            var remaining = _options.MaxBatchDelay - waited;
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }
            using var timeout = new CancellationTokenSource(remaining, _time);
            try
            {
                if (!await _queue.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task CommitGroupAsync(List<Pending> group)
    {
        try
        {
            await InsertAsync(group).ConfigureAwait(false);
            Complete(group, null);
        }
        catch (ClickHouseException) when (group.Count > 1)
        {
            // The engine refused the merged rows: commit request by request so one bad batch fails alone.
            foreach (var pending in group)
            {
                try
                {
                    await InsertAsync([pending]).ConfigureAwait(false);
                    Complete([pending], null);
                }
                catch (Exception e)
                {
                    Complete([pending], e);
                }
            }
        }
        catch (Exception e)
        {
            Complete(group, e);
        }
    }

    private async Task InsertAsync(IReadOnlyList<Pending> group)
    {
        var tables = group.SelectMany(p => p.Batch.Tables).GroupBy(t => t.Table);
        foreach (var table in tables)
        {
            var parts = table.ToList();
            if (parts.Count == 1)
            {
                await _store.InsertRowBinaryAsync($"`{_database}`.{table.Key.Name}", table.Key.Columns, parts[0].Writer.WrittenMemory).ConfigureAwait(false);
                continue;
            }
            using var merged = new RowBinaryWriter(parts.Sum(p => p.Writer.Length));
            foreach (var part in parts)
            {
                merged.Raw(part.Writer.WrittenSpan);
            }
            await _store.InsertRowBinaryAsync($"`{_database}`.{table.Key.Name}", table.Key.Columns, merged.WrittenMemory).ConfigureAwait(false);
        }
    }

    private void Complete(IReadOnlyList<Pending> group, Exception? error)
    {
        foreach (var pending in group)
        {
            Interlocked.Add(ref _queuedBytes, -pending.Bytes);
            if (error is null)
            {
                _counters.Written(pending.Batch.Tables);
                pending.Completion.TrySetResult();
            }
            else
            {
                _counters.Failed(pending.Batch.Rows);
                pending.Completion.TrySetException(new IngestRefusedException(
                    error is StoreUnavailableException
                        ? $"the store is unavailable ({error.Message}); retry later"
                        : $"the store refused the rows ({error.Message})",
                    _options.RetryAfter, error));
            }
            pending.Batch.Dispose();
        }
    }

    private sealed record Pending(IngestBatch Batch, long Bytes, long EnqueuedAt)
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The data was not committed and the sender should retry after <see cref="RetryAfter"/> (503 / UNAVAILABLE).</summary>
internal sealed class IngestRefusedException(string message, TimeSpan retryAfter, Exception? inner = null) : Exception(message, inner)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
