using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Observe.Store;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Observe.Ui.Tests;

/// <summary>The SLO, autoscaler and trace views against what the API answers at the same time.</summary>
[Collection(UiCollection.Name)]
public sealed class ViewTests(ObserveUi ui, ITestOutputHelper output)
{
    private static readonly TimeSpan DataTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Slo_view_shows_a_card_per_objective_with_its_budget()
    {
        // Every demo SLO evaluated at least once (objectives appear with their first evaluation).
        var objectives = new List<(string Slo, string Objective)>();
        Assert.True(await Loopback.EventuallyAsync(async () =>
        {
            using var slos = await ui.GetJsonAsync("api/v1/slos");
            var list = slos.RootElement.GetProperty("slos").EnumerateArray().ToList();
            objectives = list.SelectMany(s => s.GetProperty("objectives").EnumerateArray()
                .Select(o => (s.GetProperty("name").GetString()!, o.GetProperty("name").GetString() ?? ""))).ToList();
            return list.Count > 0 && list.All(s => s.GetProperty("objectives").GetArrayLength() > 0)
                && list.Any(s => s.GetProperty("objectives").EnumerateArray().Any(o => o.GetProperty("budget").TryGetProperty("remaining", out var r) && r.ValueKind == JsonValueKind.Number));
        }, DataTimeout), "the demo's SLOs were not evaluated with traffic");

        await using var session = await BrowserSession.OpenAsync(ui, output, "view=slos");
        await Expect(session.ByTestId("view-slos")).ToBeVisibleAsync();
        var cards = session.ByTestId("slo-card");
        await Expect(cards).ToHaveCountAsync(objectives.Count);
        var shown = new List<string>();
        var budgets = 0;
        for (var i = 0; i < objectives.Count; i++)
        {
            var card = cards.Nth(i);
            shown.Add((await card.GetAttributeAsync("data-slo"))!);
            await Expect(card.GetByTestId("slo-sli")).ToBeVisibleAsync();
            await Expect(card.GetByTestId("slo-target")).ToContainTextAsync("%");
            // Empty while an objective has had no traffic in its period (the API's remaining is null).
            var remainingText = (await card.GetByTestId("slo-budget").GetAttributeAsync("data-remaining"))!;
            if (remainingText.Length > 0)
            {
                var remaining = double.Parse(remainingText, CultureInfo.InvariantCulture);
                Assert.True(double.IsFinite(remaining) && remaining <= 1, $"budget remaining {remaining}");
                budgets++;
            }
            Assert.Matches(@"\b(ok|ticket|page)\b", (await card.GetByTestId("slo-burn").InnerTextAsync()).Trim().ToLowerInvariant());
            await Expect(card.GetByTestId("slo-history")).ToBeVisibleAsync();
        }
        // Evaluations are stored every Slo:HistoryStep; the cards with a budget have an SLI line.
        Assert.True(await session.Page.Locator("[data-testid=slo-history] path.series[data-series=sli]").CountAsync() > 0, "no SLO history draws its SLI");
        Assert.Equal(objectives.Select(o => o.Slo).Order(), shown.Order());
        Assert.True(budgets > 0, "no SLO card shows a budget although the demo's traffic reaches them");
        await session.ScreenshotAsync("slos");
        session.AssertNoErrors();
    }

    [Fact]
    public async Task Autoscaler_view_shows_each_policy_with_its_chart_decisions_and_the_dry_run()
    {
        // The demo runs its policies through the controller; one of them is dry-run, and both
        // decide within a few ticks.
        var policies = new List<(string Key, string Mode)>();
        Assert.True(await Loopback.EventuallyAsync(async () =>
        {
            using var answer = await ui.GetJsonAsync("api/v1/scaling/policies");
            policies = answer.RootElement.GetProperty("policies").EnumerateArray()
                .Select(p => ($"{p.GetProperty("namespace").GetString()}/{p.GetProperty("name").GetString()}", p.GetProperty("mode").GetString()!)).ToList();
            using var decisions = await ui.GetJsonAsync("api/v1/scaling/decisions?from=" + Uri.EscapeDataString(ui.Started.AddMinutes(-1).ToString("O")));
            var outcomes = decisions.RootElement.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("outcome").GetString()).ToList();
            return policies.Any(p => p.Mode == "dryRun") && policies.Any(p => p.Mode == "enforce") && outcomes.Any(o => o is "scaled" or "dry-run");
        }, DataTimeout), "the demo's policies did not decide");

        await using var session = await BrowserSession.OpenAsync(ui, output, "view=autoscaler");
        await Expect(session.ByTestId("view-autoscaler")).ToBeVisibleAsync();
        await Expect(session.ByTestId("policy-card")).ToHaveCountAsync(policies.Count);
        foreach (var (key, mode) in policies)
        {
            var card = session.Page.Locator($"[data-testid=policy-card][data-policy=\"{key}\"]");
            await Expect(card).ToHaveAttributeAsync("data-mode", mode);
            await Expect(card.GetByTestId("scaling-chart")).ToBeVisibleAsync();
            foreach (var series in new[] { "demand", "replicas" })
            {
                await Expect(card.GetByTestId("scaling-chart").Locator($"path.series[data-series={series}]")).ToHaveCountAsync(1);
            }
            await Expect(card.GetByTestId("dry-run-badge")).ToHaveCountAsync(mode == "dryRun" ? 1 : 0);
        }
        // Capacity is known once the scaler has learned it: on the scaled workloads at least.
        Assert.True(await session.Page.Locator("[data-testid=scaling-chart] path.series[data-series=capacity]").CountAsync() > 0, "no chart draws capacity");
        var markers = session.ByTestId("decision-marker");
        await Expect(markers.First).ToBeAttachedAsync();
        var title = await markers.First.EvaluateAsync<string>("m => m.querySelector('title')?.textContent ?? m.getAttribute('title') ?? ''");
        Assert.Matches("scaled|scale|dry[- ]run", title.ToLowerInvariant());
        await session.ScreenshotAsync("autoscaler");
        session.AssertNoErrors();
    }

    [Fact]
    public async Task Trace_view_draws_the_waterfall_of_a_stored_trace()
    {
        // A demo trace of several spans, read where the collector stored it.
        string? traceId = null;
        Assert.True(await Loopback.EventuallyAsync(async () =>
        {
            var rows = Encoding.UTF8.GetString(await EmbeddedEngine.Shared.QueryAsync(
                $"SELECT TraceId FROM `{ui.Database}`.otel_traces GROUP BY TraceId HAVING count() >= 3 ORDER BY min(Timestamp) DESC LIMIT 1",
                "TabSeparated"));
            traceId = rows.Trim() is { Length: > 0 } id ? id : null;
            return traceId is not null;
        }, DataTimeout), "no demo trace of three spans was stored");
        using var trace = await ui.GetJsonAsync($"api/v1/traces/{traceId}");
        var spanIds = trace.RootElement.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("spanId").GetString()!).ToList();

        await using var session = await BrowserSession.OpenAsync(ui, output, "view=trace");
        await session.ByTestId("trace-input").FillAsync(traceId!);
        await session.ByTestId("trace-open").ClickAsync();
        await Expect(session.ByTestId("waterfall")).ToBeVisibleAsync();
        var rows = session.ByTestId("span-row");
        await Expect(rows).ToHaveCountAsync(spanIds.Count);
        var shown = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.spanId)");
        Assert.Equal(spanIds.Order(), shown.Order());
        Assert.Contains($"trace={traceId}", session.Page.Url);
        await rows.First.ClickAsync();
        await Expect(session.ByTestId("span-detail")).ToBeVisibleAsync();
        await session.ScreenshotAsync("trace");
        session.AssertNoErrors();
    }
}
