using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Observe.Ui.Tests;

[Collection(UiCollection.Name)]
public sealed class ReplayTests(ObserveUi ui, ITestOutputHelper output)
{
    private static readonly TimeSpan DataTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Replay_steps_through_frames_whose_traffic_differs_and_plays_at_60x()
    {
        var (from, to) = await RangeWithTrafficAsync();
        var replay = await ReplayAsync(from, to);
        var (first, second) = ChangingFrames(replay);
        output.WriteLine($"range {from:O} – {to:O}: {replay.Frames.Count} frames, stepping {first} → {second}");

        await using var session = await BrowserSession.OpenAsync(ui, output);
        await session.ByTestId("mode-replay").ClickAsync();
        await Expect(session.ByTestId("mode-replay")).ToHaveAttributeAsync("aria-pressed", "true");
        await session.ByTestId("range-from").FillAsync(from.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await session.ByTestId("range-to").FillAsync(to.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await session.ByTestId("range-apply").ClickAsync();
        await session.WaitForReplayAsync(replay.Frames.Count);
        Assert.Contains("mode=replay", session.Page.Url);

        // The frame the API has traffic in, by the step buttons; time and labels follow.
        await GoToFrameAsync(session, first);
        await AssertShowsFrameAsync(session, replay, first);
        var before = TopologyTests.LabelsOf(await session.GraphAsync());
        var healthBefore = (await session.GraphAsync()).Edges.ToDictionary(e => e.Id, e => e.Health);
        await session.ByTestId("step-forward").ClickAsync();
        await WaitForIndexAsync(session, second);
        await AssertShowsFrameAsync(session, replay, second);
        var graph = await session.GraphAsync();
        Assert.True(graph.Edges.Any(e => (before.TryGetValue(e.Id, out var l) ? l : null) != e.Label || (healthBefore.TryGetValue(e.Id, out var h) ? h : null) != e.Health),
            $"frames {first} and {second} show the same traffic although the API's differ");
        // The graph of a frame is the API's frame: the same edges have traffic.
        var withTraffic = replay.Frames[second - 1].Edges.Index.Select(i => replay.Edges[i].Id).ToHashSet();
        Assert.All(withTraffic, id => Assert.Contains(graph.Edges, e => e.Id == id && !e.Hidden));
        await session.ByTestId("step-back").ClickAsync();
        await WaitForIndexAsync(session, first);
        await AssertShowsFrameAsync(session, replay, first);
        await session.ScreenshotAsync("replay");

        // A range typed but not yet loaded survives other changes of the view's state (a step
        // moves the focus off the input, and shortly after writes the frame to the URL), until Load.
        var rangeFrom = session.ByTestId("range-from");
        await rangeFrom.FillAsync(from.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        var typed = await rangeFrom.InputValueAsync();
        await session.ByTestId("step-forward").ClickAsync();
        await WaitForIndexAsync(session, second);
        await session.Page.WaitForURLAsync(new Regex($"[?&]frame={second}(&|$)"));
        Assert.Equal(typed, await rangeFrom.InputValueAsync());
        Assert.Equal(replay.Frames.Count, (await session.FrameAsync())!.Count);

        // From the first frame, play at 60×: 10 s frames pass about six a second.
        await GoToFrameAsync(session, 1);
        var start = 1;
        await session.ByTestId("speed").SelectOptionAsync("60");
        await session.ByTestId("play").ClickAsync();
        await session.Page.WaitForFunctionAsync($"() => window.__observe.frame().index >= {start + 3}", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await session.ByTestId("pause").ClickAsync();
        var paused = (await session.FrameAsync())!;
        Assert.True(paused.Index >= start + 3);
        await AssertShowsFrameAsync(session, replay, paused.Index);
        Assert.Contains("speed=60", session.Page.Url);
        session.AssertNoErrors();
    }

    [Fact]
    public async Task Url_state_round_trips_through_a_reload()
    {
        var (from, to) = await RangeWithTrafficAsync();
        var replay = await ReplayAsync(from, to);
        await using var session = await BrowserSession.OpenAsync(ui, output,
            $"mode=replay&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");
        await session.WaitForReplayAsync(replay.Frames.Count);

        // Without a frame in the address the replay opens on the first frame with traffic.
        var start = (await session.FrameAsync())!.Index;
        Assert.True(replay.Frames[start - 1].Nodes.Index.Count > 0, $"frame {start} has no traffic");
        Assert.All(replay.Frames.Take(start - 1), f => Assert.Empty(f.Nodes.Index));

        // Change each part of the state with the controls, as a user would.
        await session.ByTestId("step-forward").ClickAsync();
        await WaitForIndexAsync(session, start + 1);
        await session.ByTestId("step-forward").ClickAsync();
        await WaitForIndexAsync(session, start + 2);
        await session.ByTestId("group-by").SelectOptionAsync("version");
        await session.WaitReadyAsync();
        await session.ByTestId("filter").FillAsync("namespace = bookinfo");
        await session.ByTestId("filter").PressAsync("Enter");
        await session.ByTestId("edge-label").SelectOptionAsync("p99");
        await session.ByTestId("by-zone").UncheckAsync();
        await session.WaitForGraphAsync("(() => { const parents = new Set(g.nodes.map(n => n.parent).filter(p => p)); const leaves = g.nodes.filter(n => !parents.has(n.id)); return leaves.length > 0 && leaves.every(n => n.zone === '*') && leaves.some(n => n.namespace === 'istio-system' && n.hidden); })()");
        await session.Page.WaitForFunctionAsync("() => { const q = new URLSearchParams(location.search); return q.get('label') === 'p99' && q.get('filter') === 'namespace = bookinfo' && q.get('groupBy') === 'version' && q.get('byZone') === 'false'; }");
        var url = session.Page.Url;
        var frame = (await session.FrameAsync())!;
        var graph = await session.GraphAsync();
        output.WriteLine($"state: {url}");
        Assert.Equal(start + 2, frame.Index);
        Assert.Contains($"frame={start + 2}", url);

        await session.ReloadAsync();
        await session.Page.WaitForFunctionAsync($"() => {{ const f = window.__observe.frame(); return f !== null && f.index === {start + 2} && f.count === {frame.Count}; }}");
        Assert.Equal(url, session.Page.Url);
        await Expect(session.ByTestId("mode-replay")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(session.ByTestId("group-by")).ToHaveValueAsync("version");
        await Expect(session.ByTestId("filter")).ToHaveValueAsync("namespace = bookinfo");
        await Expect(session.ByTestId("edge-label")).ToHaveValueAsync("p99");
        await Expect(session.ByTestId("by-zone")).Not.ToBeCheckedAsync();
        await Expect(session.ByTestId("frame-index")).ToHaveTextAsync($"{start + 2} / {frame.Count}");
        Assert.Equal(frame, await session.FrameAsync());
        var reloaded = await session.GraphAsync();
        Assert.Equal(graph.Nodes.Select(n => (n.Id, n.Hidden)).Order(), reloaded.Nodes.Select(n => (n.Id, n.Hidden)).Order());
        Assert.Equal(graph.Edges.Select(e => (e.Id, e.Label)).Order(), reloaded.Edges.Select(e => (e.Id, e.Label)).Order());
        Assert.All(TopologyTests.Leaves(reloaded).Where(n => n.Namespace == "istio-system"), n => Assert.True(n.Hidden));
        // Versions merged across zones: no zone on any node.
        Assert.All(TopologyTests.Leaves(reloaded), n => Assert.Equal("*", n.Zone));
        await session.ScreenshotAsync("replay-url-state");
        session.AssertNoErrors();
    }

    /// <summary>
    /// A whole-minute range (what the minute-precision inputs can say) ending after now, once the
    /// demo has sent traffic in two consecutive finished frames of it.
    /// </summary>
    private async Task<(DateTimeOffset From, DateTimeOffset To)> RangeWithTrafficAsync()
    {
        (DateTimeOffset, DateTimeOffset) range = default;
        var ready = await Loopback.EventuallyAsync(async () =>
        {
            var now = DateTimeOffset.UtcNow;
            var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
            range = (minute.AddMinutes(-3), minute.AddMinutes(1));
            var replay = await ReplayAsync(range.Item1, range.Item2);
            return TryChangingFrames(replay, out _);
        }, DataTimeout);
        Assert.True(ready, $"no two finished replay frames with differing traffic within {DataTimeout.TotalSeconds} s of waiting");
        return range;
    }

    private async Task<Replay> ReplayAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var replay = await ui.GetAsync<Replay>($"api/v1/topology/replay?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");
        return replay!;
    }

    private static (int, int) ChangingFrames(Replay replay) =>
        TryChangingFrames(replay, out var pair) ? pair : throw new InvalidOperationException("no two frames with differing traffic");

    /// <summary>
    /// Two consecutive 1-based frames, both finished well before now (so the page's later read
    /// sees the same data) with traffic in both, whose edges' request rates differ.
    /// </summary>
    private static bool TryChangingFrames(Replay replay, out (int First, int Second) pair)
    {
        var settled = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(20);
        for (var i = 0; i + 1 < replay.Frames.Count; i++)
        {
            Frame a = replay.Frames[i], b = replay.Frames[i + 1];
            if (b.Time > settled || a.Edges.Index.Count == 0 || b.Edges.Index.Count == 0)
            {
                continue;
            }
            var rates = a.Edges.Index.Zip(a.Edges.RequestsPerSecond).ToDictionary(x => x.First, x => x.Second);
            if (b.Edges.Index.Zip(b.Edges.RequestsPerSecond).Any(x => !rates.TryGetValue(x.First, out var r) || Math.Abs(r - x.Second) > 0.05))
            {
                pair = (i + 1, i + 2);
                return true;
            }
        }
        pair = default;
        return false;
    }

    private static async Task GoToFrameAsync(BrowserSession session, int target)
    {
        while ((await session.FrameAsync())!.Index is var index && index != target)
        {
            await session.ByTestId(index < target ? "step-forward" : "step-back").ClickAsync();
            await WaitForIndexAsync(session, index < target ? index + 1 : index - 1);
        }
    }

    private static Task WaitForIndexAsync(BrowserSession session, int index) =>
        session.Page.WaitForFunctionAsync($"() => {{ const f = window.__observe.frame(); return f !== null && f.index === {index}; }}");

    private static async Task AssertShowsFrameAsync(BrowserSession session, Replay replay, int index)
    {
        var expected = replay.Frames[index - 1].Time;
        await Expect(session.ByTestId("frame-index")).ToHaveTextAsync($"{index} / {replay.Frames.Count}");
        await Expect(session.ByTestId("scrubber")).ToHaveValueAsync(index.ToString(CultureInfo.InvariantCulture));
        var shown = await session.ByTestId("frame-time").GetAttributeAsync("data-time");
        Assert.Equal(expected, DateTimeOffset.Parse(shown!, CultureInfo.InvariantCulture));
        Assert.Equal(expected, DateTimeOffset.Parse((await session.FrameAsync())!.Time, CultureInfo.InvariantCulture));
        // The URL follows the shown frame a moment later (history writes are throttled); frame 1
        // is the default, which the URL may leave out.
        await session.Page.WaitForFunctionAsync(
            $"() => {{ const f = new URLSearchParams(location.search).get('frame'); return f === '{index}' || ({(index == 1 ? "true" : "false")} && f === null); }}");
    }

    private sealed record Replay(IReadOnlyList<ReplayEdge> Edges, IReadOnlyList<Frame> Frames);

    private sealed record ReplayEdge(string Id);

    private sealed record Frame(DateTimeOffset Time, Columns Nodes, Columns Edges);

    private sealed record Columns(IReadOnlyList<int> Index, IReadOnlyList<double> RequestsPerSecond);
}
