namespace Observe.FakeKubernetes;

/// <summary>How the fake API server behaves where a real cluster's behaviour depends on its setup.</summary>
public sealed record FakeApiOptions
{
    /// <summary>How long after its creation a pod reports Ready=True, judged by the injected clock.</summary>
    public TimeSpan PodReadyAfter { get; init; } = TimeSpan.Zero;

    /// <summary>How often a watch that asked for bookmarks (allowWatchBookmarks=true) gets one.</summary>
    public TimeSpan WatchBookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A watch without timeoutSeconds ends after this (the real server picks 30 to 60 minutes).</summary>
    public TimeSpan DefaultWatchTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Changes kept for watches; a watch from a version older than the oldest kept one gets 410 Expired.</summary>
    public int HistorySize { get; init; } = 1000;

    /// <summary>Events a slow watcher may have queued before the server closes its stream (as a real server does).</summary>
    public int WatchBuffer { get; init; } = 1000;
}
