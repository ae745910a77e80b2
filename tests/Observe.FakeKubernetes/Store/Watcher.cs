using System.Threading.Channels;

namespace Observe.FakeKubernetes.Store;

/// <summary>An open watch: what it selects and the bounded queue of changes waiting to be written to it.</summary>
internal sealed class Watcher(ResourceType type, string? @namespace, int capacity)
{
    public ResourceType Type { get; } = type;

    public string? Namespace { get; } = @namespace;

    public Channel<Change> Queue { get; } = Channel.CreateBounded<Change>(new BoundedChannelOptions(capacity) { SingleReader = true });

    /// <summary>Cancelled by <c>DropWatches</c>; the stream then ends where it is.</summary>
    public CancellationTokenSource Dropped { get; } = new();

    public bool Selects(Change change) =>
        change.Type == Type && (Namespace is null || Namespace == change.Namespace);

    /// <summary>A watcher too slow to keep up is closed, as the real server closes it, rather than buffering without bound.</summary>
    public void Offer(Change change)
    {
        if (!Queue.Writer.TryWrite(change))
        {
            Queue.Writer.TryComplete();
        }
    }
}
