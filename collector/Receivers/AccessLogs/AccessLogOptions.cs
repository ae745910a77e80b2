namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>Limits of the access-log receivers. Bound from the configuration section <c>AccessLogs</c>.</summary>
internal sealed class AccessLogOptions
{
    /// <summary>The largest POST /api/v1/accesslogs body, before and after gzip.</summary>
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>A longer line is kept raw up to this many bytes and counted as unparsed.</summary>
    public int MaxLineBytes { get; set; } = 16 * 1024 * 1024;

    public void Validate()
    {
        if (MaxRequestBytes < 1024)
        {
            throw new ArgumentException($"AccessLogs:MaxRequestBytes must be at least 1024, got {MaxRequestBytes}.");
        }
        if (MaxLineBytes < 256 || MaxLineBytes > MaxRequestBytes)
        {
            throw new ArgumentException($"AccessLogs:MaxLineBytes must be at least 256 and at most AccessLogs:MaxRequestBytes ({MaxRequestBytes}), got {MaxLineBytes}.");
        }
    }
}
