using System.Diagnostics;
using System.Globalization;
using Observe.Autoscaler.Slo;
using Observe.Autoscaler.Slo.Evaluation;
using Observe.Store;
using Observe.Store.Slo;
using Spectre.Console;

namespace Observe.Collector.Bench;

/// <summary>
/// <c>observe bench slo</c>: one evaluation pass of many SLOs over a month of SLI rollups, in this
/// process on an embedded engine in a fresh directory. Times the cold pass (a new evaluator fills
/// its slice ledgers), then warm passes 10 s apart as the evaluation loop runs them, and beside
/// them two references on the same data: one scan of the period's minutes, and naive per-SLO queries.
/// </summary>
internal static class SloBench
{
    private const string Database = "bench";

    /// <summary>The evaluation loop runs every 10 s; a pass must fit in a tenth of that.</summary>
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>SLOs the naive reference evaluates; its time is scaled to the whole set.</summary>
    private const int NaiveSample = 10;

    public sealed record Settings(int Workloads, int Slos, int Days, int Runs);

    /// <param name="EngineMs">Time inside the store's QueryAsync (SQL, formatting, copying the answer); the rest is .NET.</param>
    private sealed record Pass(double Ms, double EngineMs, long Queries);

    public static async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine($"[bold]bench slo[/]: {settings.Slos:N0} SLOs over {settings.Days} days of SLI rollups for {settings.Workloads:N0} workloads; " +
                               $"{settings.Runs} warm passes 10 s apart after one warm-up");
        AnsiConsole.MarkupLine($"machine: {BenchWindow.Machine()}");

        await using var bench = await BenchStore.OpenAsync("slo", Database, cancellationToken).ConfigureAwait(false);
        var store = bench.Engine;
        AnsiConsole.MarkupLine($"engine: {Markup.Escape(store.Description)}");

        // The data ends at the last whole minute; the passes' instants lie just before it.
        var end = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60);
        var start = end.AddDays(-settings.Days);
        var load = await LoadAsync(store, settings, start, end, cancellationToken).ConfigureAwait(false);
        var slos = SyntheticSlos.Generate(settings.Slos, settings.Workloads);
        DateTimeOffset At(int pass) => end - Step * (settings.Runs + 2 - pass) - TimeSpan.FromMilliseconds(630);

        var engine = new TimedTransport(store);
        // No read budget: the cold pass measures filling every ledger at once, as after a restart without one.
        var evaluator = new SloEvaluator(engine, Database, coldReadBudget: TimeSpan.MaxValue);
        IReadOnlyList<SloEvaluation> results = [];
        Pass? cold = null;
        var warm = new List<Pass>();
        var loadBefore = BenchWindow.LoadAverage();
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).StartAsync(async context =>
        {
            async Task<Pass> Timed(DateTimeOffset now)
            {
                engine.Reset();
                var clock = Stopwatch.StartNew();
                results = await evaluator.EvaluateAsync(slos, now, cancellationToken).ConfigureAwait(false);
                return new Pass(clock.Elapsed.TotalMilliseconds, engine.Milliseconds, engine.Queries);
            }
            var task = context.AddTask("evaluation passes (cold, warm-up, runs)", maxValue: settings.Runs + 2);
            cold = await Timed(At(0)).ConfigureAwait(false);
            task.Increment(1);
            await Timed(At(1)).ConfigureAwait(false);
            task.Increment(1);
            for (var i = 2; i < settings.Runs + 2; i++)
            {
                warm.Add(await Timed(At(i)).ConfigureAwait(false));
                task.Increment(1);
            }
        }).ConfigureAwait(false);
        var last = At(settings.Runs + 1);
        var scan = await ScanAsync(store, last.AddDays(-settings.Days), last, Math.Min(settings.Runs, 5), cancellationToken).ConfigureAwait(false);
        var naive = await NaiveAsync(store, slos, last, cancellationToken).ConfigureAwait(false);
        var loadAfter = BenchWindow.LoadAverage();

        var loaded = new Table().AddColumns("load", "rows", "requests", "seconds");
        foreach (var (what, rows, requests, seconds) in load)
        {
            loaded.AddRow(what, rows, requests, seconds);
        }
        AnsiConsole.Write(loaded);
        WriteChecks(slos, results, settings.Workloads);

        var ms = warm.Select(p => p.Ms).Order().ToList();
        var inEngine = warm.Select(p => p.EngineMs).Order().ToList();
        var inDotnet = warm.Select(p => p.Ms - p.EngineMs).Order().ToList();
        var median = BenchWindow.Percentile(ms, 0.5);
        var table = new Table { Title = new TableTitle($"{settings.Slos:N0} SLOs, {settings.Workloads:N0} workloads, {settings.Days} days") }
            .AddColumns("pass", "median ms", "p90", "max", "engine", ".NET", "queries", "/ scan", "/ naive");
        string Ratio(double ms, double reference) => $"{ms / reference:N2}×";
        table.AddRow("cold", $"{cold!.Ms:N0}", "", "", $"{cold.EngineMs:N0}", $"{cold.Ms - cold.EngineMs:N0}", $"{cold.Queries}",
            Ratio(cold.Ms, scan), Ratio(cold.Ms, naive));
        table.AddRow("warm", $"{median:N0}", $"{BenchWindow.Percentile(ms, 0.9):N0}", $"{ms[^1]:N0}",
            $"{BenchWindow.Percentile(inEngine, 0.5):N0}", $"{BenchWindow.Percentile(inDotnet, 0.5):N0}", $"{warm[0].Queries}",
            Ratio(median, scan), Ratio(median, naive));
        table.AddRow("scan", $"{scan:N0}", "", "", "", "", "1", "", "");
        table.AddRow("naive", $"{naive:N0}", "", "", "", "", $"{settings.Slos}", "", "");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[bold]cold[/]: the first pass of a new evaluator (it fills the slice ledgers); [bold]warm[/]: median, p90 and max of {warm.Count} passes 10 s apart; " +
                               "[bold]engine[/]: ms inside the store's QueryAsync (SQL, output format, copy); [bold].NET[/]: the rest of the pass " +
                               "(parsing the answers, counting series per SLO, ledgers, budgets and alert states). [bold]scan[/]: " +
                               $"sum(Requests) and the histogram merge over every row of mesh_sli_1m in the last {settings.Days} days, median of {Math.Min(settings.Runs, 5)}; " +
                               $"[bold]naive[/]: for {NaiveSample} availability SLOs, one query each over mesh_sli_1m counting total and 5xx in the period " +
                               "and the six alert windows, the time scaled to the whole set (occurrences only; no slices, no latency). " +
                               "[bold]/ scan[/], [bold]/ naive[/]: the pass's time over the reference's.");
        AnsiConsole.MarkupLine(median <= Target.TotalMilliseconds
            ? $"[green]target met[/]: the warm pass's median {median:N0} ms is within {Target.TotalMilliseconds:N0} ms (p90 {BenchWindow.Percentile(ms, 0.9):N0} ms, max {ms[^1]:N0} ms)"
            : $"[red]target not met[/]: the warm pass's median {median:N0} ms is over {Target.TotalMilliseconds:N0} ms");
        AnsiConsole.MarkupLine($"load average (1 min) when measuring began / ended: {loadBefore:0.00} / {loadAfter:0.00}" +
            (Math.Max(loadBefore, loadAfter) > Environment.ProcessorCount
                ? " [yellow]above the core count: other processes shared the CPU, the figures are slower than the machine is[/]" : ""));
        return median <= Target.TotalMilliseconds ? 0 : 1;
    }

    /// <summary>The minutes a day at a time, then the hours from them, then a pause until background merges are done.</summary>
    private static async Task<List<(string What, string Rows, string Requests, string Seconds)>> LoadAsync(
        IClickHouseTransport engine, Settings settings, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var rows = new List<(string, string, string, string)>();
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn()).StartAsync(async context =>
        {
            var minutes = context.AddTask("mesh_sli_1m, a day at a time", maxValue: settings.Days);
            var hours = context.AddTask("mesh_sli_1h, from the minutes", maxValue: settings.Days);
            var merges = context.AddTask("background merges", maxValue: 1);
            var clock = Stopwatch.StartNew();
            for (var d = 0; d < settings.Days; d++)
            {
                await SyntheticSli.InsertMinutesAsync(engine, Database, start, settings.Days, d, settings.Workloads, cancellationToken).ConfigureAwait(false);
                minutes.Increment(1);
            }
            var minuteSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            for (var d = 0; d < settings.Days; d++)
            {
                await SyntheticSli.InsertHoursAsync(engine, Database, start.AddDays(d), d == settings.Days - 1 ? end : start.AddDays(d + 1), cancellationToken).ConfigureAwait(false);
                hours.Increment(1);
            }
            var hourSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            await BenchWindow.WaitForMergesAsync(engine, Database, cancellationToken).ConfigureAwait(false);
            merges.Increment(1);
            var mergeSeconds = clock.Elapsed.TotalSeconds;

            string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
            foreach (var ((table, _), seconds) in SloSchema.SliRollups.Zip([minuteSeconds, hourSeconds]))
            {
                var (n, requests) = await SyntheticSli.CountAsync(engine, Database, table, cancellationToken).ConfigureAwait(false);
                var parts = await BenchWindow.PartsAsync(engine, Database, table, cancellationToken).ConfigureAwait(false);
                rows.Add(($"{table}, generated in the engine ({parts} parts after merges)", Count(n), Count(requests), $"{seconds:N1}"));
            }
            rows.Add(("waiting for background merges", "", "", $"{mergeSeconds:N1}"));
        }).ConfigureAwait(false);
        return rows;
    }

    /// <summary>What the last pass found, so that a fast pass is seen to have counted something.</summary>
    private static void WriteChecks(IReadOnlyList<SloDefinition> slos, IReadOnlyList<SloEvaluation> results, int workloads)
    {
        var checks = new Table().AddColumns("check", "value");
        var kinds = slos.GroupBy(s => SyntheticSlos.KindOf(int.Parse(s.Name[4..], CultureInfo.InvariantCulture)))
            .Select(g => $"{g.Key} {g.Count()}");
        checks.AddRow("SLOs by kind", string.Join(", ", kinds));
        checks.AddRow("SLOs by window", string.Join(", ", slos.GroupBy(s => s.Window.IsRolling ? $"rolling {s.Window.Duration.TotalDays:0} d" : "calendar month")
            .Select(g => $"{g.Key} {g.Count()}")));
        checks.AddRow("evaluations in the last pass (one per objective)", $"{results.Count:N0}");
        checks.AddRow("of which with an SLI (traffic in the period)", $"{results.Count(r => r.Sli is not null):N0}");
        checks.AddRow("alert states", string.Join(", ", results.GroupBy(r => r.Alert.State).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
        checks.AddRow("SLI, median over the SLOs", results.Where(r => r.Sli is not null).Select(r => r.Sli!.Value).Order().ToList() is { Count: > 0 } sli
            ? $"{BenchWindow.Percentile(sli, 0.5):0.#####}" : "none");
        checks.AddRow($"workloads failing in the last {SyntheticSli.IncidentMinutes} min", $"{(workloads + 42) / 50}");
        AnsiConsole.Write(checks);
    }

    /// <summary>Median ms of one scan of the period's minutes: every row read, requests summed and histograms merged.</summary>
    private static async Task<double> ScanAsync(IClickHouseTransport engine, DateTimeOffset from, DateTimeOffset to, int runs, CancellationToken cancellationToken)
    {
        var minutes = SloSchema.SliRollups.Single(r => r.WindowSeconds == 60).Table;
        var sql = $"SELECT count(), sum(Requests), sumForEachMerge(LatencyBuckets) FROM `{Database}`.{minutes} " +
                  "WHERE Window >= toDateTime({from:UInt32}) AND Window < toDateTime({to:UInt32})";
        var parameters = new QueryParameters().Add("from", from.ToUnixTimeSeconds()).Add("to", to.ToUnixTimeSeconds());
        var times = new List<double>();
        for (var i = 0; i <= runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await engine.QueryRowAsync(sql, parameters, cancellationToken).ConfigureAwait(false);
            if (i > 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        times.Sort();
        return BenchWindow.Percentile(times, 0.5);
    }

    /// <summary>
    /// What evaluating without the evaluator's shared read would cost: for <see cref="NaiveSample"/>
    /// availability SLOs by service, one query each over the minute rollup with the period and every
    /// alert window as conditional sums; the time scaled to the whole set.
    /// </summary>
    private static async Task<double> NaiveAsync(IClickHouseTransport engine, IReadOnlyList<SloDefinition> slos, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var minutes = SloSchema.SliRollups.Single(r => r.WindowSeconds == 60).Table;
        var sample = slos.Where(s => s.Indicator is RatioIndicator { CountsBad: true } r && r.Total.Selector.Service is not null && s.Window.IsRolling
                                     && s.Budgeting == BudgetingMethod.Occurrences)
            .Take(NaiveSample).ToList();
        var clock = new Stopwatch();
        for (var pass = 0; pass < 2; pass++)
        {
            // The first pass warms the engine's caches as the evaluator's warm-up did.
            clock.Restart();
            foreach (var slo in sample)
            {
                var windows = new[] { slo.Window.Duration }.Concat(slo.Alerts.SelectMany(a => new[] { a.LongWindow, a.ShortWindow })).Distinct().ToList();
                var parameters = new QueryParameters().Add("service", ((RatioIndicator)slo.Indicator).Total.Selector.Service!)
                    .Add("to", now.ToUnixTimeSeconds()).Add("from", (now - slo.Window.Duration).ToUnixTimeSeconds());
                var sums = windows.Select((w, i) =>
                {
                    parameters.Add($"w{i}", (now - w).ToUnixTimeSeconds());
                    return $"sumIf(Requests, Window >= toDateTime({{w{i}:UInt32}})), sumIf(Requests, Window >= toDateTime({{w{i}:UInt32}}) AND ResponseCode >= 500)";
                });
                await engine.QueryRowAsync(
                    $"SELECT {string.Join(", ", sums)} FROM `{Database}`.{minutes} " +
                    "WHERE DestinationService = {service:String} AND Window >= toDateTime({from:UInt32}) AND Window < toDateTime({to:UInt32})",
                    parameters, cancellationToken).ConfigureAwait(false);
            }
        }
        return clock.Elapsed.TotalMilliseconds * slos.Count / Math.Max(1, sample.Count);
    }
}
