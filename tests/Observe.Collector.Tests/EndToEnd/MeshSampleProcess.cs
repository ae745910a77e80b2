using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Observe.Collector.Tests.EndToEnd;

/// <summary>
/// One service of tests/MeshSample as its own OS process. Separate processes because the
/// OpenTelemetry SDK listens process-wide: three tracer providers in one process would each
/// export every span, under the wrong service name. Its stdout and stderr are kept for the test's
/// output; disposing stops it (closing its stdin makes it flush and exit) or kills it with its
/// children when it does not stop in time. Should the test process itself die, the sample sees
/// its stdin close and exits too.
/// </summary>
public sealed class MeshSampleProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private const string ListeningPrefix = "listening on ";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MeshSampleProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    /// <summary>Where it listens, as it printed once listening.</summary>
    public Uri BaseAddress => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException($"{Name} is not listening");

    /// <summary>Its stdout and stderr so far, each line prefixed with the service and stream.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>MeshSample.dll in its own output folder, recorded at build time (see the test project).</summary>
    public static string SamplePath { get; } = typeof(MeshSampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "MeshSamplePath").Value!;

    /// <summary>Starts <c>dotnet MeshSample.dll --name NAME --port 0 ARGUMENTS</c> and waits until it prints its address.</summary>
    public static async Task<MeshSampleProcess> StartAsync(string name, params string[] arguments)
    {
        if (!File.Exists(SamplePath))
        {
            throw new InvalidOperationException($"{SamplePath} is missing: build the solution (./observe test does).");
        }
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SamplePath),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[SamplePath, "--name", name, "--port", "0", "--stop-when-stdin-closes", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        // Only the command line configures the sample: OTEL_* variables of whoever runs the tests
        // could rename it or send its spans elsewhere.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var sample = new MeshSampleProcess(name, process);
        process.OutputDataReceived += (_, e) => sample.Collect("out", e.Data);
        process.ErrorDataReceived += (_, e) => sample.Collect("err", e.Data);
        process.Exited += (_, _) => sample._listening.TrySetException(new InvalidOperationException($"{name} exited before listening"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await sample._listening.Task.WaitAsync(StartTimeout);
            return sample;
        }
        catch (Exception e)
        {
            await sample.DisposeAsync();
            throw new InvalidOperationException($"{name} did not start ({e.Message}):\n{sample.Output}", e);
        }
    }

    /// <summary>An absolute URL on this service, e.g. to pass to another one's <c>--calls</c>.</summary>
    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                await _process.WaitForExitAsync().WaitAsync(StopTimeout);
            }
        }
        catch (TimeoutException)
        {
            Collect("test", $"did not stop within {StopTimeout.TotalSeconds} s of its stdin closing: killed");
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Collect(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Append('[').Append(Name).Append(' ').Append(stream).Append("] ").AppendLine(line);
        }
        if (stream == "out" && line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line[ListeningPrefix.Length..]));
        }
    }
}
