using System.Globalization;
using Observe.Autoscaler.Scaling.Reading;
using Observe.Autoscaler.Simulation.Traces;

namespace Observe.Collector.Simulate;

/// <summary>The options of <c>observe simulate</c>, checked: every problem is an <see cref="ArgumentException"/> naming its option.</summary>
/// <param name="Scale">Replicas the trace's peak should need at 80 % of μ; null: a trace file is replayed as written, a case gets <see cref="DefaultCaseScale"/>.</param>
/// <param name="Baselines">Some of <c>hpa</c>, <c>kpa</c>, <c>oracle</c>, in that order.</param>
/// <param name="StartupDelay">Null: the policy's.</param>
/// <param name="Warmup">Null: the policy's.</param>
internal sealed record SimulateSettings(
    string? TracePath,
    string? CaseName,
    string PolicyPath,
    int? Scale,
    string? From,
    string? To,
    IReadOnlyList<string> Baselines,
    string? ReportDirectory,
    bool Json,
    int Seed,
    double ServiceRate,
    TimeSpan Latency,
    double TargetPercent,
    TimeSpan? StartupDelay,
    TimeSpan? Warmup,
    int QueueLimit,
    double BaselineUtilisation)
{
    public const int DefaultCaseScale = 20;
    public const string DefaultBaselines = "hpa,kpa,oracle";
    public static readonly string[] KnownBaselines = ["hpa", "kpa", "oracle"];

    /// <summary>The raw option values, as System.CommandLine parsed them.</summary>
    public sealed record Raw(
        string? Trace, string? Case, string? Policy, int? Scale, string? From, string? To, string Baselines, string? Report, bool Json, int Seed,
        double ServiceRate, string Latency, double Target, string? StartupDelay, string? Warmup, int QueueLimit, double BaselineUtilisation);

    public static SimulateSettings Check(Raw raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var cases = $"{string.Join(", ", GeneratedCases.Names)} or {GeneratedCases.All}";
        if (raw.Trace is null == raw.Case is null)
        {
            throw new ArgumentException(raw.Trace is null
                ? $"give --trace FILE (a CSV or whitespace trace) or --case NAME ({cases})"
                : "--trace and --case exclude each other: give one of them");
        }
        if (raw.Case is { } name && name != GeneratedCases.All && !GeneratedCases.Names.Contains(name))
        {
            throw new ArgumentException($"--case '{name}' is not a generated case; known: {cases}");
        }
        if (string.IsNullOrWhiteSpace(raw.Policy))
        {
            throw new ArgumentException("--policy FILE is required: the ScalingPolicy Observe's scaler runs with; its min and max replicas bound every scaler");
        }
        if (raw.Scale is <= 0)
        {
            throw new ArgumentException($"--scale must be a positive number of replicas, got {raw.Scale}");
        }
        Require(double.IsFinite(raw.ServiceRate) && raw.ServiceRate > 0, $"--service-rate must be positive requests/s per pod, got {Text(raw.ServiceRate)}");
        Require(raw.Target is > 0 and < 100, $"--target is a percentage between 0 and 100 (exclusive), got {Text(raw.Target)}");
        Require(raw.QueueLimit >= 1, $"--queue-limit must be at least 1 request per pod, got {raw.QueueLimit}");
        Require(raw.BaselineUtilisation is > 0 and <= 1, $"--baseline-utilisation is a share of μ in (0, 1], got {Text(raw.BaselineUtilisation)}");
        var latency = Observe.Autoscaler.Slo.Reading.Durations.ParseLatency(raw.Latency)
            ?? throw new ArgumentException($"--latency '{raw.Latency}' is not a latency: write e.g. 500ms, 1.5s, 1m, or a number of milliseconds");
        if (raw.Report is { } report && File.Exists(report))
        {
            throw new ArgumentException($"--report {report} is a file; give a directory (created when missing)");
        }
        return new SimulateSettings(raw.Trace, raw.Case, raw.Policy, raw.Scale, raw.From, raw.To, ParseBaselines(raw.Baselines), raw.Report, raw.Json, raw.Seed,
            raw.ServiceRate, latency, raw.Target, Span(raw.StartupDelay, "--startup-delay"), Span(raw.Warmup, "--warmup"), raw.QueueLimit, raw.BaselineUtilisation);
    }

    /// <summary>The generated cases to run: one, every one for <c>all</c>, none for a trace file.</summary>
    public IReadOnlyList<string> Cases => CaseName is null ? [] : CaseName == GeneratedCases.All ? GeneratedCases.Names : [CaseName];

    private static List<string> ParseBaselines(string text)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToLowerInvariant()).ToList();
        if (names is ["none"])
        {
            return [];
        }
        var unknown = names.FirstOrDefault(n => !KnownBaselines.Contains(n));
        if (unknown is not null || names.Count == 0)
        {
            throw new ArgumentException($"--baselines: {(unknown is null ? "empty" : $"unknown baseline '{unknown}'")}; give some of {string.Join(", ", KnownBaselines)} (comma-separated) or none");
        }
        return [.. KnownBaselines.Where(names.Contains)];
    }

    /// <summary>A duration of zero or more, written as in a ScalingPolicy: <c>0</c>, <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>.</summary>
    private static TimeSpan? Span(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }
        return PolicyDurations.Parse(text.Trim()) is { } span && span >= TimeSpan.Zero
            ? span
            : throw new ArgumentException($"{option} '{text}' is not a duration: write e.g. 0, 500ms, 30s, 2m, 1h");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
