using System.CommandLine;
using Observe.Collector.Cli;
using Observe.Collector.Simulate;

namespace Observe.Collector.Tests.Cli;

/// <summary><c>observe simulate</c>: bad input exits 2 with a message naming the option or the file and line, before anything runs.</summary>
public sealed class SimulateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("observe-simulate-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Policy => Path.Combine(RepositoryFiles.Root, "deploy", "examples", "slos", "checkout-availability.yaml");

    /// <summary>Runs <c>observe simulate</c> in-process with its output captured.</summary>
    internal static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await new RootCommand { SimulateCommand.Create() }.Parse(["simulate", .. args])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private async Task BadInput(string message, params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);
        Assert.Equal(SimulateRun.BadInput, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public Task Neither_trace_nor_case_names_both() => BadInput("give --trace FILE (a CSV or whitespace trace) or --case NAME", "--policy", Policy);

    [Fact]
    public Task Trace_and_case_together_are_refused() => BadInput("--trace and --case exclude each other", "--trace", "t.csv", "--case", "ramp", "--policy", Policy);

    [Fact]
    public Task An_unknown_baseline_names_the_known_ones() => BadInput("--baselines: unknown baseline 'vpa'; give some of hpa, kpa, oracle", "--case", "ramp", "--baselines", "hpa,vpa", "--policy", Policy);

    [Fact]
    public Task An_unknown_case_names_the_known_ones() => BadInput("--case 'spike' is not a generated case; known: step-5x, step-20x, ramp, flash-crowd, diurnal, half-capacity or all", "--case", "spike", "--policy", Policy);

    [Fact]
    public Task A_missing_policy_option_is_named() => BadInput("--policy FILE is required", "--case", "ramp");

    [Fact]
    public async Task A_missing_policy_file_is_a_finding_and_names_the_option()
    {
        var missing = Path.Combine(_directory, "missing.yaml");
        await BadInput($"{missing}:1:1: error: no such file or directory", "--case", "ramp", "--policy", missing);
        await BadInput($"--policy {missing}: 1 error(s)", "--case", "ramp", "--policy", missing);
    }

    [Fact]
    public Task A_file_without_a_scaling_policy_is_refused() => BadInput("holds no valid ScalingPolicy", "--case", "ramp", "--policy", Policy);

    [Fact]
    public async Task Numbers_and_durations_that_do_not_parse_name_their_option()
    {
        await BadInput("--scale 'x' is not a whole number", "--case", "ramp", "--policy", Policy, "--scale", "x");
        await BadInput("--service-rate 'fast' is not a number", "--case", "ramp", "--policy", Policy, "--service-rate", "fast");
        await BadInput("--latency '5x' is not a latency", "--case", "ramp", "--policy", Policy, "--latency", "5x");
        await BadInput("--warmup 'soon' is not a duration", "--case", "ramp", "--policy", Policy, "--warmup", "soon");
        await BadInput("--target is a percentage between 0 and 100", "--case", "ramp", "--policy", Policy, "--target", "100");
        await BadInput("--scale must be a positive number of replicas, got 0", "--case", "ramp", "--policy", Policy, "--scale", "0");
    }

    [Fact]
    public Task An_unknown_argument_is_bad_input_too() => BadInput("unknown argument '--fast'", "--case", "ramp", "--policy", Policy, "--fast");

    [Fact]
    public async Task A_malformed_trace_names_its_file_and_line()
    {
        var trace = Path.Combine(_directory, "bad.csv");
        await File.WriteAllTextAsync(trace, "time,count\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,-3\n");
        await BadInput($"--trace: {trace}:3: count -3 is negative", "--trace", trace, "--policy", Policy);
    }

    [Fact]
    public Task A_slice_outside_the_trace_names_the_option_and_the_case() =>
        BadInput("case step-5x: --from 1d (1970-01-02 00:00:00) is outside the trace", "--case", "step-5x", "--from", "1d", "--policy", Policy);
}
