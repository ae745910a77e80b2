using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Observe.Autoscaler.Slo.Reading;

namespace Observe.Autoscaler.Slo;

/// <summary>
/// The SLOs of a directory, reloaded when its files change. A bad edit never takes SLOs away: a
/// file with errors keeps its last good version active (its errors stay in <see cref="Findings"/>
/// and the log), a deleted file removes its SLOs, and a directory that cannot be read keeps all.
/// </summary>
public sealed partial class SloCatalog
{
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _pollInterval;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, LastGood> _lastGood = new(StringComparer.Ordinal);
    private List<FileStamp>? _stamps;
    private List<FileStamp>? _seen;
    private string? _contentHash;
    private State _state = new([], [], null, 0);

    public SloCatalog(string directory, TimeProvider time, ILogger logger, TimeSpan pollInterval)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero);
        _directory = directory;
        _time = time;
        _logger = logger;
        _pollInterval = pollInterval;
    }

    /// <summary>Raised after each reload that read changed files (or failed to read the directory).</summary>
    public event EventHandler? Changed;

    public IReadOnlyList<SloDefinition> Current => Volatile.Read(ref _state).Slos;

    /// <summary>The findings of the latest read of the files as they are now, not of the last good versions kept.</summary>
    public IReadOnlyList<Finding> Findings => Volatile.Read(ref _state).Findings;

    public DateTimeOffset? LastLoaded => Volatile.Read(ref _state).LoadedAt;

    /// <summary>Counts reloads; it moves with every <see cref="Changed"/>.</summary>
    public long Version => Volatile.Read(ref _state).Version;

    /// <summary>Reads the directory now, whether or not anything changed.</summary>
    public Task ReloadAsync(CancellationToken cancellationToken) => LoadAsync(force: true, cancellationToken);

    /// <summary>Loads, then polls every interval until cancelled; a failed poll is logged and the next one tries again.</summary>
    /// <summary>One poll of <see cref="RunAsync"/>: reads the files when they changed and have settled.</summary>
    internal Task PollAsync(CancellationToken cancellationToken) => LoadAsync(force: false, cancellationToken);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PollAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(_pollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task LoadAsync(bool force, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var problems = new List<Finding>();
            var files = SloFiles.List(_directory, problems);
            if (files is null)
            {
                // Forget what was read, so the first good listing reloads and clears this finding.
                _stamps = null;
                _contentHash = null;
                Publish(_state.Slos, problems, problems);
                LogDirectoryUnreadable(_logger, _directory, problems[0].Message);
                return;
            }
            var stamps = files.Select(Stamp).ToList();
            if (!force && _stamps is not null)
            {
                if (stamps.SequenceEqual(_stamps))
                {
                    return;
                }
                // After the first load, a file being written (truncated, then filled) looks different
                // at each poll: only files that have stood still since the previous poll are read, so
                // a half-written or momentarily empty file never replaces a good one.
                var settled = _seen is not null && stamps.SequenceEqual(_seen);
                _seen = stamps;
                if (!settled)
                {
                    return;
                }
            }
            _stamps = stamps;
            _seen = stamps;
            var texts = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                try
                {
                    texts[file] = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    problems.Add(SloFiles.AtStart(file, $"cannot read `{file}`: {e.Message}; check that the file exists and is readable"));
                }
            }
            var hash = Hash(files, texts);
            if (!force && hash == _contentHash)
            {
                return;
            }
            _contentHash = hash;
            Apply(files, texts, problems);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Apply(List<string> files, Dictionary<string, string> texts, List<Finding> problems)
    {
        var now = _time.GetUtcNow();
        var asWritten = SloDocuments.Read([.. files.Where(texts.ContainsKey).Select(f => new SloSource(f, texts[f]))]);
        var failing = asWritten.Findings.Concat(problems)
            .Where(f => f.Severity == FindingSeverity.Error)
            .Select(f => f.Location.File)
            .ToHashSet(StringComparer.Ordinal);
        var lastGood = new Dictionary<string, LastGood>(StringComparer.Ordinal);
        var effective = new List<SloSource>();
        var notes = new List<Finding>();
        foreach (var file in files)
        {
            if (failing.Contains(file) && _lastGood.TryGetValue(file, out var kept))
            {
                // Only this file's old version comes back: the other files' current versions stay.
                lastGood[file] = kept;
                effective.Add(new SloSource(file, kept.Text));
                notes.Add(new Finding(FindingSeverity.Warning, new SourceLocation(file, 1, 1),
                    $"this file has errors, so its version loaded at {kept.LoadedAt:yyyy-MM-dd HH:mm:ss}Z stays active: fix the errors to load the new one"));
            }
            else if (texts.TryGetValue(file, out var text))
            {
                if (!failing.Contains(file))
                {
                    lastGood[file] = new LastGood(text, now);
                }
                effective.Add(new SloSource(file, text));
            }
        }
        var active = notes.Count == 0 ? asWritten : SloDocuments.Read(effective);
        _lastGood = lastGood;
        var findings = SloDocuments.Sorted([.. problems, .. asWritten.Findings, .. notes]);
        Publish(active.Slos, findings, findings.Where(f => f.Severity == FindingSeverity.Error));
        LogLoaded(_logger, active.Slos.Count, files.Count, findings.Count(f => f.Severity == FindingSeverity.Error));
    }

    private void Publish(IReadOnlyList<SloDefinition> slos, IReadOnlyList<Finding> findings, IEnumerable<Finding> toLog)
    {
        foreach (var finding in toLog)
        {
            LogFinding(_logger, finding.ToString());
        }
        var previous = Volatile.Read(ref _state);
        Volatile.Write(ref _state, new State(slos, findings, _time.GetUtcNow(), previous.Version + 1));
        Changed?.Invoke(this, EventArgs.Empty);
    }

    private static FileStamp Stamp(string file)
    {
        try
        {
            var info = new FileInfo(file);
            return new FileStamp(file, info.Length, info.LastWriteTimeUtc.Ticks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new FileStamp(file, -1, 0);
        }
    }

    // Catches edits that keep a file's length and last-write time (coarse clocks, quick successive writes).
    private static string Hash(List<string> files, Dictionary<string, string> texts)
    {
        var builder = new StringBuilder();
        foreach (var file in files)
        {
            builder.Append(file).Append('\0').Append(texts.GetValueOrDefault(file, "\u0001unreadable")).Append('\0');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    private sealed record State(IReadOnlyList<SloDefinition> Slos, IReadOnlyList<Finding> Findings, DateTimeOffset? LoadedAt, long Version);

    private sealed record LastGood(string Text, DateTimeOffset LoadedAt);

    private sealed record FileStamp(string File, long Length, long LastWriteTicks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SLO file problem: {Finding}")]
    private static partial void LogFinding(ILogger logger, string finding);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot read the SLO directory {Directory}, keeping the SLOs loaded before: {Reason}")]
    private static partial void LogDirectoryUnreadable(ILogger logger, string directory, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Slos} SLOs from {Files} files ({Errors} errors)")]
    private static partial void LogLoaded(ILogger logger, int slos, int files, int errors);
}
