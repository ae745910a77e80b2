using Observe.Autoscaler.Slo.Reading;

namespace Observe.Autoscaler.Simulation.Traces;

/// <summary>Request-rate traces: read from a file, cut to a period, scaled to a workload.</summary>
internal static class RequestTraces
{
    public const string OffsetHelp = "an offset from the trace start such as 10d, 36h, 90m or 30s";

    /// <summary>
    /// A CSV file (a header, then <c>time,count</c> rows a second or a minute apart) or a plain text
    /// file of whitespace-separated counts per second from the Unix epoch; the first line that is
    /// not blank tells which (a comma makes it CSV). Read as a stream.
    /// </summary>
    /// <exception cref="TraceFormatException">The file is missing, unreadable or malformed; the message holds file:line.</exception>
    public static RequestTrace Read(string path) => Read(path, out _);

    /// <param name="gaps">Short runs of steps a CSV file left out, read as steps without requests.</param>
    public static RequestTrace Read(string path, out IReadOnlyList<TraceGap> gaps)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new TraceFormatException($"{path}: is a directory, not a trace file");
        }
        if (!File.Exists(path))
        {
            throw new TraceFormatException($"{path}: no such file");
        }
        var name = Path.GetFileNameWithoutExtension(path);
        try
        {
            var csv = FirstLine(path)?.Contains(',', StringComparison.Ordinal) ?? false;
            using var reader = Open(path);
            var found = new List<TraceGap>();
            gaps = found;
            return csv ? CsvTraceReader.Read(path, reader, name, found) : PlainTraceReader.Read(path, reader, name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TraceFormatException($"{path}: cannot be read: {e.Message}");
        }
    }

    /// <summary>
    /// The steps from <paramref name="from"/> (the step holding it) to <paramref name="to"/> (the
    /// last step starting before it); each an absolute time or an offset from the trace start, null
    /// for the trace's own start or end.
    /// </summary>
    /// <exception cref="ArgumentException">A bound is unreadable, outside the trace, or the slice is empty; the message names <c>--from</c> or <c>--to</c>.</exception>
    public static RequestTrace Slice(RequestTrace trace, string? from, string? to)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var (start, end, step) = (trace.Start, trace.Start + trace.Length, trace.Step.Ticks);
        var range = $"the trace runs from {TraceTimes.Format(start)} to {TraceTimes.Format(end)}";
        var (first, last) = (0, trace.Counts.Length);
        DateTimeOffset? fromTime = null, toTime = null;
        if (from is not null)
        {
            fromTime = Position(trace, from, "--from");
            first = fromTime >= start && fromTime < end ? (int)((fromTime.Value - start).Ticks / step)
                : throw new ArgumentException($"--from {from} ({TraceTimes.Format(fromTime.Value)}) is outside the trace: {range}");
        }
        if (to is not null)
        {
            toTime = Position(trace, to, "--to");
            last = toTime > start && toTime <= end ? (int)(((toTime.Value - start).Ticks + step - 1) / step)
                : throw new ArgumentException($"--to {to} ({TraceTimes.Format(toTime.Value)}) is outside the trace: {range}");
        }
        if (last <= first)
        {
            throw new ArgumentException($"--to {to} ({TraceTimes.Format(toTime!.Value)}) is not after --from {from} ({TraceTimes.Format(fromTime!.Value)})");
        }
        return trace with { Start = start + trace.Step * first, Counts = trace.Counts[first..last] };
    }

    /// <summary>
    /// Multiplies every count so that the peak rate needs <paramref name="peakReplicas"/> pods each
    /// busy <paramref name="utilisation"/> of the time: peak × factor = replicas × μ × utilisation.
    /// </summary>
    public static RequestTrace ScaleToPeak(RequestTrace trace, int peakReplicas, double serviceRate, double utilisation)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peakReplicas);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(serviceRate);
        if (utilisation is not (> 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(utilisation), utilisation, "utilisation is a share of μ, in (0, 1]");
        }
        return ScaleToRate(trace, peakReplicas * serviceRate * utilisation);
    }

    /// <summary>Multiplies every count so that the peak rate is <paramref name="peakRate"/> requests/s.</summary>
    public static RequestTrace ScaleToRate(RequestTrace trace, double peakRate)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (trace.PeakRate <= 0)
        {
            throw new ArgumentException($"trace {trace.Name} holds no requests: there is no peak to scale");
        }
        var factor = peakRate / trace.PeakRate;
        var counts = new double[trace.Counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = trace.Counts[i] * factor;
        }
        return trace with { Counts = counts };
    }

    private static DateTimeOffset Position(RequestTrace trace, string text, string option) =>
        TraceTimes.Parse(text) ?? trace.Start + (Offset(text.Trim())
            ?? throw new ArgumentException($"{option} '{text}' is neither {TraceTimes.Help} nor {OffsetHelp}"));

    private static TimeSpan? Offset(string text)
    {
        // Per-second traces are sliced in seconds too, which the SLO shorthand has no letter for.
        if (text.EndsWith('s') && long.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }
        return Durations.ParseShorthand(text, allowZero: true) is { HasFixedLength: true } shorthand ? shorthand.Nominal : null;
    }

    private static string? FirstLine(string path)
    {
        using var reader = Open(path);
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                return line;
            }
        }
        return null;
    }

    private static StreamReader Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
}
