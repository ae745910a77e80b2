using Microsoft.Extensions.Logging.Abstractions;
using Observe.Autoscaler.Kubernetes;

namespace Observe.Autoscaler.Tests.Kubernetes;

public sealed class ResourceInformerTests
{
    private readonly InMemoryCluster _cluster = new();
    private readonly List<(WatchEventType Type, string Name, string? Version)> _seen = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _enough = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _wanted;

    private ValueTask Record(ResourceChange change, CancellationToken _)
    {
        lock (_lock)
        {
            _seen.Add((change.Type, change.Object.Metadata.Name, change.Object.Metadata.ResourceVersion));
            if (_seen.Count >= _wanted) _enough.TrySetResult();
        }
        return ValueTask.CompletedTask;
    }

    private Task Until(int count)
    {
        lock (_lock)
        {
            _wanted = count;
            _enough = new(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_seen.Count >= count) _enough.TrySetResult();
            return _enough.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private ResourceInformer Informer() => new(_cluster, ResourceKind.ScalingPolicies, "shop", new ManualTime(), NullLogger.Instance);

    [Fact]
    public async Task A_dropped_watch_resumes_from_the_last_version_without_missing_or_repeating_a_change()
    {
        _cluster.Put("a", "1");
        _cluster.Put("b", "1");
        var informer = Informer();
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(Record, cts.Token);
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        await Until(2);

        _cluster.Put("a", "2");
        _cluster.DropWatches();
        _cluster.Put("c", "1");
        _cluster.Delete("b");
        await Until(5);

        Assert.Equal([(WatchEventType.Added, "a"), (WatchEventType.Added, "b"), (WatchEventType.Modified, "a"), (WatchEventType.Added, "c"), (WatchEventType.Deleted, "b")],
            _seen.Select(s => (s.Type, s.Name)));
        Assert.Equal(1, _cluster.Lists);
        Assert.Equal(_cluster.Values.Keys.Order(), informer.Current.Keys.Order());
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task An_expired_watch_relists_and_delivers_only_what_changed_meanwhile()
    {
        _cluster.Put("a", "1");
        _cluster.Put("b", "1");
        _cluster.Put("keep", "1");
        var informer = Informer();
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(Record, cts.Token);
        await Until(3);

        _cluster.HoldWatches();
        _cluster.DropWatches();
        _cluster.Put("a", "2");
        _cluster.Delete("b");
        _cluster.Put("c", "1");
        _cluster.Compact();
        _cluster.ReleaseWatches();
        await Until(6);

        Assert.Equal(2, _cluster.Lists);
        var after = _seen.Skip(3).Select(s => (s.Type, s.Name)).OrderBy(s => s.Name).ToArray();
        Assert.Equal([(WatchEventType.Modified, "a"), (WatchEventType.Deleted, "b"), (WatchEventType.Added, "c")], after);
        Assert.Equal(_seen.Count, _seen.Distinct().Count());
        Assert.Equal(["shop/a", "shop/c", "shop/keep"], informer.Current.Keys.Order());

        // The watch resumed after the re-list still delivers, once.
        _cluster.Put("keep", "2");
        await Until(7);
        Assert.Equal((WatchEventType.Modified, "keep"), (_seen[^1].Type, _seen[^1].Name));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
