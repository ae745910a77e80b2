using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Observe.Ui.Tests;

[Collection(UiCollection.Name)]
public sealed class TopologyTests(ObserveUi ui, ITestOutputHelper output)
{
    /// <summary>The canary gets traffic only from the scenario's canary phase on (65 s in).</summary>
    private const float WholeMeshTimeoutMs = 120_000;

    [Fact]
    public async Task Graph_shows_the_demo_mesh_in_both_zones_with_health_labels_and_a_side_panel()
    {
        await using var session = await BrowserSession.OpenAsync(ui, output);
        await Expect(session.ByTestId("view-topology")).ToBeVisibleAsync();
        await Expect(session.ByTestId("graph")).ToBeVisibleAsync();

        // Every workload in both zones, and every call of the mesh as an edge.
        var workloads = JsonSerializer.Serialize(DemoMesh.Workloads);
        var calls = JsonSerializer.Serialize(DemoMesh.Calls.Select(c => new[] { c.Source, c.Target }));
        await session.WaitForGraphAsync(
            $$"""
            (() => {
              const nameOf = {{DemoMesh.NameOfJs}};
              const byId = new Map(g.nodes.map(n => [n.id, n]));
              const has = (name, zone) => g.nodes.some(n => nameOf(n.id) === name && n.zone === zone);
              const calls = g.edges.map(e => [nameOf(e.source), nameOf(e.target)].join('>'));
              return {{workloads}}.every(w => has(w, 'a') && has(w, 'b'))
                && g.nodes.some(n => nameOf(n.id) === '{{DemoMesh.Database}}')
                && {{calls}}.every(c => calls.includes(c.join('>')));
            })()
            """, WholeMeshTimeoutMs);

        var graph = await session.GraphAsync();
        var leaves = Leaves(graph);
        foreach (var workload in DemoMesh.Workloads)
        {
            foreach (var zone in DemoMesh.Zones)
            {
                var matches = leaves.Where(n => DemoMesh.NameOf(n.Id) == workload && n.Zone == zone).ToList();
                Assert.True(matches.Count == 1, $"{workload} in zone {zone}: {string.Join(", ", matches.Select(n => n.Id))}");
                var node = matches[0];
                Assert.Equal(workload == "istio-ingressgateway" ? "istio-system" : "bookinfo", node.Namespace);
                Assert.Contains(node.Health, DemoMesh.Healths);
            }
        }
        // The shown ids are the API's ids: the page draws what Observe answers, not a copy.
        using var apiGraph = await ui.GetJsonAsync("api/v1/topology");
        var apiIds = apiGraph.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()).ToHashSet();
        Assert.All(leaves, n => Assert.Contains(n.Id, apiIds));
        Assert.Contains(leaves, n => n.Health == "healthy");
        var zoneOf = graph.Nodes.ToDictionary(n => n.Id, n => n.Zone);
        Assert.All(graph.Edges, e =>
        {
            Assert.Contains(e.Health, DemoMesh.Healths);
            string source = zoneOf[e.Source], target = zoneOf[e.Target];
            if (DemoMesh.Zones.Contains(source) && DemoMesh.Zones.Contains(target))
            {
                Assert.Equal(source != target, e.CrossZone);
            }
            else
            {
                Assert.False(e.CrossZone, $"{e.Id} is cross-zone between zones '{source}' and '{target}'");
            }
        });

        // The banner names the scenario's phase the API reports.
        using var demo = await ui.GetJsonAsync("api/v1/demo");
        var phases = demo.RootElement.GetProperty("scenario").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList();
        await Expect(session.ByTestId("demo-banner")).ToBeVisibleAsync();
        var banner = await session.ByTestId("demo-banner").InnerTextAsync();
        Assert.Contains(phases, p => banner.Contains(p, StringComparison.Ordinal));

        // Edge labels: requests/s by default; switching to p95 and error % changes what is written.
        await Expect(session.ByTestId("edge-label")).ToHaveValueAsync("rps");
        var rpsLabels = LabelsOf(graph);
        Assert.Contains(rpsLabels.Values, l => l.Length > 0);
        await session.ByTestId("edge-label").SelectOptionAsync("p95");
        await session.WaitForGraphAsync($"g.edges.some(e => e.label !== '' && e.label !== ({JsonSerializer.Serialize(rpsLabels)})[e.id])");
        Assert.Contains("label=p95", session.Page.Url);
        var p95Labels = LabelsOf(await session.GraphAsync());
        Assert.Contains(p95Labels, l => l.Value.Contains("ms", StringComparison.Ordinal));
        await session.ByTestId("edge-label").SelectOptionAsync("errors");
        await session.WaitForGraphAsync("g.edges.filter(e => e.label !== '').length > 0 && g.edges.filter(e => e.label !== '').every(e => e.label.includes('%'))");
        await session.ByTestId("edge-label").SelectOptionAsync("rps");

        // A click on productpage in zone a opens its side panel with the golden-signal sparklines.
        var productpage = leaves.Single(n => DemoMesh.NameOf(n.Id) == "productpage-v1" && n.Zone == "a");
        await session.ClickNodeAsync(productpage.Id);
        var panel = session.ByTestId("side-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel).ToHaveAttributeAsync("data-node", productpage.Id);
        foreach (var sparkline in new[] { "sparkline-rate", "sparkline-errors", "sparkline-latency" })
        {
            var svg = panel.GetByTestId(sparkline);
            await Expect(svg).ToBeVisibleAsync();
            // A drawn series, not an empty frame.
            Assert.True(await svg.Locator("path, polyline, rect, circle").CountAsync() > 0, $"{sparkline} draws nothing");
        }
        Assert.Contains("node=", session.Page.Url);
        await session.ScreenshotAsync("topology-side-panel");
        await session.ByTestId("panel-close").ClickAsync();
        await Expect(panel).ToBeHiddenAsync();
        await session.ScreenshotAsync("topology");
        session.AssertNoErrors();
    }

    [Fact]
    public async Task Filter_hides_what_does_not_match_and_names_the_error_of_an_invalid_expression()
    {
        await using var session = await BrowserSession.OpenAsync(ui, output);
        await session.WaitForGraphAsync("g.nodes.some(n => n.namespace === 'istio-system') && g.nodes.some(n => n.namespace === 'bookinfo' && n.zone === 'a')");
        var filter = session.ByTestId("filter");

        await filter.FillAsync("namespace = bookinfo");
        await filter.PressAsync("Enter");
        await session.WaitForGraphAsync("g.nodes.some(n => n.namespace === 'istio-system' && n.hidden)");
        var graph = Leaves(await session.GraphAsync());
        Assert.All(graph.Where(n => n.Namespace == "istio-system"), n => Assert.True(n.Hidden, $"{n.Id} is shown"));
        Assert.Contains(graph, n => n.Namespace == "bookinfo" && !n.Hidden);
        Assert.All(graph.Where(n => n.Namespace == "bookinfo"), n => Assert.False(n.Hidden, $"{n.Id} is hidden"));
        await Expect(session.ByTestId("filter-error")).ToBeHiddenAsync();
        Assert.Contains("filter=namespace", session.Page.Url);

        await filter.FillAsync("zone != a");
        await filter.PressAsync("Enter");
        await session.WaitForGraphAsync("g.nodes.some(n => n.zone === 'a' && n.hidden) && g.nodes.some(n => n.namespace === 'istio-system' && !n.hidden)");
        graph = Leaves(await session.GraphAsync());
        Assert.All(graph.Where(n => n.Zone == "a"), n => Assert.True(n.Hidden, $"{n.Id} is shown"));
        Assert.All(graph.Where(n => n.Zone == "b"), n => Assert.False(n.Hidden, $"{n.Id} is hidden"));
        await session.ScreenshotAsync("topology-filtered");

        // An expression that does not parse: the error says where, and the last graph stays.
        var before = await session.GraphAsync();
        await filter.FillAsync("rt > ");
        await filter.PressAsync("Enter");
        var error = session.ByTestId("filter-error");
        await Expect(error).ToBeVisibleAsync();
        var text = await error.InnerTextAsync();
        Assert.Matches(@"\d", text); // the position (column) of the problem
        var after = await session.GraphAsync();
        Assert.Equal(Leaves(before).Select(n => n.Id).Order(), Leaves(after).Select(n => n.Id).Order());
        Assert.Contains(Leaves(after), n => !n.Hidden);
        session.AssertNoErrors();
    }

    [Fact]
    public async Task Live_mode_receives_diffs_within_the_live_interval()
    {
        await using var session = await BrowserSession.OpenAsync(ui, output);
        await Expect(session.ByTestId("mode-live")).ToHaveAttributeAsync("aria-pressed", "true");
        await session.Page.WaitForFunctionAsync("() => /live · \\d+/.test(document.querySelector('[data-testid=live-status]').textContent)");
        var status = await session.ByTestId("live-status").InnerTextAsync();
        var sequence = long.Parse(System.Text.RegularExpressions.Regex.Match(status, @"live · (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        // The demo changes its traffic every second, so each push interval brings a diff; three
        // intervals leave room for the insert and the pairing in between, 10 s for a loaded machine.
        // A diff counts once it is applied: only then does the status name its sequence (a gap
        // resubscribes instead).
        await session.Page.WaitForFunctionAsync(
            $"() => {{ const m = /live · (\\d+)/.exec(document.querySelector('[data-testid=live-status]').textContent); return m !== null && Number(m[1]) > {sequence}; }}", null,
            new PageWaitForFunctionOptions { Timeout = (float)(ObserveUi.LiveInterval * 3 + TimeSpan.FromSeconds(10)).TotalMilliseconds });
        Assert.True(await session.LiveMessagesAsync() > 1);
        await Expect(session.ByTestId("live-status")).ToContainTextAsync("live");
        session.AssertNoErrors();
    }

    internal static List<ProbeNode> Leaves(ProbeGraph graph)
    {
        var parents = graph.Nodes.Select(n => n.Parent).OfType<string>().ToHashSet();
        return graph.Nodes.Where(n => !parents.Contains(n.Id)).ToList();
    }

    internal static Dictionary<string, string> LabelsOf(ProbeGraph graph) => graph.Edges.ToDictionary(e => e.Id, e => e.Label);
}
