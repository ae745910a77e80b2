using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Observe.Collector.Hosting;

namespace Observe.Ui.Tests;

/// <summary>
/// One Observe with the demo mesh (Kestrel on free loopback ports, its own database of the test
/// engine, serving the built ui/dist) and one headless Debian chromium, shared by every browser
/// test: starting either costs seconds, and the demo needs a minute to tell its story.
/// </summary>
public sealed class ObserveUi : IAsyncLifetime
{
    /// <summary>Debian's browser; Playwright's own download is not available here.</summary>
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>How long the demo may take from start to traffic in the graph.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The live graph's push interval in these tests (Topology:Live:Interval).</summary>
    public static readonly TimeSpan LiveInterval = TimeSpan.FromSeconds(1);

    private WebApplication? _app;
    private IPlaywright? _playwright;

    public string Database { get; } = EmbeddedEngine.NewDatabase("ui");

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>When the demo started, by the test's clock (the replay tests pick ranges after it).</summary>
    public DateTimeOffset Started { get; private set; }

    /// <summary>Where screenshots go: printed by the tests, kept after the run.</summary>
    public string Artifacts { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts");

    public async Task InitializeAsync()
    {
        var dist = Path.Combine(RepositoryFiles.Root, "ui", "dist");
        if (!File.Exists(Path.Combine(dist, "index.html")))
        {
            throw new InvalidOperationException($"{dist}/index.html is missing: build the UI first (cd ui && npm ci && npm run build; ./observe test does both).");
        }
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: apt-get install chromium (./observe test does).");
        }
        Directory.CreateDirectory(Artifacts);

        int grpc = Loopback.FreePort(), http = Loopback.FreePort(), api = Loopback.FreePort();
        var configuration = new Dictionary<string, string?>
        {
            ["Collector:OtlpGrpcPort"] = grpc.ToString(),
            ["Collector:OtlpHttpPort"] = http.ToString(),
            ["Collector:HttpPort"] = api.ToString(),
            ["Store:Database"] = Database,
            ["Ui:Directory"] = dist,
            ["Ingest:MaxBatchDelay"] = "00:00:00.050",
            ["Topology:Live:Interval"] = "00:00:01",
            ["Slo:Interval"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Warning",
            // The whole scenario in about a minute and a half, so the canary and the failover
            // happen while the tests run; the controller ticks often enough to decide in it.
            ["Demo:Enabled"] = "true",
            ["Demo:Steady"] = "00:00:20",
            ["Demo:Burst"] = "00:00:20",
            ["Demo:ZoneFailure"] = "00:00:15",
            ["Demo:Recovery"] = "00:00:10",
            ["Demo:Canary"] = "00:00:20",
            ["Demo:Tick"] = "00:00:02",
            ["Demo:PodStartup"] = "00:00:03",
        };
        _app = await ObserveApp.BuildAsync(configuration, EmbeddedEngine.Shared);
        await _app.StartAsync();
        Started = DateTimeOffset.UtcNow;
        BaseAddress = new Uri($"http://127.0.0.1:{api}/");
        Api = new HttpClient { BaseAddress = BaseAddress };

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // As root (containers, CI) chromium refuses to start its sandbox.
            Args = ["--no-sandbox"],
        });

        var trafficSeen = await Loopback.EventuallyAsync(async () =>
        {
            using var graph = await GetJsonAsync("api/v1/topology");
            return graph.RootElement.GetProperty("edges").GetArrayLength() > 0;
        }, StartupTimeout);
        if (!trafficSeen)
        {
            throw new InvalidOperationException($"the demo's traffic did not reach /api/v1/topology within {StartupTimeout.TotalSeconds} s");
        }
    }

    public async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await Api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {body}");
        }
        return JsonDocument.Parse(body);
    }

    public Task<T?> GetAsync<T>(string path) => Api.GetFromJsonAsync<T>(path, JsonSerializerOptions.Web);

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class UiCollection : ICollectionFixture<ObserveUi>
{
    public const string Name = "ui";
}
