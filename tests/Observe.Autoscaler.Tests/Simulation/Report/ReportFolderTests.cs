using System.Xml.Linq;
using Observe.Autoscaler.Simulation.Report;

namespace Observe.Autoscaler.Tests.Simulation.Report;

public sealed class ReportFolderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("observe-report-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_report_holds_the_json_the_table_the_overview_and_a_chart_per_policy()
    {
        var results = new[] { Results.Run("observe", 30), Results.Run("hpa", 45), Results.Run("oracle", 20) };
        var comparison = Comparison.Create(Results.Trace(), Results.Model(), "checkout", 2, 40, 7, results);
        ReportFolder.Write(_directory, comparison, results);
        Assert.Equal(["comparison.json", "comparison.md", "hpa.svg", "observe.svg", "oracle.svg", "overview.svg"],
            Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(comparison.Rows, ComparisonJson.Deserialize(File.ReadAllText(Path.Combine(_directory, "comparison.json"))).Rows);
        Assert.All(Directory.GetFiles(_directory, "*.svg"), f => XDocument.Load(f));
    }

    [Fact]
    public void Cases_go_in_subfolders_under_one_table()
    {
        var results = new[] { Results.Run("observe", 30) };
        var one = Comparison.Create(Results.Trace(), Results.Model(), "checkout", 2, 40, 7, results);
        ReportFolder.WriteCases(_directory, [(one with { Trace = one.Trace with { Name = "ramp" } }, results), (one with { Trace = one.Trace with { Name = "step-5x" } }, results)]);
        Assert.True(File.Exists(Path.Combine(_directory, "ramp", "observe.svg")));
        Assert.True(File.Exists(Path.Combine(_directory, "step-5x", "comparison.md")));
        Assert.Equal(2, ComparisonJson.DeserializeSet(File.ReadAllText(Path.Combine(_directory, "comparison.json"))).Cases.Count);
        Assert.StartsWith("| case |", File.ReadAllText(Path.Combine(_directory, "comparison.md")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("observe", "observe")]
    [InlineData("Observe/v2 (beta)", "observe-v2--beta-")]
    [InlineData("..", "policy")]
    public void Policy_names_become_safe_file_names(string name, string file) => Assert.Equal(file, ReportFolder.FileName(name));
}
