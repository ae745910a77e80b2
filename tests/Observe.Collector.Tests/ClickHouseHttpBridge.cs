using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Observe.Store;

namespace Observe.Collector.Tests;

/// <summary>
/// ClickHouse's HTTP interface in front of the test engine, for tests of Observe pointed at a
/// server (Store:Url): the SQL runs in the real engine. It can be stopped (its port then refuses
/// connections, as a server that is down) and started again on the same port, and inserts can be
/// held back to play a slow server.
/// </summary>
public sealed partial class ClickHouseHttpBridge : IAsyncDisposable
{
    private readonly IClickHouseTransport _engine;
    private WebApplication? _app;
    private TaskCompletionSource _inserts = Released();

    public ClickHouseHttpBridge(IClickHouseTransport engine, int port)
    {
        _engine = engine;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public static async Task<ClickHouseHttpBridge> StartAsync(IClickHouseTransport engine)
    {
        var bridge = new ClickHouseHttpBridge(engine, Loopback.FreePort());
        await bridge.StartAsync();
        return bridge;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port));
        _app = builder.Build();
        _app.MapPost("/", HandleAsync);
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Inserts wait until <see cref="ReleaseInserts"/>.</summary>
    public void HoldInserts() => _inserts = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseInserts() => _inserts.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        ReleaseInserts();
        await StopAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var parameters = new QueryParameters();
        foreach (var (key, value) in context.Request.Query)
        {
            if (key.StartsWith("param_", StringComparison.Ordinal))
            {
                parameters.Add(key["param_".Length..], Unescape(value.ToString()));
            }
        }
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        try
        {
            var query = context.Request.Query["query"].ToString();
            if (query.Length > 0 && InsertRowBinary().Match(query) is { Success: true } insert)
            {
                await _inserts.Task;
                await _engine.InsertRowBinaryAsync(insert.Groups[1].Value, insert.Groups[2].Value, body.ToArray());
                return;
            }
            var output = await _engine.QueryAsync(Encoding.UTF8.GetString(body.ToArray()), "TabSeparated", parameters);
            await context.Response.Body.WriteAsync(output);
        }
        catch (ClickHouseException e)
        {
            context.Response.StatusCode = 500;
            context.Response.Headers["X-ClickHouse-Exception-Code"] = e.Code.ToString();
            await context.Response.WriteAsync(e.Message);
        }
    }

    /// <summary>The transport sends values in ClickHouse's escaped form; the engine call escapes again.</summary>
    private static string Unescape(string value) =>
        value.Replace("\\t", "\t").Replace("\\n", "\n").Replace("\\r", "\r").Replace("\\0", "\0").Replace("\\\\", "\\");

    [GeneratedRegex(@"^INSERT INTO (\S+) \((.*)\) FORMAT RowBinary$", RegexOptions.Singleline)]
    private static partial Regex InsertRowBinary();

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource();
        released.SetResult();
        return released;
    }
}
