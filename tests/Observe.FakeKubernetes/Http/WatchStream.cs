using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Observe.FakeKubernetes.Store;
using Observe.FakeKubernetes.Workloads;

namespace Observe.FakeKubernetes.Http;

/// <summary>
/// One watch response: newline-delimited <c>{"type":..,"object":..}</c> events, chunked, for the
/// changes after the asked resourceVersion; bookmarks when asked; an ERROR event with a 410
/// Expired Status when that version is gone; the end after timeoutSeconds (on the injected clock).
/// </summary>
internal sealed class WatchStream(ObjectStore store, FakeApiOptions options)
{
    public async Task RunAsync(HttpContext context, ApiPath path, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var selector = LabelSelector.Parse(query["labelSelector"]);
        var from = FromRevision(query["resourceVersion"]);
        var bookmarks = query["allowWatchBookmarks"] == "true" || query["allowWatchBookmarks"] == "1";
        var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : options.DefaultWatchTimeout;

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        // The clock's timers start before the watch is registered, so a test that waits for the
        // watch and then advances a manual clock always moves them.
        using var timer = new PeriodicTimer(options.WatchBookmarkInterval, store.Time);
        using var stopTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timedOut = Task.Delay(timeout, store.Time, stopTimeout.Token);
        Watcher watcher;
        List<Change> backlog;
        try
        {
            (watcher, backlog) = store.Watch(path.Type, path.Namespace, from, options.WatchBuffer);
        }
        catch (ApiError expired) when (expired.Code == 410)
        {
            // Real servers accept the watch, then report the expired version as its only event.
            await WriteEventAsync(response, "ERROR", expired.ToStatus(), cancellationToken);
            return;
        }
        try
        {
            await response.StartAsync(cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watcher.Dropped.Token);
            var lastSent = from ?? 0;
            foreach (var change in backlog)
            {
                lastSent = Math.Max(lastSent, await SendAsync(response, change, selector, ended.Token));
            }
            await FollowAsync(response, path.Type, watcher, selector, bookmarks ? timer : null, timedOut, lastSent, ended.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Dropped by DropWatches: the stream simply ends, as when an API server restarts.
        }
        finally
        {
            store.Unwatch(watcher);
            await stopTimeout.CancelAsync();
        }
    }

    private async Task FollowAsync(HttpResponse response, ResourceType type, Watcher watcher, LabelSelector selector, PeriodicTimer? bookmarks, Task timedOut, long lastSent, CancellationToken cancellationToken)
    {
        var bookmarkDue = bookmarks is not null ? bookmarks.WaitForNextTickAsync(cancellationToken).AsTask() : Task.Delay(Timeout.Infinite, cancellationToken);
        var readable = watcher.Queue.Reader.WaitToReadAsync(cancellationToken).AsTask();
        while (true)
        {
            var first = await Task.WhenAny(readable, bookmarkDue, timedOut);
            cancellationToken.ThrowIfCancellationRequested();
            if (first == timedOut)
            {
                return;
            }
            if (first == readable)
            {
                if (!await readable)
                {
                    return; // closed because this watcher fell behind its buffer
                }
                while (watcher.Queue.Reader.TryRead(out var change))
                {
                    lastSent = Math.Max(lastSent, await SendAsync(response, change, selector, cancellationToken));
                }
                readable = watcher.Queue.Reader.WaitToReadAsync(cancellationToken).AsTask();
            }
            else
            {
                await BookmarkAsync(response, type, watcher, lastSent, cancellationToken);
                bookmarkDue = bookmarks!.WaitForNextTickAsync(cancellationToken).AsTask();
            }
        }
    }

    private static long? FromRevision(string? text)
    {
        if (string.IsNullOrEmpty(text) || text == "0")
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : throw ApiError.BadRequest($"resourceVersion: Invalid value: \"{text}\": invalid resource version");
    }

    private async Task<long> SendAsync(HttpResponse response, Change change, LabelSelector selector, CancellationToken cancellationToken)
    {
        var shown = change.Type == ResourceTypes.Pods
            ? PodFleet.WithStatus((JsonObject)change.Object.DeepClone(), store.Time.GetUtcNow(), options.PodReadyAfter)
            : (JsonObject)change.Object.DeepClone();
        if (selector.Matches(shown))
        {
            await WriteEventAsync(response, change.EventType, shown, cancellationToken);
        }
        return change.Revision;
    }

    /// <summary>A bookmark promises every change up to its version was sent, so it names the store's revision only when nothing is queued.</summary>
    private async Task BookmarkAsync(HttpResponse response, ResourceType type, Watcher watcher, long lastSent, CancellationToken cancellationToken)
    {
        long revision;
        lock (store.Sync)
        {
            revision = watcher.Queue.Reader.Count == 0 ? store.Revision : lastSent;
        }
        var bookmark = new JsonObject
        {
            ["kind"] = type.Kind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) },
        };
        await WriteEventAsync(response, "BOOKMARK", bookmark, cancellationToken);
    }

    private static async Task WriteEventAsync(HttpResponse response, string type, JsonObject obj, CancellationToken cancellationToken)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString() + "\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
