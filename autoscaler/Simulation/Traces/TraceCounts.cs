using System.Globalization;

namespace Observe.Autoscaler.Simulation.Traces;

/// <summary>One count of a trace file: a finite number, zero or more.</summary>
internal static class TraceCounts
{
    public static double Parse(string file, int line, string text)
    {
        // Counts may carry a fraction: a trace someone scaled by hand is still a demand curve.
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var count) || !double.IsFinite(count))
        {
            throw TraceFormatException.At(file, line, $"count '{text}' is not a number");
        }
        return count >= 0 ? count : throw TraceFormatException.At(file, line, $"count {text} is negative");
    }
}
