using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Observe.Ui.Tests;

/// <summary>
/// The live graph's recovery paths, with the page's real SignalR client and Observe's real hub and
/// a <see cref="HubTap"/> on the wire between them: a diff lost in transit makes the page subscribe
/// again for a fresh snapshot, and a cut connection makes it reconnect and subscribe again.
/// </summary>
[Collection(UiCollection.Name)]
public sealed partial class LiveFeedTests(ObserveUi ui, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_missed_diff_resubscribes_and_a_cut_connection_reconnects_and_both_go_on_applying_diffs()
    {
        var hub = new HubTap();
        await using var session = await BrowserSession.OpenAsync(ui, output, prepare: page => page.RouteWebSocketAsync(HubTap.IsHub, hub.Route));
        await AppliedAsync(session, after: -1);
        await Until(() => hub.Count("diff") >= 1, "a first diff");

        // A diff lost on the way: the next one does not follow, so the page starts over.
        var subscribes = hub.Count("Subscribe");
        var snapshots = hub.Count("snapshot");
        hub.DropNextDiff();
        await Until(() => hub.DroppedSequence is not null, "a diff to drop");
        await Until(() => hub.Count("Subscribe") > subscribes && hub.Count("snapshot") > snapshots, "a new subscription and snapshot after the gap");
        Assert.Equal(1, hub.Connections);
        var applied = await GoesOnAsync(session, hub, after: hub.DroppedSequence!.Value);

        // The connection cut: the client reconnects on a new socket and subscribes again.
        subscribes = hub.Count("Subscribe");
        snapshots = hub.Count("snapshot");
        await hub.CutAsync();
        await Until(() => hub.Connections >= 2 && hub.Count("Subscribe") > subscribes && hub.Count("snapshot") > snapshots, "a reconnect, subscription and snapshot after the cut");
        await GoesOnAsync(session, hub, after: applied);
        await Expect(session.ByTestId("live-status")).ToContainTextAsync("live");
        session.AssertNoErrors();
    }

    /// <summary>
    /// Waits for the new snapshot to show (a sequence past <paramref name="after"/>), then for a diff
    /// applied on top of it: the status moves on again with no new subscription in between.
    /// </summary>
    private static async Task<long> GoesOnAsync(BrowserSession session, HubTap hub, long after)
    {
        var subscribes = hub.Count("Subscribe");
        var snapshot = await AppliedAsync(session, after);
        var applied = await AppliedAsync(session, snapshot);
        Assert.Equal(subscribes, hub.Count("Subscribe"));
        return applied;
    }

    /// <summary>Waits until the status names an applied graph (snapshot or diff) later than <paramref name="after"/>; returns its sequence.</summary>
    private static async Task<long> AppliedAsync(BrowserSession session, long after)
    {
        long shown = -1;
        await Until(async () =>
        {
            var match = LiveStatus().Match(await session.ByTestId("live-status").InnerTextAsync());
            shown = match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
            return shown > after;
        }, $"the live status past sequence {after}");
        return shown;
    }

    private static Task Until(Func<bool> condition, string what) => Until(() => Task.FromResult(condition()), what);

    private static async Task Until(Func<Task<bool>> condition, string what) =>
        Assert.True(await Loopback.EventuallyAsync(condition, Patience), $"no {what} within {Patience.TotalSeconds} s");

    [GeneratedRegex(@"live · (\d+)")]
    private static partial Regex LiveStatus();
}
