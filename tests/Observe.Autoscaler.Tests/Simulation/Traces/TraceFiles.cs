namespace Observe.Autoscaler.Tests.Simulation.Traces;

/// <summary>Trace files written to a temporary folder for one test class.</summary>
public sealed class TraceFiles : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("observe-traces-").FullName;

    public string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
