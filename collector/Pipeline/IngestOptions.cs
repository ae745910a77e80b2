namespace Observe.Collector.Pipeline;

/// <summary>How received data is grouped into inserts and how much may wait. Section <c>Ingest</c>.</summary>
public sealed class IngestOptions
{
    /// <summary>An insert is sent once this many rows wait for it...</summary>
    public int MaxBatchRows { get; set; } = 100_000;

    /// <summary>...or this many encoded bytes...</summary>
    public long MaxBatchBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>...or when the oldest waiting request has waited this long.</summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Encoded bytes that may wait for the store; past it requests are refused with 503 / UNAVAILABLE.</summary>
    public long MaxQueuedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Inserts that may run at once.</summary>
    public int Writers { get; set; } = 2;

    /// <summary>The retry hint given with 503 / UNAVAILABLE (Retry-After, RetryInfo).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        Require(MaxBatchRows > 0, nameof(MaxBatchRows), MaxBatchRows);
        Require(MaxBatchBytes > 0, nameof(MaxBatchBytes), MaxBatchBytes);
        Require(MaxBatchDelay >= TimeSpan.Zero, nameof(MaxBatchDelay), MaxBatchDelay);
        Require(MaxQueuedBytes >= MaxBatchBytes, nameof(MaxQueuedBytes), $"{MaxQueuedBytes} (must be at least MaxBatchBytes, {MaxBatchBytes})");
        Require(Writers is > 0 and <= 64, nameof(Writers), Writers);
        Require(RetryAfter >= TimeSpan.FromSeconds(1), nameof(RetryAfter), RetryAfter);
    }

    private static void Require(bool ok, string name, object value)
    {
        if (!ok)
        {
            throw new ArgumentException($"Ingest:{name} has an invalid value: {value}.");
        }
    }
}
