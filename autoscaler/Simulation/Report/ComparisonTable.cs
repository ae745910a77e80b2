using System.Globalization;
using System.Text;

namespace Observe.Autoscaler.Simulation.Report;

/// <summary>The comparison as table cells, the same for the terminal and for Markdown.</summary>
internal static class ComparisonTable
{
    private static readonly string[] Columns = ["policy", "good %", "violation min", "budget used", "replica-h", "vs oracle", "actions", "elapsed"];

    public static IReadOnlyList<string> Headers(bool withCase) => withCase ? ["case", .. Columns] : Columns;

    /// <summary>Every column but the names holds a number, right-aligned.</summary>
    public static bool IsNumeric(int column, bool withCase) => column >= (withCase ? 2 : 1);

    public static IReadOnlyList<string> Cells(ComparisonRow row, string? caseName)
    {
        ArgumentNullException.ThrowIfNull(row);
        string[] cells =
        [
            row.Policy,
            double.IsFinite(row.GoodSharePercent) ? Number(row.GoodSharePercent, "0.000") : "–",
            Number(row.ViolationMinutes, "#,0"),
            double.IsFinite(row.BudgetConsumed) ? $"{Number(row.BudgetConsumed * 100, "#,0.#")} %" : "–",
            Number(row.ReplicaHours, "#,0.0"),
            row.ReplicaHoursVsOracle is { } ratio ? $"{Number(ratio, "0.00")}×" : "–",
            Number(row.ScalingActions, "#,0"),
            $"{Number(row.ElapsedSeconds, "0.0")} s",
        ];
        return caseName is null ? cells : [caseName, .. cells];
    }

    /// <summary>A GitHub-flavoured Markdown table; with <paramref name="withCase"/> a first column names each row's trace.</summary>
    public static string Markdown(IReadOnlyList<Comparison> comparisons, bool withCase)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        var headers = Headers(withCase);
        var text = new StringBuilder();
        Line(text, headers);
        Line(text, [.. headers.Select((_, i) => IsNumeric(i, withCase) ? "---:" : "---")]);
        foreach (var comparison in comparisons)
        {
            foreach (var row in comparison.Rows)
            {
                Line(text, [.. Cells(row, withCase ? comparison.Trace.Name : null).Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))]);
            }
        }
        return text.ToString();
    }

    private static void Line(StringBuilder text, IReadOnlyList<string> cells) => text.Append("| ").AppendJoin(" | ", cells).Append(" |\n");

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
