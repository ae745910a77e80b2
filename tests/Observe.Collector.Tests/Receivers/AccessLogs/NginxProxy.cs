using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Observe.Collector.Tests.Receivers.AccessLogs;

/// <summary>
/// Debian's nginx as a reverse proxy on a free loopback port, in front of small Kestrel apps (one
/// per workload, each on its own port), writing its access log with the shipped
/// <c>deploy/examples/nginx/observe-log-format.conf</c>. <c>/{workload}/…</c> goes to that
/// workload's app, anything else gets nginx's own 404. An app answers 200, or the status asked
/// for with <c>?status=503</c>, always with a body, and with headers naming itself and the request
/// id nginx gave it. Everything nginx needs (configuration, pid, logs, temporary files) is in a
/// fresh temporary directory, nothing in /etc/nginx. <c>./observe test</c> installs the package.
/// </summary>
public sealed partial class NginxProxy : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/nginx";
    public const string UpstreamHeader = "X-Upstream";
    public const string UpstreamRequestIdHeader = "X-Upstream-Request-Id";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private const int SigQuit = 3;

    private readonly string _directory;
    private readonly List<WebApplication> _apps;
    private readonly StringBuilder _output = new();
    private Process? _nginx;

    private NginxProxy(string directory, int port, List<WebApplication> apps, IReadOnlyList<Upstream> upstreams)
    {
        _directory = directory;
        _apps = apps;
        Port = port;
        Upstreams = upstreams;
    }

    /// <summary>One upstream app: its workload name, the path prefix nginx routes to it, its address.</summary>
    public sealed record Upstream(string Name, int Port)
    {
        public string PathPrefix => $"/{Name}/";

        /// <summary>As nginx writes it in <c>upstream_addr</c>.</summary>
        public string Address => $"127.0.0.1:{Port}";
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string AccessLogPath => Path.Combine(_directory, "access.log");

    public string ErrorLogPath => Path.Combine(_directory, "error.log");

    public string ConfigPath => Path.Combine(_directory, "nginx.conf");

    public IReadOnlyList<Upstream> Upstreams { get; }

    public Upstream this[string workload] => Upstreams.Single(u => u.Name == workload);

    /// <summary>Workload name by the address nginx logs for it, <c>127.0.0.1:port</c>.</summary>
    public IReadOnlyDictionary<string, string> WorkloadsByAddress => Upstreams.ToDictionary(u => u.Address, u => u.Name);

    /// <summary>The shipped log format, found from the test binaries up to the folder holding Observe.sln.</summary>
    public static string LogFormatPath => Path.Combine(RepositoryFiles.Root, "deploy", "examples", "nginx", "observe-log-format.conf");

    /// <summary>Starts one upstream app per workload (names usable in nginx's configuration, e.g. "catalog"), then nginx in front of them.</summary>
    public static async Task<NginxProxy> StartAsync(params string[] workloads)
    {
        if (workloads.Length == 0 || workloads.Distinct().Count() != workloads.Length || !workloads.All(IsName))
        {
            throw new ArgumentException("distinct workload names of letters, digits, '-' and '_' are needed", nameof(workloads));
        }
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: './observe test' installs Debian's nginx.");
        }
        var apps = new List<WebApplication>();
        var upstreams = new List<Upstream>();
        var proxy = new NginxProxy(Directory.CreateTempSubdirectory("observe-nginx-").FullName, Loopback.FreePort(), apps, upstreams);
        try
        {
            foreach (var name in workloads)
            {
                var upstream = new Upstream(name, Loopback.FreePort());
                apps.Add(await StartUpstreamAsync(upstream));
                upstreams.Add(upstream);
            }
            await File.WriteAllTextAsync(proxy.ConfigPath, proxy.Configuration());
            await proxy.TestConfigurationAsync();
            await proxy.StartNginxAsync();
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The complete lines of the access log once there are at least <paramref name="count"/>;
    /// nginx writes a line after the response has gone out, so a client can be ahead of the log.
    /// </summary>
    public async Task<IReadOnlyList<string>> AccessLogLinesAsync(int count, TimeSpan timeout)
    {
        IReadOnlyList<string> lines = [];
        var complete = await Loopback.EventuallyAsync(async () =>
        {
            lines = await ReadCompleteLinesAsync(AccessLogPath);
            return lines.Count >= count;
        }, timeout);
        return complete ? lines
            : throw new TimeoutException($"{lines.Count} of {count} access-log lines after {timeout.TotalSeconds} s; nginx error log:\n{ReadErrorLog()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_nginx is not null)
        {
            await StopNginxAsync(_nginx);
            _nginx.Dispose();
            _nginx = null;
        }
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        _apps.Clear();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string Configuration()
    {
        // The master reads the configuration and opens the logs; as root, workers switch to the
        // user named here, and root keeps the temporary directory (mode 700) writable for them.
        // Not as root nginx ignores the directive with a warning, so it is left out.
        var user = Environment.IsPrivilegedProcess ? "user root;" : "";
        var config = new StringBuilder($$"""
            {{user}}
            daemon off;
            master_process on;
            worker_processes 1;
            pid {{Quote(Path.Combine(_directory, "nginx.pid"))}};
            error_log {{Quote(ErrorLogPath)}} notice;

            events {
                worker_connections 64;
            }

            http {
                include {{Quote(LogFormatPath)}};
                # Unbuffered: each line is written when its request ends.
                access_log {{Quote(AccessLogPath)}} observe_json;

                client_body_temp_path {{Quote(Path.Combine(_directory, "client_body"))}};
                proxy_temp_path {{Quote(Path.Combine(_directory, "proxy"))}};
                fastcgi_temp_path {{Quote(Path.Combine(_directory, "fastcgi"))}};
                uwsgi_temp_path {{Quote(Path.Combine(_directory, "uwsgi"))}};
                scgi_temp_path {{Quote(Path.Combine(_directory, "scgi"))}};

                proxy_set_header X-Request-Id $observe_request_id;


            """);
        foreach (var upstream in Upstreams)
        {
            config.Append($$"""
                    upstream {{upstream.Name}} {
                        server {{upstream.Address}};
                    }

                """);
        }
        config.Append($$"""
                server {
                    listen 127.0.0.1:{{Port}};

            """);
        foreach (var upstream in Upstreams)
        {
            config.Append($$"""
                        location {{upstream.PathPrefix}} {
                            proxy_pass http://{{upstream.Name}};
                        }

                """);
        }
        config.Append("""
                    location / {
                        return 404;
                    }
                }
            }

            """);
        return config.ToString();
    }

    private async Task TestConfigurationAsync()
    {
        var test = await RunAsync("-t");
        if (test.ExitCode != 0)
        {
            throw new InvalidOperationException($"nginx rejects {ConfigPath} (exit {test.ExitCode}):\n{test.Output}\n{File.ReadAllText(ConfigPath)}");
        }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string argument)
    {
        using var process = Process.Start(StartInfo(argument))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nginx {argument} did not finish in {StartTimeout.TotalSeconds} s");
        }
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    private async Task StartNginxAsync()
    {
        var nginx = Process.Start(StartInfo())!;
        _nginx = nginx;
        nginx.OutputDataReceived += (_, e) => Collect(e.Data);
        nginx.ErrorDataReceived += (_, e) => Collect(e.Data);
        nginx.BeginOutputReadLine();
        nginx.BeginErrorReadLine();
        var listening = await Loopback.EventuallyAsync(async () => nginx.HasExited || await AcceptsAsync(Port), StartTimeout);
        if (nginx.HasExited || !listening)
        {
            var state = nginx.HasExited ? $"exited with {nginx.ExitCode}" : $"not listening after {StartTimeout.TotalSeconds} s";
            string output;
            lock (_output)
            {
                output = _output.ToString();
            }
            throw new InvalidOperationException($"nginx {state} on 127.0.0.1:{Port}:\n{output}\n{ReadErrorLog()}");
        }
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary><c>-p</c> and <c>-e</c> keep nginx away from its compiled-in prefix and error log, also before it has read the configuration.</summary>
    private ProcessStartInfo StartInfo(params string[] arguments)
    {
        var start = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-p", _directory + "/", "-e", ErrorLogPath, "-c", ConfigPath, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    /// <summary>SIGQUIT: the master lets its worker finish and exits; a stuck one is killed with its workers.</summary>
    private static async Task StopNginxAsync(Process nginx)
    {
        if (nginx.HasExited)
        {
            return;
        }
        if (SendSignal(nginx.Id, SigQuit) == 0)
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await nginx.WaitForExitAsync(timeout.Token);
                return;
            }
            catch (OperationCanceledException)
            {
            }
        }
        nginx.Kill(entireProcessTree: true);
        await nginx.WaitForExitAsync();
    }

    private static async Task<WebApplication> StartUpstreamAsync(Upstream upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, upstream.Port));
        var app = builder.Build();
        app.Run(context => AnswerAsync(upstream, context));
        await app.StartAsync();
        return app;
    }

    private static async Task AnswerAsync(Upstream upstream, HttpContext context)
    {
        var request = context.Request;
        long received = 0;
        var buffer = new byte[4096];
        for (int read; (read = await request.Body.ReadAsync(buffer)) > 0;)
        {
            received += read;
        }
        var status = StatusCodes.Status200OK;
        if (request.Query.TryGetValue("status", out var asked))
        {
            status = int.TryParse(asked, out var code) && code is >= 200 and <= 599 ? code : StatusCodes.Status400BadRequest;
        }
        var body = Encoding.UTF8.GetBytes($"{upstream.Name}: {request.Method} {request.Path}{request.QueryString} -> {status}, {received} bytes received\n");
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        // A length, not chunks: nginx's body_bytes_sent is then exactly what the client reads.
        response.ContentLength = body.Length;
        response.Headers[UpstreamHeader] = upstream.Name;
        response.Headers[UpstreamRequestIdHeader] = request.Headers["X-Request-Id"];
        await response.Body.WriteAsync(body);
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Lines up to the last newline; one nginx is still writing is left for the next read.</summary>
    private static async Task<IReadOnlyList<string>> ReadCompleteLinesAsync(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n');
    }

    private string ReadErrorLog() => File.Exists(ErrorLogPath) ? File.ReadAllText(ErrorLogPath) : "(no error log)";

    private static string Quote(string path) => path.Contains('"') || path.Contains('\\')
        ? throw new ArgumentException($"nginx configuration path with a quote or backslash: {path}")
        : $"\"{path}\"";

    private static bool IsName(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
