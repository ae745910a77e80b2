using System.Globalization;

namespace Observe.Autoscaler.Simulation.Traces;

/// <summary>
/// <c>time,count</c> rows after a header whose names do not matter. The step (1 s or 60 s) is the
/// spacing of the first two rows, and every later row must follow it. Counts aggregated from
/// request logs leave out the steps nobody asked in (the WorldCup98 trace lacks 10 of its minutes),
/// so a gap of up to <see cref="MaxGap"/> is read as steps without requests and reported; a longer
/// gap is missing data, and an error like any other irregular spacing.
/// </summary>
internal static class CsvTraceReader
{
    public static readonly TimeSpan MaxGap = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan[] Steps = [TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)];

    public static RequestTrace Read(string file, TextReader reader, string name, List<TraceGap> gaps)
    {
        var counts = new List<double>();
        DateTimeOffset start = default, previous = default;
        TimeSpan? step = null;
        var (lineNumber, firstRow) = (0, true);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var fields = line.Split(',');
            if (firstRow)
            {
                firstRow = false;
                // A header's second name is not a number; a first row without a header is data.
                if (fields.Length == 2 && !double.TryParse(Unquote(fields[1]), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    continue;
                }
            }
            if (fields.Length != 2)
            {
                throw TraceFormatException.At(file, lineNumber, $"expected two fields, time and count, found {fields.Length}");
            }
            var timeText = Unquote(fields[0]);
            var time = TraceTimes.Parse(timeText) ?? throw TraceFormatException.At(file, lineNumber, $"unparseable time '{timeText}'; expected {TraceTimes.Help}");
            var count = TraceCounts.Parse(file, lineNumber, Unquote(fields[1]));
            if (counts.Count == 0)
            {
                start = time;
            }
            else if (step is null)
            {
                step = Array.IndexOf(Steps, time - previous) >= 0 ? time - previous
                    : throw TraceFormatException.At(file, lineNumber, time <= previous ? NotAfter(time, previous)
                        : $"the first two rows are {Seconds(time - previous)} apart ({TraceTimes.Format(previous)}, {TraceTimes.Format(time)}); the step must be 1 s or 60 s");
            }
            else if (time - previous != step)
            {
                var missing = Missing(previous, time, step.Value) ?? throw TraceFormatException.At(file, lineNumber, Irregular(previous, time, step.Value));
                gaps.Add(new TraceGap(lineNumber, previous + step.Value, missing));
                counts.AddRange(Enumerable.Repeat(0.0, missing));
            }
            previous = time;
            counts.Add(count);
        }
        if (step is null)
        {
            throw TraceFormatException.At(file, Math.Max(1, lineNumber), counts.Count == 0
                ? "no rows: expected a header and time,count rows"
                : "only one row: the step (1 s or 60 s) is taken from the spacing of the first two");
        }
        return new RequestTrace(name, start, step.Value, [.. counts]);
    }

    /// <summary>Steps left out between two rows, when that is a whole number and the gap short enough.</summary>
    private static int? Missing(DateTimeOffset previous, DateTimeOffset time, TimeSpan step)
    {
        var spacing = time - previous;
        return spacing > step && spacing - step <= MaxGap && spacing.Ticks % step.Ticks == 0 ? (int)(spacing.Ticks / step.Ticks) - 1 : null;
    }

    private static string Irregular(DateTimeOffset previous, DateTimeOffset time, TimeSpan step)
    {
        var spacing = time - previous;
        var expected = TraceTimes.Format(previous + step);
        if (spacing <= TimeSpan.Zero)
        {
            return NotAfter(time, previous);
        }
        return spacing.Ticks % step.Ticks == 0
            ? $"gap: {Seconds(spacing - step)} missing after {TraceTimes.Format(previous)} (expected {expected}, found {TraceTimes.Format(time)}); gaps of up to {Seconds(MaxGap)} are read as steps without requests, longer ones are missing data"
            : $"irregular spacing: {Seconds(spacing)} after the previous row; expected {expected} (every {Seconds(step)}), found {TraceTimes.Format(time)}";
    }

    private static string NotAfter(DateTimeOffset time, DateTimeOffset previous) =>
        $"time {TraceTimes.Format(time)} is not after the previous row's {TraceTimes.Format(previous)}";

    private static string Seconds(TimeSpan span) => span >= TimeSpan.FromMinutes(1) && span.Ticks % TimeSpan.TicksPerMinute == 0
        ? $"{span.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min"
        : $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    private static string Unquote(string field) => field.Trim().Trim('"').Trim();
}
