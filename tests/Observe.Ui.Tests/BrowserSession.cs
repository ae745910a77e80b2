using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Observe.Ui.Tests;

/// <summary>A graph node as window.__observe.graph() reports it (ui-contract).</summary>
public sealed record ProbeNode(string Id, string Label, string Kind, string Namespace, string Zone, string Version, string Health, bool Hidden, string? Parent);

/// <summary>A graph edge as window.__observe.graph() reports it.</summary>
public sealed record ProbeEdge(string Id, string Source, string Target, string Health, bool CrossZone, string Label, bool Hidden);

public sealed record ProbeGraph(IReadOnlyList<ProbeNode> Nodes, IReadOnlyList<ProbeEdge> Edges);

public sealed record ProbeFrame(int Index, int Count, string Time);

/// <summary>
/// One browser context and page on the shared Observe. Every console error and uncaught page
/// error is collected; <see cref="FinishAsync"/> fails the test on any of them.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ObserveUi _ui;
    private readonly ITestOutputHelper _output;
    private readonly List<string> _errors = [];
    private readonly Lock _lock = new();

    private BrowserSession(ObserveUi ui, IBrowserContext context, IPage page, ITestOutputHelper output)
    {
        _ui = ui;
        _context = context;
        Page = page;
        _output = output;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record($"console error: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Record($"page error: {error}");
    }

    public IPage Page { get; }

    /// <param name="prepare">Runs on the page before it opens Observe, e.g. to route its traffic.</param>
    public static async Task<BrowserSession> OpenAsync(ObserveUi ui, ITestOutputHelper output, string query = "", Func<IPage, Task>? prepare = null)
    {
        var context = await ui.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = ui.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            // Not UTC on purpose: the range inputs are UTC by contract, whatever the browser's zone.
            TimezoneId = "America/New_York",
        });
        // Generous: the suite runs on two shared cores beside the demo's traffic and the store.
        context.SetDefaultTimeout(45_000);
        Assertions.SetDefaultExpectTimeout(20_000);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(ui, context, page, output);
        if (prepare is not null)
        {
            await prepare(page);
        }
        await session.GotoAsync(query);
        return session;
    }

    /// <summary>Opens <c>/?query</c> and waits for the view's first load (window.__observe.ready).</summary>
    public async Task GotoAsync(string query)
    {
        await Page.GotoAsync(query.Length == 0 ? "/" : $"/?{query.TrimStart('?')}");
        await WaitReadyAsync();
    }

    public async Task ReloadAsync()
    {
        await Page.ReloadAsync();
        await WaitReadyAsync();
    }

    public Task WaitReadyAsync() => Page.WaitForFunctionAsync("() => window.__observe && window.__observe.ready === true");

    public ILocator ByTestId(string id) => Page.GetByTestId(id);

    public async Task<ProbeGraph> GraphAsync()
    {
        var json = await Page.EvaluateAsync<string>("() => JSON.stringify(window.__observe.graph())");
        return JsonSerializer.Deserialize<ProbeGraph>(json, JsonSerializerOptions.Web)!;
    }

    /// <summary>
    /// Waits until the replay is loaded with <paramref name="count"/> frames; when it does not
    /// come, fails with what the page shows instead (its address, frame, status and any error).
    /// </summary>
    public async Task WaitForReplayAsync(int count)
    {
        try
        {
            await Page.WaitForFunctionAsync($"() => {{ const f = window.__observe.frame(); return f !== null && f.count === {count}; }}");
        }
        catch (TimeoutException)
        {
            var state = await Page.EvaluateAsync<string>(
                "() => JSON.stringify({ url: location.href, frame: window.__observe.frame(), ready: window.__observe.ready, " +
                "overlay: [...document.querySelectorAll('[data-testid=loading],[data-testid=empty],[data-testid=error]')].map(e => e.dataset.testid + ': ' + e.textContent), " +
                "status: document.querySelector('[data-testid=live-status]')?.textContent })");
            string errors;
            lock (_lock)
            {
                errors = string.Join(" | ", _errors);
            }
            Assert.Fail($"the replay of {count} frames did not show; the page: {state}; errors: {errors}");
        }
    }

    public async Task<ProbeFrame?> FrameAsync()
    {
        var json = await Page.EvaluateAsync<string>("() => JSON.stringify(window.__observe.frame())");
        return JsonSerializer.Deserialize<ProbeFrame?>(json, JsonSerializerOptions.Web);
    }

    public Task<int> LiveMessagesAsync() => Page.EvaluateAsync<int>("() => window.__observe.liveMessages");

    /// <summary>
    /// Waits until <paramref name="predicate"/> (a JS expression over <c>g</c>, the probe's graph)
    /// holds, polling in the page.
    /// </summary>
    public Task WaitForGraphAsync(string predicate, float timeoutMs = 45_000) =>
        Page.WaitForFunctionAsync($"() => {{ const g = window.__observe.graph(); return {predicate}; }}", null,
            new PageWaitForFunctionOptions { Timeout = timeoutMs });

    /// <summary>Clicks the node with <paramref name="id"/> where cytoscape drew it, with the real mouse.</summary>
    public async Task ClickNodeAsync(string id)
    {
        var point = await Page.EvaluateAsync<JsonElement>(
            """
            (id) => window.__observe.point(id)
            """, id);
        await Page.Mouse.ClickAsync(point.GetProperty("x").GetSingle(), point.GetProperty("y").GetSingle());
    }

    /// <summary>A screenshot under the test binaries' artifacts folder; its path goes to the test output.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var path = Path.Combine(_ui.Artifacts, $"{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        _output.WriteLine($"screenshot: {path}");
    }

    /// <summary>Fails on any console error or page error seen since the page opened.</summary>
    public void AssertNoErrors()
    {
        lock (_lock)
        {
            Assert.True(_errors.Count == 0, $"the page reported errors:\n{string.Join('\n', _errors)}");
        }
    }

    private void Record(string error)
    {
        lock (_lock)
        {
            _errors.Add(error);
        }
        _output.WriteLine(error);
    }

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
    }
}
