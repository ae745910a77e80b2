using System.Text.Json;
using Microsoft.Playwright;

namespace Observe.Ui.Tests;

/// <summary>
/// Sits between the page and Observe's live hub (Playwright's WebSocket routing), forwarding every
/// frame both ways while counting SignalR messages by target, and on request drops one
/// <c>diff</c> on its way to the page or cuts the connection as a network failure would. The
/// page's SignalR client and Observe's hub are the real ones; only the wire between them is ours.
/// </summary>
internal sealed class HubTap
{
    /// <summary>SignalR's JSON hub protocol ends every message with this record separator.</summary>
    private const char RecordSeparator = '\u001e';

    private readonly Lock _lock = new();
    private readonly List<(IWebSocketRoute Page, IWebSocketRoute Server)> _open = [];
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private bool _dropNextDiff;

    public long? DroppedSequence { get; private set; }

    /// <summary>Sockets the page has opened to the hub so far.</summary>
    public int Connections { get; private set; }

    public static bool IsHub(string url) => new Uri(url).AbsolutePath == "/hubs/topology";

    /// <summary>Messages seen with this target: <c>snapshot</c> and <c>diff</c> from the hub, <c>Subscribe</c> from the page.</summary>
    public int Count(string target)
    {
        lock (_lock)
        {
            return _counts.GetValueOrDefault(target);
        }
    }

    public void DropNextDiff()
    {
        lock (_lock)
        {
            _dropNextDiff = true;
        }
    }

    public void Route(IWebSocketRoute page)
    {
        var server = page.ConnectToServer();
        lock (_lock)
        {
            Connections++;
            _open.Add((page, server));
        }
        // SignalR's JSON protocol sends text frames only.
        page.OnMessage(frame => server.Send(Pass(frame.Text ?? throw new InvalidOperationException("a binary frame from the page"))));
        server.OnMessage(frame =>
        {
            var text = Pass(frame.Text ?? throw new InvalidOperationException("a binary frame from the hub"), mayDrop: true);
            if (text.Length > 0)
            {
                page.Send(text);
            }
        });
        page.OnClose((code, reason) =>
        {
            Forget(page);
            _ = server.CloseAsync(new WebSocketRouteCloseOptions { Code = code, Reason = reason });
        });
        server.OnClose((code, reason) =>
        {
            Forget(page);
            _ = page.CloseAsync(new WebSocketRouteCloseOptions { Code = code, Reason = reason });
        });
    }

    /// <summary>Closes every open hub socket on the page's side (1011, as a failing server or proxy would).</summary>
    public async Task CutAsync()
    {
        List<(IWebSocketRoute Page, IWebSocketRoute Server)> open;
        lock (_lock)
        {
            open = [.. _open];
            _open.Clear();
        }
        Assert.NotEmpty(open);
        foreach (var (page, server) in open)
        {
            await page.CloseAsync(new WebSocketRouteCloseOptions { Code = 1011, Reason = "cut by the test" });
            await server.CloseAsync(new WebSocketRouteCloseOptions { Code = 1011, Reason = "cut by the test" });
        }
    }

    private void Forget(IWebSocketRoute page)
    {
        lock (_lock)
        {
            _open.RemoveAll(o => o.Page == page);
        }
    }

    /// <summary>Counts the frame's messages and returns what goes on: all of them, or all but a diff to drop.</summary>
    private string Pass(string text, bool mayDrop = false)
    {
        var kept = new List<string>();
        foreach (var message in text.Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var (target, sequence) = Read(message);
            lock (_lock)
            {
                if (mayDrop && target == "diff" && _dropNextDiff)
                {
                    _dropNextDiff = false;
                    DroppedSequence = sequence;
                    continue;
                }
                if (target is not null)
                {
                    _counts[target] = _counts.GetValueOrDefault(target) + 1;
                }
            }
            kept.Add(message + RecordSeparator);
        }
        return string.Concat(kept);
    }

    /// <summary>An invocation's target and, for a diff, its sequence; nulls for pings, the handshake and completions.</summary>
    private static (string? Target, long? Sequence) Read(string message)
    {
        using var json = JsonDocument.Parse(message);
        if (!json.RootElement.TryGetProperty("target", out var target))
        {
            return (null, null);
        }
        long? sequence = null;
        if (target.GetString() == "diff" && json.RootElement.GetProperty("arguments")[0].TryGetProperty("sequence", out var s))
        {
            sequence = s.GetInt64();
        }
        return (target.GetString(), sequence);
    }
}
