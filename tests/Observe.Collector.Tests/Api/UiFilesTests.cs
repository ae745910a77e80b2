using System.Net;

namespace Observe.Collector.Tests.Api;

public sealed class UiFilesTests : IAsyncLifetime
{
    private readonly string _ui = Directory.CreateTempSubdirectory("observe-ui-").FullName;
    private ObserveServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_ui, "assets"));
        await File.WriteAllTextAsync(Path.Combine(_ui, "index.html"), "<!doctype html><title>Observe</title>");
        await File.WriteAllTextAsync(Path.Combine(_ui, "assets", "index-abc123.js"), "console.log(1)");
        await File.WriteAllTextAsync(Path.Combine(_ui, "secret.txt"), "not an asset");
        _server = await ObserveServer.StartAsync(new Dictionary<string, string?> { ["Ui:Directory"] = _ui });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_ui, recursive: true);
    }

    [Fact]
    public async Task The_page_is_served_at_the_root_and_revalidated()
    {
        var page = await _server.Api.GetAsync("/?view=topology&mode=replay");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Equal("<!doctype html><title>Observe</title>", await page.Content.ReadAsStringAsync());
        Assert.True(page.Headers.CacheControl!.NoCache);
    }

    [Fact]
    public async Task Hashed_assets_are_cached_for_a_year_and_nothing_outside_assets_is_served()
    {
        var script = await _server.Api.GetAsync("/assets/index-abc123.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Equal(TimeSpan.FromDays(365), script.Headers.CacheControl!.MaxAge);
        Assert.Equal("console.log(1)", await script.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await _server.Api.GetAsync("/assets/missing.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Api.GetAsync("/assets/..%2Fsecret.txt")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Api.GetAsync("/secret.txt")).StatusCode);
    }

    [Fact]
    public async Task The_ui_is_only_on_the_api_port()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Otlp.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_missing_build_is_a_503_that_says_how_to_build_it()
    {
        await using var server = await ObserveServer.StartAsync(new Dictionary<string, string?> { ["Ui:Directory"] = Path.Combine(_ui, "nowhere") });
        var page = await server.Api.GetAsync("/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("The web UI is not built", await page.Content.ReadAsStringAsync());
        Assert.Contains("Ui:Directory", await page.Content.ReadAsStringAsync());
    }
}
