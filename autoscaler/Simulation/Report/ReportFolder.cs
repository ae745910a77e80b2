using System.Text;

namespace Observe.Autoscaler.Simulation.Report;

/// <summary>
/// A report folder: <c>comparison.json</c>, <c>comparison.md</c> (the table, for a README),
/// <c>overview.svg</c> and one <c>&lt;policy&gt;.svg</c> per scaler; several cases each in a
/// subfolder under one combined table.
/// </summary>
internal static class ReportFolder
{
    public const string Json = "comparison.json", Markdown = "comparison.md", Overview = "overview.svg";

    public static void Write(string directory, Comparison comparison, IReadOnlyList<SimulationResult> results)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(directory);
        WriteText(directory, Json, ComparisonJson.Serialize(comparison));
        WriteText(directory, Markdown, ComparisonTable.Markdown([comparison], withCase: false));
        WriteText(directory, Overview, SvgPlot.Overview(comparison.Trace.Name, comparison.Trace.Start, results));
        foreach (var result in results)
        {
            WriteText(directory, $"{FileName(result.Policy)}.svg", SvgPlot.Policy(comparison.Trace.Name, comparison.Trace.Start, result));
        }
    }

    /// <summary>Each case in a subfolder named after its trace; the combined JSON and table (with a case column) at the top.</summary>
    public static void WriteCases(string directory, IReadOnlyList<(Comparison Comparison, IReadOnlyList<SimulationResult> Results)> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        Directory.CreateDirectory(directory);
        foreach (var (comparison, results) in cases)
        {
            Write(Path.Combine(directory, FileName(comparison.Trace.Name)), comparison, results);
        }
        var all = cases.Select(c => c.Comparison).ToList();
        WriteText(directory, Json, ComparisonJson.Serialize(new ComparisonSet(all)));
        WriteText(directory, Markdown, ComparisonTable.Markdown(all, withCase: true));
    }

    /// <summary>A name safe as a file name anywhere: lower-case letters, digits, '-', '_' and '.'; anything else becomes '-'.</summary>
    public static string FileName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var safe = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            safe.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' ? c : '-');
        }
        var text = safe.ToString().Trim('.');
        return text.Length > 0 ? text : "policy";
    }

    private static void WriteText(string directory, string name, string text) =>
        File.WriteAllText(Path.Combine(directory, name), text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
}
