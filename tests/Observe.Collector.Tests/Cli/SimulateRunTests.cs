using Observe.Autoscaler.Simulation.Report;

namespace Observe.Collector.Tests.Cli;

/// <summary><c>observe simulate</c> end to end: the real engine, the real scalers, the example policy.</summary>
public sealed class SimulateRunTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("observe-simulate-run-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Policy => Path.Combine(RepositoryFiles.Root, "deploy", "examples", "scaling", "checkout-policy.yaml");

    private static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => SimulateCommandTests.RunAsync(args);

    [Fact]
    public async Task A_generated_step_is_replayed_for_every_scaler_and_printed_as_json()
    {
        var (exit, output, error) = await RunAsync("--case", "step-5x", "--policy", Policy, "--scale", "10", "--json");

        Assert.True(exit == 0, error);
        var comparison = ComparisonJson.Deserialize(output);
        Assert.Equal(["observe", "hpa", "kpa", "oracle"], comparison.Rows.Select(r => r.Policy));
        Assert.All(comparison.Rows, r => Assert.True(r.ReplicaHours > 0));
        // Four hours at no fewer than the policy's two replicas, and a burst that needs ten.
        Assert.All(comparison.Rows, r => Assert.InRange(r.ReplicaHours, 8, 40));
        var oracle = comparison.Rows.Single(r => r.Policy == "oracle");
        Assert.Equal(1.0, oracle.ReplicaHoursVsOracle);
        Assert.All(comparison.Rows, r => Assert.InRange(r.GoodSharePercent, 90, 100));
    }

    [Fact]
    public async Task The_report_folder_gets_the_table_the_json_and_the_plots()
    {
        var report = Path.Combine(_directory, "report");
        var (exit, _, error) = await RunAsync("--case", "ramp", "--policy", Policy, "--scale", "8", "--baselines", "hpa", "--report", report);

        Assert.True(exit == 0, error);
        Assert.True(File.Exists(Path.Combine(report, "comparison.json")));
        Assert.Contains("| observe |", await File.ReadAllTextAsync(Path.Combine(report, "comparison.md")), StringComparison.Ordinal);
        foreach (var svg in new[] { "overview.svg", "observe.svg", "hpa.svg" })
        {
            System.Xml.Linq.XDocument.Parse(await File.ReadAllTextAsync(Path.Combine(report, svg)));
        }
    }
}
