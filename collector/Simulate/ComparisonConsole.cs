using System.Globalization;
using Observe.Autoscaler.Simulation.Report;
using Spectre.Console;

namespace Observe.Collector.Simulate;

/// <summary>The comparison on the terminal: what was replayed against what, then the table.</summary>
internal static class ComparisonConsole
{
    public static void Write(IAnsiConsole console, IReadOnlyList<Comparison> comparisons, bool withCase)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(comparisons);
        if (comparisons.Count == 0)
        {
            return;
        }
        var first = comparisons[0];
        var model = first.Model;
        foreach (var c in comparisons)
        {
            console.MarkupLine($"[bold]{Markup.Escape(c.Trace.Name)}[/]: {Time(c.Trace.Start)} to {Time(c.Trace.End)}, {c.Trace.Steps:N0} steps of {c.Trace.StepSeconds:0.#} s, " +
                               $"peak {c.Trace.PeakRate:#,0.#} requests/s{Changes(c.Model)}");
        }
        console.MarkupLine($"workload: μ {model.ServiceRate:0.##} requests/s per pod, start-up {Seconds(model.StartupDelaySeconds)} + warm-up {Seconds(model.WarmupSeconds)} " +
                           $"(from {model.WarmupStartFactor:P0}), queue limit {model.QueueLimit}; objective {model.TargetPercent:0.###} % within {model.LatencyThresholdSeconds * 1000:0.#} ms; " +
                           $"policy [bold]{Markup.Escape(first.ScalingPolicy)}[/], {first.MinReplicas} to {first.MaxReplicas} replicas; seed {first.Seed}");
        var headers = ComparisonTable.Headers(withCase);
        var table = new Table().Border(TableBorder.Rounded);
        for (var i = 0; i < headers.Count; i++)
        {
            table.AddColumn(new TableColumn(Markup.Escape(headers[i])) { Alignment = ComparisonTable.IsNumeric(i, withCase) ? Justify.Right : Justify.Left });
        }
        foreach (var comparison in comparisons)
        {
            foreach (var row in comparison.Rows)
            {
                table.AddRow([.. ComparisonTable.Cells(row, withCase ? comparison.Trace.Name : null).Select(Markup.Escape)]);
            }
        }
        console.Write(table);
        console.MarkupLine(Markup.Escape($"good: completed within the objective and not rejected; violation min: minutes below {model.TargetPercent:0.###} % good; " +
                                         "budget used: bad requests over the budget the target allows; replica-h: pods × hours they existed; vs oracle: replica-hours over the oracle's"));
    }

    private static string Changes(ModelSummary model) => model.CapacityChanges.Count == 0 ? ""
        : "; " + string.Join(", ", model.CapacityChanges.Select(c => $"capacity × {c.Factor.ToString("0.##", CultureInfo.InvariantCulture)} from {Seconds(c.AtSeconds)}"));

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Seconds(double seconds) => TimeSpan.FromSeconds(seconds) switch
    {
        var s when s.TotalHours >= 1 && s.TotalMinutes % 60 == 0 => $"{s.TotalHours:0.#} h",
        var s when s.TotalMinutes >= 1 && s.TotalSeconds % 60 == 0 => $"{s.TotalMinutes:0} min",
        var s => $"{s.TotalSeconds:0.#} s",
    };
}
