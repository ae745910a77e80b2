using System.Diagnostics;
using Observe.Store;
using Observe.Store.Schema;
using Spectre.Console;

namespace Observe.Collector.Bench;

/// <summary>What a load against a server process achieved: rows the store gained per second, and what it cost.</summary>
internal sealed record Measurement(double RowsPerSecond, long Ok, long Refused, long Failed, double ServerCores, double ClientCores, long PeakRssBytes);

/// <summary>The parts every benchmark shares: the measured window and the raw engine reference.</summary>
internal static class BenchWindow
{
    /// <summary>
    /// While load runs, waits a warm-up of a fifth of <paramref name="seconds"/> (1–5 s), then
    /// measures for <paramref name="seconds"/> the rows <paramref name="table"/> gains and the CPU both processes use.
    /// </summary>
    public static async Task<Measurement> MeasureAsync(ServerProcess server, string table, string label, int seconds, CancellationToken cancellationToken)
    {
        var warmup = TimeSpan.FromSeconds(Math.Clamp(seconds / 5.0, 1, 5));
        Measurement? result = null;
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new RemainingTimeColumn()).StartAsync(async context =>
        {
            var task = context.AddTask(label, maxValue: seconds + warmup.TotalSeconds);
            var clock = Stopwatch.StartNew();
            await Task.Delay(warmup, cancellationToken).ConfigureAwait(false);
            var rows0 = await server.RowsAsync(table, cancellationToken).ConfigureAwait(false);
            var cpu0 = server.CpuTime();
            var self0 = Process.GetCurrentProcess().TotalProcessorTime;
            var t0 = clock.Elapsed;
            while (clock.Elapsed - t0 < TimeSpan.FromSeconds(seconds))
            {
                task.Value = clock.Elapsed.TotalSeconds;
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
            var rows1 = await server.RowsAsync(table, cancellationToken).ConfigureAwait(false);
            var elapsed = (clock.Elapsed - t0).TotalSeconds;
            var cpu = (server.CpuTime() - cpu0).TotalSeconds;
            var self = (Process.GetCurrentProcess().TotalProcessorTime - self0).TotalSeconds;
            task.Value = task.MaxValue;
            result = new Measurement((rows1 - rows0) / elapsed, 0, 0, 0, cpu / elapsed, self / elapsed, server.PeakRssBytes());
        }).ConfigureAwait(false);
        return result!;
    }

    /// <summary>The raw engine: inserts a RowBinary file of <paramref name="table"/>'s insert columns in one statement; returns the seconds it took.</summary>
    public static async Task<double> InsertFileAsync(IClickHouseTransport engine, string database, TableSpec table, string file, CancellationToken cancellationToken)
    {
        // The file's columns are the insert's columns, with the table's types.
        var structure = System.Text.Encoding.UTF8.GetString(await engine.QueryAsync(
            "SELECT arrayStringConcat(groupArray(concat('`', name, '` ', type)), ', ') FROM (SELECT name, type FROM system.columns " +
            "WHERE database = {db:String} AND table = {table:String} AND default_kind = '' ORDER BY position)",
            "TabSeparatedRaw", new QueryParameters().Add("db", database).Add("table", table.Name), cancellationToken).ConfigureAwait(false)).Trim();
        var clock = Stopwatch.StartNew();
        await engine.ExecuteAsync(
            $"INSERT INTO `{database}`.{table.Name} ({table.Columns}) SELECT * FROM file({{file:String}}, 'RowBinary', {{structure:String}})",
            new QueryParameters().Add("file", file).Add("structure", structure), cancellationToken).ConfigureAwait(false);
        return clock.Elapsed.TotalSeconds;
    }
}
