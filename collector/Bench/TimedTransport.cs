using System.Diagnostics;
using Observe.Store;

namespace Observe.Collector.Bench;

/// <summary>
/// The store with a stopwatch around each query, so that a reader's time splits into the
/// engine's (SQL, formatting, copying the answer out) and its own (parsing, building).
/// </summary>
internal sealed class TimedTransport(IClickHouseTransport inner) : IClickHouseTransport
{
    private long _ticks;
    private long _queries;

    public string Description => inner.Description;

    public double Milliseconds => TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalMilliseconds;

    /// <summary>Queries since the last <see cref="Reset"/>.</summary>
    public long Queries => Interlocked.Read(ref _queries);

    public void Reset()
    {
        Interlocked.Exchange(ref _ticks, 0);
        Interlocked.Exchange(ref _queries, 0);
    }

    public Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        inner.ExecuteAsync(sql, parameters, cancellationToken);

    public async Task<byte[]> QueryAsync(string sql, string format, QueryParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await inner.QueryAsync(sql, format, parameters, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Add(ref _ticks, Stopwatch.GetElapsedTime(started).Ticks);
            Interlocked.Increment(ref _queries);
        }
    }

    public Task InsertRowBinaryAsync(string table, string columns, ReadOnlyMemory<byte> rows, CancellationToken cancellationToken = default) =>
        inner.InsertRowBinaryAsync(table, columns, rows, cancellationToken);

    // The store it wraps is disposed by its owner.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
