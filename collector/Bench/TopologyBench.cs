using System.Diagnostics;
using System.Globalization;
using Observe.Collector.Live;
using Observe.Store;
using Observe.Store.Mesh;
using Observe.Store.Schema;
using Observe.Topology.Graph;
using Spectre.Console;

namespace Observe.Collector.Bench;

/// <summary>
/// <c>observe bench topology</c>: the service-graph reader on a day of synthetic mesh traffic, in
/// this process on an embedded engine in a fresh directory. Times one graph, a replay, a live
/// tick, and beside them the same graph computed from raw spans, the reference the rollups are for.
/// </summary>
internal static class TopologyBench
{
    private const string Database = "bench";

    public sealed record Settings(int Workloads, int Zones, int Hours, double RequestsPerWindow, int Runs);

    /// <param name="EngineMs">Median time inside the store's QueryAsync (SQL, formatting, copying the answer); the rest is parsing and building in .NET.</param>
    private sealed record Timing(string Operation, string Store, double MedianMs, double P90Ms, double EngineMs, double? TargetMs);

    public static async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var mesh = SyntheticMesh.Generate(settings.Workloads, settings.Zones);
        AnsiConsole.MarkupLine($"[bold]bench topology[/]: {settings.Workloads} workloads in {settings.Zones} zones, {mesh.Edges.Count} edges " +
                               $"({mesh.CrossZoneEdges} cross-zone), {settings.Hours} h at {settings.RequestsPerWindow:0.##} requests per edge per 10 s; " +
                               $"{settings.Runs} runs after one warm-up");
        AnsiConsole.MarkupLine($"machine: {BenchWindow.Machine()}");

        await using var bench = await BenchStore.OpenAsync("topology", Database, cancellationToken).ConfigureAwait(false);
        var store = bench.Engine;
        AnsiConsole.MarkupLine($"engine: {Markup.Escape(store.Description)}");

        // Whole minutes, so that the hour graph reads the 1 min rollup as a dashboard's would;
        // the data ends here, and every measured window is inside it.
        var end = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60);
        var hour = (From: end.AddHours(-1), To: end);
        var load = await LoadAsync(store, mesh, settings, end, cancellationToken).ConfigureAwait(false);

        var engine = new TimedTransport(store);
        var reader = new GraphReader(engine, Database, new HealthOptions(), new GraphLimits());
        var filter = new GraphFilter(GraphGrouping.Workload);
        var checks = new List<(string, string)>();
        var timings = new List<Timing>();
        var loadBefore = BenchWindow.LoadAverage();
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).StartAsync(async context =>
        {
            async Task Measure(string operation, string state, double? target, Func<int, Task> run)
            {
                var task = context.AddTask($"{operation}, {state}", maxValue: settings.Runs + 1);
                await run(0).ConfigureAwait(false);
                task.Increment(1);
                var (times, inEngine) = (new List<double>(), new List<double>());
                for (var i = 1; i <= settings.Runs; i++)
                {
                    engine.Reset();
                    var clock = Stopwatch.StartNew();
                    await run(i).ConfigureAwait(false);
                    times.Add(clock.Elapsed.TotalMilliseconds);
                    inEngine.Add(engine.Milliseconds);
                    task.Increment(1);
                }
                times.Sort();
                inEngine.Sort();
                timings.Add(new Timing(operation, state, BenchWindow.Percentile(times, 0.5), BenchWindow.Percentile(times, 0.9), BenchWindow.Percentile(inEngine, 0.5), target));
            }

            // The reader's three uses, on the rollups as the load and background merges left them,
            // then again once each day partition is one part: the rollups are ordered by edge
            // before time, so how parts split time decides how much a short range must read.
            async Task ReaderAsync(string state, bool check)
            {
                ServiceGraph? graph = null;
                await Measure("graph, 1 h", state, 100, async _ =>
                    graph = await reader.GraphAsync(hour.From, hour.To, filter, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

                GraphReplay? replay = null;
                var range = new ReplayRange(hour.From, hour.To, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
                await Measure("replay, 1 h × 10 s", state, 500, async _ =>
                    replay = await reader.ReplayAsync(range, filter, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

                // A live view, as LiveTopology runs it: every Interval, the graph of the trailing
                // Window to an unaligned now (so the 10 s rollup), and its GraphDiff with the last.
                // The ticks end a little before the data does.
                var live = new LiveOptions();
                var firstTick = end - live.Interval * (settings.Runs + 1) - TimeSpan.FromMilliseconds(630);
                ServiceGraph? previous = null;
                var changes = 0L;
                await Measure("live tick + diff", state, 50, async i =>
                {
                    var now = firstTick + live.Interval * i;
                    var next = await reader.GraphAsync(now - live.Window, now, filter, cancellationToken).ConfigureAwait(false);
                    if (previous is not null)
                    {
                        var diff = GraphDiff.Between(previous, next, i);
                        changes += diff.Nodes.Upserted.Count + diff.Nodes.Removed.Count + diff.Edges.Upserted.Count + diff.Edges.Removed.Count;
                    }
                    previous = next;
                }).ConfigureAwait(false);
                if (check)
                {
                    checks.Add(("graph of 1 h: nodes, edges", $"{graph!.Nodes.Count:N0}, {graph.Edges.Count:N0} (the mesh has {mesh.Peers:N0}, {mesh.Edges.Count:N0})"));
                    checks.Add(("replay: frames, edges in the dictionary, edge entries over all frames",
                        $"{replay!.Frames.Count:N0}, {replay.Edges.Count:N0}, {replay.Frames.Sum(f => f.Edges.Index.Length):N0}"));
                    checks.Add(("live tick: edges; nodes and edges in each diff (upserted, removed)",
                        $"{previous!.Edges.Count:N0}; {changes / (double)settings.Runs:0.#}"));
                }
            }

            await ReaderAsync($"as loaded, {await RollupPartsAsync(store, cancellationToken).ConfigureAwait(false)}", check: true).ConfigureAwait(false);

            var naiveEdges = 0;
            await Measure("naive: span join, 1 h", "otel_traces", null, async _ =>
                naiveEdges = await SyntheticMesh.NaiveGraphAsync(engine, Database, hour.From, hour.To, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            checks.Add(("naive: edges (users → gateways have no client span)", $"{naiveEdges:N0}"));

            var merge = Stopwatch.StartNew();
            foreach (var (table, _) in MeshSchema.EdgeRollups)
            {
                await store.ExecuteAsync($"OPTIMIZE TABLE `{Database}`.{table} FINAL", cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            load.Add(("edge rollups merged to one part per day (OPTIMIZE … FINAL)", "", $"{merge.Elapsed.TotalSeconds:N1}"));
            await ReaderAsync($"merged, {await RollupPartsAsync(store, cancellationToken).ConfigureAwait(false)}", check: false).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var loaded = new Table().AddColumns("load", "rows", "seconds");
        foreach (var (what, rows, seconds) in load)
        {
            loaded.AddRow(what, rows, seconds);
        }
        AnsiConsole.Write(loaded);
        var checkTable = new Table().AddColumns("check", "value");
        foreach (var (what, value) in checks)
        {
            checkTable.AddRow(what, value);
        }
        AnsiConsole.Write(checkTable);

        var liveDefaults = new LiveOptions();
        AnsiConsole.MarkupLine("[bold]graph[/]: GraphAsync of the last hour on whole minutes (1 min rollup); [bold]replay[/]: ReplayAsync " +
                               $"of that hour, 10 s steps and windows (10 s rollup); [bold]live tick[/]: GraphAsync of the trailing {liveDefaults.Window.TotalSeconds:0} s " +
                               $"to an unaligned now (10 s rollup) every {liveDefaults.Interval.TotalSeconds:0.#} s, as the live hub does, then GraphDiff with the previous graph; " +
                               "[bold]naive[/]: client spans joined to " +
                               "server spans by trace and parent span id over the hour. [bold]in engine[/]: median ms inside the store's " +
                               "QueryAsync (SQL, output format, copy); the rest is parsing and building in .NET.");
        // One table per state of the rollups, each with the naive reference for the ratio.
        var naive = timings.Single(t => t.TargetMs is null);
        foreach (var state in timings.Where(t => t.TargetMs is not null).Select(t => t.Store).Distinct())
        {
            var table = new Table { Title = new TableTitle($"rollups {state}") }
                .AddColumns("operation", "median ms", "p90 ms", "in engine", "naive / this", "target", "met");
            foreach (var t in timings.Where(t => t.Store == state).Append(naive))
            {
                var met = t.TargetMs is { } target ? (t.MedianMs <= target ? "[green]yes[/]" : "[red]no[/]") : "";
                table.AddRow(t.Operation, $"{t.MedianMs:N1}", $"{t.P90Ms:N1}", $"{t.EngineMs:N1}", $"{naive.MedianMs / t.MedianMs:N1}×",
                    t.TargetMs is { } ms ? $"≤ {ms:N0}" : "", met);
            }
            AnsiConsole.Write(table);
        }
        var loadAfter = BenchWindow.LoadAverage();
        AnsiConsole.MarkupLine($"load average (1 min) when measuring began / ended: {loadBefore:0.00} / {loadAfter:0.00}" +
            (Math.Max(loadBefore, loadAfter) > Environment.ProcessorCount
                ? " [yellow]above the core count: other processes shared the CPU, the figures are slower than the machine is[/]" : ""));
        return 0;
    }

    /// <summary>
    /// The day of requests an hour at a time (the rollups' views run on each insert), then the last
    /// hour as raw spans, then a pause until background merges are done, as a day-old store would be.
    /// </summary>
    private static async Task<List<(string What, string Rows, string Seconds)>> LoadAsync(
        IClickHouseTransport engine, SyntheticMesh mesh, Settings settings, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var rows = new List<(string, string, string)>();
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn()).StartAsync(async context =>
        {
            var requests = context.AddTask("mesh_requests (and rollups)", maxValue: settings.Hours);
            var clock = Stopwatch.StartNew();
            await mesh.CreateEdgeTableAsync(engine, Database, cancellationToken).ConfigureAwait(false);
            var start = end.AddHours(-settings.Hours).ToUnixTimeSeconds();
            const int WindowsPerHour = 360;
            for (var h = 0; h < settings.Hours; h++)
            {
                await mesh.InsertRequestsAsync(engine, Database, start, (long)h * WindowsPerHour, WindowsPerHour, settings.RequestsPerWindow, cancellationToken).ConfigureAwait(false);
                requests.Increment(1);
            }
            var requestSeconds = clock.Elapsed.TotalSeconds;

            var spans = context.AddTask("otel_traces (last hour)", maxValue: 1);
            clock.Restart();
            await SyntheticMesh.InsertSpansAsync(engine, Database, end.AddHours(-1), end, cancellationToken).ConfigureAwait(false);
            spans.Increment(1);
            var spanSeconds = clock.Elapsed.TotalSeconds;

            var merges = context.AddTask("background merges", maxValue: 1);
            clock.Restart();
            await BenchWindow.WaitForMergesAsync(engine, Database, cancellationToken).ConfigureAwait(false);
            merges.Increment(1);
            var mergeSeconds = clock.Elapsed.TotalSeconds;

            string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
            rows.Add(("mesh_requests, generated in the engine (views fill the rollups)",
                Count(await SyntheticMesh.CountAsync(engine, Database, MeshSchema.Requests.Name, cancellationToken).ConfigureAwait(false)), $"{requestSeconds:N1}"));
            foreach (var (table, _) in MeshSchema.EdgeRollups)
            {
                rows.Add(($"  {table} (parts after merges: {await BenchWindow.PartsAsync(engine, Database, table, cancellationToken).ConfigureAwait(false)})",
                    Count(await SyntheticMesh.CountAsync(engine, Database, table, cancellationToken).ConfigureAwait(false)), ""));
            }
            rows.Add(("otel_traces: client + server spans of the last hour",
                Count(await SyntheticMesh.CountAsync(engine, Database, OtelSchema.Traces.Name, cancellationToken).ConfigureAwait(false)), $"{spanSeconds:N1}"));
            rows.Add(("waiting for background merges", "", $"{mergeSeconds:N1}"));
        }).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Active parts of the edge rollups, e.g. "10 + 10 parts".</summary>
    private static async Task<string> RollupPartsAsync(IClickHouseTransport engine, CancellationToken cancellationToken)
    {
        var parts = new List<string>();
        foreach (var (table, _) in MeshSchema.EdgeRollups)
        {
            parts.Add(await BenchWindow.PartsAsync(engine, Database, table, cancellationToken).ConfigureAwait(false));
        }
        return $"{string.Join(" + ", parts)} parts";
    }
}
