namespace Observe.Autoscaler.Simulation.Traces;

/// <summary>Whitespace-separated requests per second, from the Unix epoch: the simplest trace to write by hand or by script.</summary>
internal static class PlainTraceReader
{
    public static RequestTrace Read(string file, TextReader reader, string name)
    {
        var counts = new List<double>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            foreach (var token in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                counts.Add(TraceCounts.Parse(file, lineNumber, token));
            }
        }
        return counts.Count > 0
            ? new RequestTrace(name, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), [.. counts])
            : throw TraceFormatException.At(file, Math.Max(1, lineNumber), "no counts: expected whitespace-separated requests per second");
    }
}
