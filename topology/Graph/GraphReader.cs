using Observe.Store;
using Observe.Store.Mesh;

namespace Observe.Topology.Graph;

/// <summary>Reads service graphs of a window, and replays of a range, from the rollups.</summary>
public interface IGraphReader
{
    /// <summary>The graph of the rollup windows starting in [from rounded down to 10 s, to); rates are per second of that span.</summary>
    Task<ServiceGraph> GraphAsync(DateTimeOffset from, DateTimeOffset to, GraphFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Every frame of a range from one query.</summary>
    Task<GraphReplay> ReplayAsync(ReplayRange range, GraphFilter filter, CancellationToken cancellationToken = default);
}

/// <summary>Limits of what one request may read.</summary>
public sealed class GraphLimits
{
    /// <summary>Frames one replay may hold (a day at 10 s steps is 8 640).</summary>
    public int MaxReplayFrames { get; set; } = 10_000;

    public void Validate()
    {
        if (MaxReplayFrames < 1)
        {
            throw new ArgumentException($"Topology:Limits:MaxReplayFrames must be at least 1, got {MaxReplayFrames}.");
        }
    }
}

/// <inheritdoc cref="IGraphReader"/>
public sealed class GraphReader(IClickHouseTransport store, string database, HealthOptions healthOptions, GraphLimits limits) : IGraphReader
{
    /// <summary>The finest resolution of the rollups: every time and duration is in whole steps of it.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromSeconds(10);

    private readonly Health _health = new(healthOptions);

    public async Task<ServiceGraph> GraphAsync(DateTimeOffset from, DateTimeOffset to, GraphFilter filter, CancellationToken cancellationToken = default)
    {
        if (from >= to)
        {
            throw new ArgumentException($"from ({from:O}) must be before to ({to:O}).");
        }
        var start = Floor(from, Resolution);
        var end = Ceiling(to);
        var table = (end - start.ToUnixTimeSeconds()) % 60 == 0 && start.ToUnixTimeSeconds() % 60 == 0 ? 60 : 10;
        var sql = GraphSql.Build(Table(table), filter, null, "Window >= toDateTime({from_s:Int64}) AND Window < toDateTime({to_s:Int64})");
        var parameters = Filters(filter).Add("from_s", start.ToUnixTimeSeconds()).Add("to_s", end);
        var frame = new Frame((to - start).TotalSeconds);
        foreach (var row in await store.QueryRowsAsync(sql, parameters, cancellationToken).ConfigureAwait(false))
        {
            frame.Add(row, 0);
        }
        var (nodes, edges) = frame.Build(_health);
        return new ServiceGraph(start, to, filter.GroupBy, nodes, edges);
    }

    public async Task<GraphReplay> ReplayAsync(ReplayRange range, GraphFilter filter, CancellationToken cancellationToken = default)
    {
        var (step, window) = (range.Step, range.Window);
        if (step < Resolution || step.Ticks % Resolution.Ticks != 0)
        {
            throw new ArgumentException($"step must be a whole number of {Resolution.TotalSeconds:0} s, at least {Resolution.TotalSeconds:0} s, got {step}.");
        }
        if (window < Resolution || window.Ticks % Resolution.Ticks != 0)
        {
            throw new ArgumentException($"window must be a whole number of {Resolution.TotalSeconds:0} s, at least {Resolution.TotalSeconds:0} s, got {window}.");
        }
        var start = Floor(range.From, Resolution);
        var frames = (long)((range.To - start) / step);
        if (frames < 1)
        {
            throw new ArgumentException($"the range {range.From:O} – {range.To:O} holds no frame of step {step}.");
        }
        if (frames > limits.MaxReplayFrames)
        {
            throw new ArgumentException($"the range holds {frames} frames of {step}; at most {limits.MaxReplayFrames} are allowed (Topology:Limits:MaxReplayFrames): use a longer step or a shorter range.");
        }
        var stepS = (long)step.TotalSeconds;
        var windowS = (long)window.TotalSeconds;
        var fromS = start.ToUnixTimeSeconds();
        var table = stepS % 60 == 0 && windowS % 60 == 0 && fromS % 60 == 0 ? 60 : 10;
        // Rollup window W counts in frames i (1..n) with Time_i − window ≤ W < Time_i.
        const string Offset = "(toUnixTimestamp(Window) - {from_s:Int64})";
        const string FrameOf = $"arrayJoin(range(greatest(toInt64(floor({Offset} / {{step_s:Int64}})) + 1, 1), " +
            $"least(toInt64(floor(({Offset} + {{window_s:Int64}}) / {{step_s:Int64}})), {{frames:Int64}}) + 1))";
        var sql = GraphSql.Build(Table(table), filter, FrameOf,
            "Window >= toDateTime({lo_s:Int64}) AND Window < toDateTime({hi_s:Int64})");
        var parameters = Filters(filter)
            .Add("from_s", fromS).Add("step_s", stepS).Add("window_s", windowS).Add("frames", frames)
            .Add("lo_s", fromS + stepS - windowS).Add("hi_s", fromS + frames * stepS);
        var rows = await store.QueryRowsAsync(sql, parameters, cancellationToken).ConfigureAwait(false);
        var perFrame = new Frame[frames];
        for (var i = 0; i < frames; i++)
        {
            perFrame[i] = new Frame(window.TotalSeconds);
        }
        foreach (var row in rows)
        {
            perFrame[TabSeparated.Long(row[0]) - 1].Add(row, 1);
        }
        return Columns(range, start, filter, perFrame);
    }

    private GraphReplay Columns(ReplayRange range, DateTimeOffset start, GraphFilter filter, Frame[] frames)
    {
        var built = frames.Select(f => f.Build(_health)).ToArray();
        var nodes = built.SelectMany(b => b.Nodes).DistinctBy(n => n.Id).OrderBy(n => n.Id, StringComparer.Ordinal)
            .Select(n => new ReplayNode(n.Id, n.Kind, n.Name, n.Namespace, n.Service, n.Version, n.Cluster, n.Zone)).ToList();
        var nodeIndex = nodes.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var edges = built.SelectMany(b => b.Edges).DistinctBy(e => e.Id).OrderBy(e => e.Id, StringComparer.Ordinal)
            .Select(e => new ReplayEdge(e.Id, nodeIndex[e.Source], nodeIndex[e.Target], e.Protocol, e.CrossZone)).ToList();
        var edgeIndex = edges.Select((e, i) => (e.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var columns = built.Select((b, i) => new ReplayFrame(
            start + (i + 1) * range.Step,
            ToColumns(b.Nodes.Where(n => n.Health != HealthState.Idle || n.Outbound.Requests > 0).ToList(), n => nodeIndex[n.Id], n => n.Inbound, n => n.Health, n => n.Outbound.RequestsPerSecond),
            ToColumns(b.Edges, e => edgeIndex[e.Id], e => e.Traffic, e => e.Health, null))).ToList();
        return new GraphReplay(start, start + frames.Length * range.Step, range.Step, range.Window, filter.GroupBy, nodes, edges, columns);
    }

    private static TrafficColumns ToColumns<T>(IReadOnlyList<T> items, Func<T, int> index, Func<T, Traffic> traffic, Func<T, HealthState> health, Func<T, double>? outbound)
    {
        var t = items.Select(traffic).ToArray();
        return new TrafficColumns(
            [.. items.Select(index)],
            [.. t.Select(x => x.Requests)],
            [.. t.Select(x => x.RequestsPerSecond)],
            [.. t.Select(x => x.ErrorRatio)],
            [.. t.Select(x => x.ServerErrorRatio)],
            [.. t.Select(x => x.ClientErrorRatio)],
            [.. t.Select(x => x.GrpcErrorRatio)],
            [.. t.Select(x => x.P50)],
            [.. t.Select(x => x.P95)],
            [.. t.Select(x => x.P99)],
            [.. t.Select(x => x.BytesPerSecond)],
            [.. t.Select(x => x.MtlsShare)],
            [.. items.Select(health)],
            outbound is null ? null : [.. items.Select(outbound)]);
    }

    private string Table(int windowSeconds) =>
        $"`{database}`.{MeshSchema.EdgeRollups.Single(r => r.WindowSeconds == windowSeconds).Table}";

    private static QueryParameters Filters(GraphFilter filter)
    {
        var parameters = new QueryParameters();
        if (filter.Namespaces is { Count: > 0 } namespaces)
        {
            parameters.Add("namespaces", namespaces);
        }
        if (filter.Services is { Count: > 0 } services)
        {
            parameters.Add("services", services);
        }
        return parameters;
    }

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan unit) =>
        DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds() - ((time.ToUnixTimeSeconds() % (long)unit.TotalSeconds) + (long)unit.TotalSeconds) % (long)unit.TotalSeconds);

    private static long Ceiling(DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        return time.ToUnixTimeMilliseconds() % 1000 == 0 ? seconds : seconds + 1;
    }
}
