namespace Observe.Autoscaler.Simulation.Traces;

/// <summary>A trace file that cannot be read; the message says where (file:line) and what was wrong.</summary>
internal sealed class TraceFormatException(string message) : Exception(message)
{
    public static TraceFormatException At(string file, int line, string problem) => new($"{file}:{line}: {problem}");
}

/// <summary>Steps a CSV trace left out, read as steps without requests.</summary>
/// <param name="Line">The row after the gap.</param>
/// <param name="From">The first missing step.</param>
internal sealed record TraceGap(int Line, DateTimeOffset From, int MissingSteps);
