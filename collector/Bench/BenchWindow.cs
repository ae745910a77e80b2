using System.Diagnostics;
using System.Globalization;
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
    /// <summary>Waits until no merge has run in <paramref name="database"/> for 3 s in a row (at most 10 min).</summary>
    public static async Task WaitForMergesAsync(IClickHouseTransport engine, string database, CancellationToken cancellationToken)
    {
        var quiet = 0;
        var clock = Stopwatch.StartNew();
        while (quiet < 3 && clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            var merges = await engine.QueryRowAsync("SELECT count() FROM system.merges WHERE database = {db:String}",
                new QueryParameters().Add("db", database), cancellationToken).ConfigureAwait(false);
            quiet = merges[0] == "0" ? quiet + 1 : 0;
            await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Active parts of one table.</summary>
    public static async Task<string> PartsAsync(IClickHouseTransport engine, string database, string table, CancellationToken cancellationToken)
    {
        return (await engine.QueryRowAsync("SELECT count() FROM system.parts WHERE database = {db:String} AND table = {table:String} AND active",
            new QueryParameters().Add("db", database).Add("table", table), cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>The 1 min load average; other work on the machine slows the figures, so the output says how busy it was.</summary>
    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture, out var load) ? load : double.NaN;

    /// <summary>Nearest rank of a sorted list.</summary>
    public static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>Cores, memory and CPU model from /proc, as the README's figures name the machine.</summary>
    public static string Machine()
    {
        static string? Field(string file, string key) => File.Exists(file)
            ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = Field("/proc/meminfo", "MemTotal") is { } kb && long.TryParse(kb.Split(' ')[0], CultureInfo.InvariantCulture, out var k)
            ? $"{k / 1048576.0:0.0} GiB" : "memory unknown";
        return $"{Environment.ProcessorCount} cores ({Markup.Escape(Field("/proc/cpuinfo", "model name") ?? "unknown CPU")}), {memory}, " +
               $"{Markup.Escape(System.Runtime.InteropServices.RuntimeInformation.OSDescription)}, .NET {Environment.Version}";
    }
}
