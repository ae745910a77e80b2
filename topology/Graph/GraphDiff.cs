namespace Observe.Topology.Graph;

/// <summary>Nodes or edges that are new or changed since the previous graph, and the ids of those gone.</summary>
public sealed record GraphChanges<T>(IReadOnlyList<T> Upserted, IReadOnlyList<string> Removed);

/// <summary>
/// What changed from one graph of a live view to the next: applying it to the previous graph
/// gives the next one. <see cref="Sequence"/> numbers the graphs of a view, so a client that
/// sees a gap knows it missed a diff and asks for a new snapshot.
/// </summary>
public sealed record GraphDiff(
    long Sequence,
    DateTimeOffset From,
    DateTimeOffset To,
    GraphChanges<GraphNode> Nodes,
    GraphChanges<GraphEdge> Edges)
{
    public bool IsEmpty => Nodes.Upserted.Count == 0 && Nodes.Removed.Count == 0 && Edges.Upserted.Count == 0 && Edges.Removed.Count == 0;

    public static GraphDiff Between(ServiceGraph previous, ServiceGraph next, long sequence) => new(
        sequence, next.From, next.To,
        Changes(previous.Nodes, next.Nodes, n => n.Id),
        Changes(previous.Edges, next.Edges, e => e.Id));

    /// <summary>The graph the diff leads to, from the graph it was computed against.</summary>
    public ServiceGraph ApplyTo(ServiceGraph previous) => previous with
    {
        From = From,
        To = To,
        Nodes = Apply(previous.Nodes, Nodes, n => n.Id),
        Edges = Apply(previous.Edges, Edges, e => e.Id),
    };

    private static GraphChanges<T> Changes<T>(IReadOnlyList<T> previous, IReadOnlyList<T> next, Func<T, string> id)
    {
        var before = previous.ToDictionary(id);
        var upserted = next.Where(item => !before.TryGetValue(id(item), out var old) || !Equal(old, item)).ToList();
        var now = next.Select(id).ToHashSet();
        return new GraphChanges<T>(upserted, [.. previous.Select(id).Where(i => !now.Contains(i))]);
    }

    private static List<T> Apply<T>(IReadOnlyList<T> previous, GraphChanges<T> changes, Func<T, string> id)
    {
        var items = previous.ToDictionary(id);
        foreach (var removed in changes.Removed)
        {
            items.Remove(removed);
        }
        foreach (var item in changes.Upserted)
        {
            items[id(item)] = item;
        }
        return [.. items.Values.OrderBy(id, StringComparer.Ordinal)];
    }

    // Records compare by value; Traffic holds only scalars, so equal signals mean no change.
    private static bool Equal<T>(T a, T b) => EqualityComparer<T>.Default.Equals(a, b);
}
