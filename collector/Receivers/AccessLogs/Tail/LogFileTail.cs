using Microsoft.Extensions.Logging;

namespace Observe.Collector.Receivers.AccessLogs.Tail;

/// <summary>
/// Follows the access-log files of <see cref="TailOptions.Files"/>, one loop per file, and hands
/// their complete lines to a receiver in bounded batches. Offsets persist in one state file, so a
/// restart resumes where the receiver last accepted lines, even in a file rotated meanwhile.
/// </summary>
internal sealed class LogFileTail
{
    private readonly TailOptions _options;
    private readonly string _statePath;
    private readonly TimeProvider _time;
    private readonly ILogger<LogFileTail> _logger;

    /// <param name="statePath">Where offsets persist: <see cref="TailOptions.StatePathOr"/> resolves the default.</param>
    public LogFileTail(TailOptions options, string statePath, TimeProvider time, ILogger<LogFileTail> logger)
    {
        options.Validate();
        ArgumentException.ThrowIfNullOrWhiteSpace(statePath);
        _options = options;
        _statePath = statePath;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Tails every file until <paramref name="cancellationToken"/> is cancelled, then returns.
    /// <paramref name="deliver"/> gets one batch at a time per file, concurrently for different
    /// files; when it throws, the same lines come again after RetryAfter. The line bytes are valid
    /// only until its task completes. Throws only when the state file cannot be read.
    /// </summary>
    public async Task RunAsync(Func<TailedLines, CancellationToken, Task> deliver, CancellationToken cancellationToken)
    {
        OffsetStateFile state;
        try
        {
            state = await OffsetStateFile.LoadAsync(_statePath, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        var loops = _options.Files.Select(file =>
        {
            var follower = new FileFollower(file, _options, state, _time, _logger);
            return Task.Run(() => follower.RunAsync(deliver, cancellationToken), CancellationToken.None);
        });
        await Task.WhenAll(loops).ConfigureAwait(false);
    }
}
