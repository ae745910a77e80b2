namespace Observe.Collector.Receivers.AccessLogs.Tail;

/// <summary>Access-log files Observe follows, and how. Section <c>AccessLogs:Tail</c>.</summary>
public sealed class TailOptions
{
    internal const string Section = "AccessLogs:Tail";

    /// <summary>The values <see cref="TailedFileOptions.Format"/> accepts.</summary>
    internal static readonly string[] Formats = ["istio-json", "envoy-json", "nginx-json", "istio-text"];

    public List<TailedFileOptions> Files { get; set; } = [];

    /// <summary>How often each file is checked for new lines and for rotation.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longer lines are delivered cut to this many bytes, marked truncated.</summary>
    public int MaxLineBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>A batch handed to the receiver holds at most this many lines...</summary>
    public int MaxBatchLines { get; set; } = 10_000;

    /// <summary>
    /// ...and about this many bytes: a batch closes before the line that would cross it, unless that
    /// line is its first, so one batch holds at most the larger of this and <see cref="MaxLineBytes"/>.
    /// </summary>
    public int MaxBatchBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>The JSON file that keeps each file's offset across restarts; empty means <c>&lt;Store:DataPath&gt;/accesslog-offsets.json</c>.</summary>
    public string StatePath { get; set; } = "";

    /// <summary>The pause before a refused batch is delivered again, or a failed file is opened again.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a rename rotation the proxy keeps writing to the old file until it reopens its log
    /// (nginx on USR1, after logrotate's postrotate): the old file is read until it has not grown
    /// for this long, and only then the new one. Zero switches as soon as the old file's end is read.
    /// </summary>
    public TimeSpan RotateWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Where offsets persist: <see cref="StatePath"/>, or its default under the store's data directory.</summary>
    internal string StatePathOr(string dataPath) =>
        string.IsNullOrWhiteSpace(StatePath) ? Path.Combine(dataPath, "accesslog-offsets.json") : StatePath;

    internal void Validate()
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Files.Count; i++)
        {
            var file = Files[i];
            var name = $"Files:{i}";
            if (string.IsNullOrWhiteSpace(file.Path))
            {
                throw new ArgumentException($"{Section}:{name}:Path is required.");
            }
            // Relative paths would depend on the directory Observe happens to start in.
            Require(Path.IsPathFullyQualified(file.Path) && Path.GetFileName(file.Path).Length > 0, $"{name}:Path", $"'{file.Path}' (must be an absolute path to a file)");
            Require(paths.Add(Path.GetFullPath(file.Path)), $"{name}:Path", $"'{file.Path}' (listed twice: each file has one offset)");
            Require(file.Format is null || Formats.Contains(file.Format, StringComparer.Ordinal), $"{name}:Format",
                $"'{file.Format}' (expected {string.Join(", ", Formats)}, or none to detect)");
        }
        Require(PollInterval > TimeSpan.Zero && PollInterval <= TimeSpan.FromMinutes(1), nameof(PollInterval), PollInterval);
        Require(MaxLineBytes is >= 1024 and <= 256 * 1024 * 1024, nameof(MaxLineBytes), MaxLineBytes);
        Require(MaxBatchLines is >= 1 and <= 1_000_000, nameof(MaxBatchLines), MaxBatchLines);
        Require(MaxBatchBytes is >= 1024 and <= 256 * 1024 * 1024, nameof(MaxBatchBytes), MaxBatchBytes);
        Require(RetryAfter > TimeSpan.Zero && RetryAfter <= TimeSpan.FromMinutes(10), nameof(RetryAfter), RetryAfter);
        Require(RotateWait >= TimeSpan.Zero && RotateWait <= TimeSpan.FromMinutes(10), nameof(RotateWait), RotateWait);
    }

    private static void Require(bool ok, string name, object value)
    {
        if (!ok)
        {
            throw new ArgumentException($"{Section}:{name} has an invalid value: {value}.");
        }
    }
}

/// <summary>One followed file and who wrote it: the identity is recorded with its lines, not parsed from them.</summary>
public sealed class TailedFileOptions
{
    public string Path { get; set; } = "";

    /// <summary>istio-json, envoy-json, nginx-json or istio-text; null to detect it from the lines.</summary>
    public string? Format { get; set; }

    public string? Workload { get; set; }
    public string? Namespace { get; set; }
    public string? Service { get; set; }
    public string? Version { get; set; }
    public string? Cluster { get; set; }
    public string? Zone { get; set; }
}
