using Observe.Topology.Graph;

namespace Observe.Topology.Tests.Graph;

/// <summary>Diffs of live graphs: only what changed travels, and applying a diff gives the next graph.</summary>
public sealed class GraphDiffTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static GraphNode Node(string name, long requests) => new($"workload:c1/shop/{name}@a", "workload", name, "shop", name, "v1", "c1", "a",
        Traffic.None with { Requests = requests, RequestsPerSecond = requests / 60.0 }, Traffic.None, requests > 0 ? HealthState.Healthy : HealthState.Idle);

    private static GraphEdge Edge(string from, string to, long requests) => new($"workload:c1/shop/{from}@a>workload:c1/shop/{to}@a|http/1.1",
        $"workload:c1/shop/{from}@a", $"workload:c1/shop/{to}@a", "http/1.1", false, Traffic.None with { Requests = requests }, HealthState.Healthy);

    [Fact]
    public void A_diff_carries_new_and_changed_items_and_the_ids_of_those_gone()
    {
        var before = new ServiceGraph(T0, T0.AddMinutes(1), GraphGrouping.Workload,
            [Node("cart", 10), Node("front", 0), Node("old", 3)], [Edge("front", "cart", 10), Edge("front", "old", 3)]);
        var after = new ServiceGraph(T0.AddSeconds(2), T0.AddMinutes(1).AddSeconds(2), GraphGrouping.Workload,
            [Node("cart", 12), Node("front", 0), Node("pay", 1)], [Edge("front", "cart", 12), Edge("cart", "pay", 1)]);

        var diff = GraphDiff.Between(before, after, 7);

        Assert.Equal(7, diff.Sequence);
        Assert.Equal(["cart", "pay"], diff.Nodes.Upserted.Select(n => n.Name));
        Assert.Equal(["workload:c1/shop/old@a"], diff.Nodes.Removed);
        Assert.Equal([12L, 1L], diff.Edges.Upserted.Select(e => e.Traffic.Requests));
        Assert.Equal(["workload:c1/shop/front@a>workload:c1/shop/old@a|http/1.1"], diff.Edges.Removed);
        var applied = diff.ApplyTo(before);
        Assert.Equal(after.Nodes, applied.Nodes);
        Assert.Equal(after.Edges.OrderBy(e => e.Id, StringComparer.Ordinal), applied.Edges);
        Assert.Equal(after.To, applied.To);
    }

    [Fact]
    public void An_unchanged_graph_gives_an_empty_diff()
    {
        var graph = new ServiceGraph(T0, T0.AddMinutes(1), GraphGrouping.App, [Node("cart", 1)], []);
        Assert.True(GraphDiff.Between(graph, graph with { To = T0.AddMinutes(2) }, 1).IsEmpty);
    }
}
