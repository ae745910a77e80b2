using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Observe.Collector.Bench;

/// <summary>
/// An Observe started as its own process on free loopback ports and a fresh data directory, so a
/// benchmark measures it from outside: its CPU time and peak memory are read from /proc.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataPath;
    private readonly bool _ownsData;

    private ServerProcess(Process process, string dataPath, bool ownsData, int grpcPort, int httpPort, int apiPort)
    {
        _process = process;
        _dataPath = dataPath;
        _ownsData = ownsData;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int GrpcPort { get; }
    public int HttpPort { get; }
    public HttpClient Api { get; }
    public int Pid => _process.Id;

    /// <param name="dataPath">An existing data directory to keep; by default a fresh one, deleted afterwards.</param>
    /// <param name="environment">Extra environment for the server, e.g. <c>OBSERVE_Store__Url</c>.</param>
    public static async Task<ServerProcess> StartAsync(CancellationToken cancellationToken, string? dataPath = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var ownsData = dataPath is null;
        dataPath ??= Directory.CreateTempSubdirectory("observe-bench-").FullName;
        int grpc = FreePort(), http = FreePort(), api = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { typeof(ServerProcess).Assembly.Location, "up", "--data", dataPath, "--otlp-grpc-port", $"{grpc}", "--otlp-http-port", $"{http}", "--http-port", $"{api}" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the Observe server process");
        // Drain its output so it never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"  server: {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, dataPath, ownsData, grpc, http, api);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the Observe server exited with code {process.ExitCode} before it was ready");
            }
            try
            {
                using var ready = await server.Api.GetAsync("/readyz", cancellationToken).ConfigureAwait(false);
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw new TimeoutException("the Observe server was not ready within 60 s");
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Rows of one table, as the server's stats endpoint reports them.</summary>
    public async Task<long> RowsAsync(string table, CancellationToken cancellationToken)
    {
        var stats = await Api.GetFromJsonAsync<JsonElement>("/api/v1/stats", cancellationToken).ConfigureAwait(false);
        return stats.GetProperty("tables").GetProperty(table).GetInt64();
    }

    /// <summary>User + system CPU time of the server so far.</summary>
    public TimeSpan CpuTime()
    {
        var fields = File.ReadAllText($"/proc/{Pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>The server's peak resident memory (VmHWM), in bytes.</summary>
    public long PeakRssBytes() => StatusKilobytes("VmHWM:") * 1024;

    private long StatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    /// <summary>Ends the process at once (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
        if (_ownsData)
        {
            try
            {
                Directory.Delete(_dataPath, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
