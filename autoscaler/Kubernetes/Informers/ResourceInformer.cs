using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>
/// Keeps a cache of one kind of resource through list + watch and tells the caller of every change
/// exactly once: a watch that ends is resumed from the last resourceVersion seen; one that expired
/// (410) is replaced by a fresh list, compared with the cache, so that what changed meanwhile is
/// delivered and what was already delivered is not.
/// </summary>
internal sealed class ResourceInformer(IKubernetesApi api, ResourceKind kind, string? @namespace, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, ResourceObject> _cache = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The objects as last delivered, by <c>namespace/name</c>.</summary>
    public IReadOnlyDictionary<string, ResourceObject> Current => _cache;

    /// <summary>Completes once the first list has been delivered.</summary>
    public Task Synced => _synced.Task;

    public static string Key(ObjectMeta meta) => meta.Namespace is { Length: > 0 } ns ? $"{ns}/{meta.Name}" : meta.Name;

    /// <summary>
    /// Lists and watches until <paramref name="cancellationToken"/> is cancelled. <paramref name="onChange"/>
    /// is called for one change at a time, in order; an exception it throws ends the run.
    /// </summary>
    public async Task RunAsync(Func<ResourceChange, CancellationToken, ValueTask> onChange, CancellationToken cancellationToken)
    {
        string? version = null;
        var failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (version is null)
                {
                    version = await RelistAsync(onChange, cancellationToken);
                    _synced.TrySetResult();
                    failures = 0;
                }
                await foreach (var e in api.WatchAsync(kind, @namespace, version, cancellationToken))
                {
                    if (e.Type != WatchEventType.Bookmark)
                    {
                        await ApplyAsync(e, onChange, cancellationToken);
                    }
                    // Only after the change is delivered: a failure before re-watches from before it.
                    version = e.Object.Metadata.ResourceVersion is { Length: > 0 } seen ? seen : version;
                    failures = 0;
                }
            }
            catch (ResourceExpiredException e)
            {
                logger.LogInformation("Watch of {Kind} expired at resourceVersion {Version} ({Message}); listing again", kind.Plural, version, e.Message);
                version = null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is KubernetesApiException or HttpRequestException or TimeoutException or IOException)
            {
                var delay = RetryDelay(failures++);
                logger.LogWarning("{Verb} of {Kind} failed ({Message}); retrying in {Delay} ms", version is null ? "List" : "Watch", kind.Plural, e.Message, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    /// <summary>The client's backoff without jitter: a single informer per kind has no crowd to spread.</summary>
    private static readonly RetryBackoff Backoff = new(FirstRetryDelay, MaxRetryDelay, () => 1);

    /// <summary>Doubling from <see cref="FirstRetryDelay"/> up to <see cref="MaxRetryDelay"/>.</summary>
    public static TimeSpan RetryDelay(int failures) => Backoff.Delay(failures, null, default);

    private async Task<string> RelistAsync(Func<ResourceChange, CancellationToken, ValueTask> onChange, CancellationToken cancellationToken)
    {
        var list = await api.ListAsync(kind, @namespace, cancellationToken);
        var listed = new HashSet<string>();
        foreach (var item in list.Items)
        {
            var key = Key(item.Metadata);
            listed.Add(key);
            if (!_cache.TryGetValue(key, out var known))
            {
                await DeliverAsync(key, new ResourceChange(WatchEventType.Added, item), onChange, cancellationToken);
            }
            else if (known.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
            {
                await DeliverAsync(key, new ResourceChange(WatchEventType.Modified, item), onChange, cancellationToken);
            }
        }
        foreach (var (key, gone) in _cache.ToArray())
        {
            if (!listed.Contains(key))
            {
                await DeliverAsync(key, new ResourceChange(WatchEventType.Deleted, gone), onChange, cancellationToken);
            }
        }
        return list.ResourceVersion;
    }

    /// <summary>
    /// A watch event, reconciled with the cache: one already delivered (same resourceVersion) is
    /// dropped, and its type is what the cache makes it (an ADDED of a known object is a change).
    /// </summary>
    private ValueTask ApplyAsync(WatchEvent e, Func<ResourceChange, CancellationToken, ValueTask> onChange, CancellationToken cancellationToken)
    {
        var key = Key(e.Object.Metadata);
        var known = _cache.TryGetValue(key, out var cached) ? cached : null;
        if (e.Type == WatchEventType.Deleted)
        {
            return known is null
                ? ValueTask.CompletedTask
                : DeliverAsync(key, new ResourceChange(WatchEventType.Deleted, e.Object), onChange, cancellationToken);
        }
        if (known is not null && known.Metadata.ResourceVersion == e.Object.Metadata.ResourceVersion)
        {
            return ValueTask.CompletedTask;
        }
        var type = known is null ? WatchEventType.Added : WatchEventType.Modified;
        return DeliverAsync(key, new ResourceChange(type, e.Object), onChange, cancellationToken);
    }

    private async ValueTask DeliverAsync(string key, ResourceChange change, Func<ResourceChange, CancellationToken, ValueTask> onChange, CancellationToken cancellationToken)
    {
        if (change.Type == WatchEventType.Deleted)
        {
            _cache.TryRemove(key, out _);
        }
        else
        {
            _cache[key] = change.Object;
        }
        try
        {
            await onChange(change, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Wrapped, so that an API error inside the handler is not taken for the watch's own and retried.
            throw new InvalidOperationException($"The handler of {kind.Kind} changes failed on {change.Type} {key}: {e.Message}", e);
        }
    }
}
