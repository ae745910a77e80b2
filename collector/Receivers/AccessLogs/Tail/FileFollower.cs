using Microsoft.Extensions.Logging;

namespace Observe.Collector.Receivers.AccessLogs.Tail;

/// <summary>
/// Follows one configured path through appends and rotations, delivering its complete lines in
/// order. A position is saved only after the receiver accepted the lines before it, so a crash
/// repeats at most the batch in flight and never skips one.
/// </summary>
internal sealed class FileFollower
{
    private readonly TailedFileOptions _file;
    private readonly TailOptions _options;
    private readonly OffsetStateFile _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LineBatch _batch;
    private LogFileReader? _reader;
    private TailPosition? _acknowledged;
    private long? _rotatedAt;
    private long _lastReadAt;

    public FileFollower(TailedFileOptions file, TailOptions options, OffsetStateFile state, TimeProvider time, ILogger logger)
    {
        _file = file;
        _options = options;
        _state = state;
        _time = time;
        _logger = logger;
        _batch = new LineBatch(options.MaxLineBytes, options.MaxBatchLines, options.MaxBatchBytes);
        _acknowledged = state.Get(file.Path);
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; a failure restarts from the last delivered position.</summary>
    public async Task RunAsync(Func<TailedLines, CancellationToken, Task> deliver, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                try
                {
                    await FollowAsync(deliver, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // An unreadable file, a failing disk: start over from the last delivered position, as a restart would.
                    _logger.LogWarning(e, "Tailing {Path} failed; trying again in {RetryAfter}", _file.Path, _options.RetryAfter);
                    Close();
                    await Task.Delay(_options.RetryAfter, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Close();
            _batch.Dispose();
        }
    }

    private async Task FollowAsync(Func<TailedLines, CancellationToken, Task> deliver, CancellationToken cancellationToken)
    {
        await ResumeAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (_reader is null && LogFileReader.TryOpen(_file.Path) is { } appeared)
            {
                Start(appeared, 0);
            }
            if (_reader is not null)
            {
                await DrainAsync(deliver, cancellationToken).ConfigureAwait(false);
                if (await FollowRotationAsync(deliver, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }
            }
            await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens the file the last delivered position is in, wherever rotation put it.</summary>
    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        Close();
        var saved = _acknowledged;
        var current = LogFileReader.TryOpen(_file.Path);
        if (saved is not { } position)
        {
            // Nothing saved for this path (first run, or the state file was removed): the existing
            // file is read from its beginning. Lines an earlier run ingested are ingested again;
            // starting at the end instead would skip whatever was written while nobody read.
            if (current is null)
            {
                _logger.LogInformation("{Path} does not exist yet; it is read from its beginning once it does", _file.Path);
            }
            Start(current, 0);
            return;
        }
        if (current is not null && current.Identity == position.File)
        {
            var offset = position.Offset;
            if (current.Length() < offset || !await current.IsLineStartAsync(offset, cancellationToken).ConfigureAwait(false))
            {
                _logger.LogInformation("{Path} was truncated since offset {Offset} was saved (copytruncate); reading it from the beginning", _file.Path, offset);
                offset = 0;
            }
            Start(current, offset);
            return;
        }
        if (FindRotated(position.File) is { } rotated)
        {
            current?.Dispose();
            // A rotated file's saved offset may follow a final fragment rather than a "\n" (see
            // FollowRotationAsync), so only its length is checked.
            var offset = rotated.Length() >= position.Offset ? position.Offset : 0;
            _logger.LogInformation("{Path} was rotated while Observe was stopped: reading {Rotated} from offset {Offset}, then the new file",
                _file.Path, rotated.Name, offset);
            Start(rotated, offset);
            return;
        }
        _logger.LogWarning(
            "{Path} was rotated while Observe was stopped and the file it was ({Identity}) is gone: lines after its offset {Offset} were not read; reading the new file from its beginning",
            _file.Path, position.File, position.Offset);
        Start(current, 0);
    }

    /// <summary>A file in the same directory whose name starts with ours (access.log.1, access.log-20261121) and that is <paramref name="identity"/>.</summary>
    private LogFileReader? FindRotated(FileIdentity identity)
    {
        var directory = Path.GetDirectoryName(_file.Path)!;
        var name = Path.GetFileName(_file.Path);
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory).Where(c => c != _file.Path && Path.GetFileName(c).StartsWith(name, StringComparison.Ordinal)).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        foreach (var candidate in candidates)
        {
            if (FileStat.Of(candidate)?.Identity == identity && LogFileReader.TryOpen(candidate) is { } reader)
            {
                if (reader.Identity == identity)
                {
                    return reader;
                }
                reader.Dispose();
            }
        }
        return null;
    }

    private async Task DrainAsync(Func<TailedLines, CancellationToken, Task> deliver, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await _reader!.FillAsync(_batch, cancellationToken).ConfigureAwait(false))
            {
                _lastReadAt = _time.GetTimestamp();
            }
            if (_batch.Count == 0)
            {
                return;
            }
            await DeliverAsync(deliver, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Delivers the batch until the receiver accepts it, then saves the position after it.</summary>
    private async Task DeliverAsync(Func<TailedLines, CancellationToken, Task> deliver, CancellationToken cancellationToken)
    {
        var lines = new TailedLines(_file, _batch.Lines(), new TailPosition(_reader!.Identity, _batch.LinesEnd));
        while (true)
        {
            try
            {
                await deliver(lines, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(e, "Delivering {Count} lines of {Path} failed; delivering them again in {RetryAfter}",
                    lines.Lines.Count, _file.Path, _options.RetryAfter);
                await Task.Delay(_options.RetryAfter, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        _batch.Delivered();
        await AcknowledgeAsync(lines.Position).ConfigureAwait(false);
    }

    private async Task AcknowledgeAsync(TailPosition position)
    {
        _acknowledged = position;
        try
        {
            await _state.SaveAsync(_file.Path, position).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The position stays known in memory and the next save may succeed; a restart before
            // then repeats lines, it does not skip any.
            _logger.LogWarning(e, "Could not save the offset of {Path} to {StatePath}", _file.Path, _state.Path);
        }
    }

    /// <summary>
    /// Notices copytruncate (our file got shorter than what we read) and rename rotation (the path
    /// names another file). Returns true when reading should go on at once.
    /// </summary>
    private async Task<bool> FollowRotationAsync(Func<TailedLines, CancellationToken, Task> deliver, CancellationToken cancellationToken)
    {
        var reader = _reader!;
        if (FileStat.Of(_file.Path) is not { } named)
        {
            // Renamed or removed and not replaced yet: the open file may still grow.
            return false;
        }
        if (named.Identity == reader.Identity)
        {
            _rotatedAt = null;
            if (reader.Length() >= reader.ReadEnd)
            {
                return false;
            }
            // Lines written between our last read and the truncation went only into the copy; logrotate documents that loss.
            _logger.LogInformation("{Path} was truncated (copytruncate); reading it again from the beginning", _file.Path);
            Start(reader, 0);
            await AcknowledgeAsync(new TailPosition(reader.Identity, 0)).ConfigureAwait(false);
            return true;
        }
        // The path names a new file. Its writer may not have reopened yet, so ours is read until
        // it has been quiet for RotateWait; the new file's lines wait, they are not lost.
        var now = _time.GetTimestamp();
        _rotatedAt ??= now;
        if (_time.GetElapsedTime(Math.Max(_rotatedAt.Value, _lastReadAt), now) < _options.RotateWait)
        {
            return false;
        }
        if (_batch.HasIncompleteLine)
        {
            // Nothing will complete it now: deliver the fragment rather than drop it.
            _batch.EndIncompleteLine();
            await DeliverAsync(deliver, cancellationToken).ConfigureAwait(false);
        }
        if (LogFileReader.TryOpen(_file.Path) is not { } next)
        {
            return false;
        }
        if (next.Identity == reader.Identity)
        {
            // Renamed back between the stat and the open: still the same file, keep our place in it.
            next.Dispose();
            return false;
        }
        _logger.LogInformation("{Path} was rotated: read {Old} ({OldIdentity}) to its end at offset {Offset}; reading the new file ({Identity})",
            _file.Path, reader.Name, reader.Identity, reader.ReadEnd, next.Identity);
        Start(next, 0);
        await AcknowledgeAsync(new TailPosition(next.Identity, 0)).ConfigureAwait(false);
        return true;
    }

    private void Start(LogFileReader? reader, long offset)
    {
        if (_reader != reader)
        {
            _reader?.Dispose();
        }
        _reader = reader;
        _reader?.Seek(offset);
        _batch.Restart(offset);
        _rotatedAt = null;
        _lastReadAt = _time.GetTimestamp();
    }

    private void Close()
    {
        _reader?.Dispose();
        _reader = null;
    }
}
