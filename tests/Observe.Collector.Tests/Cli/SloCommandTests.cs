using System.CommandLine;
using Observe.Collector.Cli;

namespace Observe.Collector.Tests.Cli;

/// <summary><c>observe slo lint</c> exits 0 clean, 1 with warnings only, 2 with errors; explain needs one SLO.</summary>
public sealed class SloCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("observe-slo-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Examples => Path.Combine(RepositoryFiles.Root, "deploy", "examples", "slos");

    private static Task<int> RunAsync(params string[] args) =>
        new RootCommand { SloCommand.Create() }.Parse(args).InvokeAsync();

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public async Task Lint_exit_codes_say_clean_warnings_or_errors()
    {
        var example = File.ReadAllText(Path.Combine(Examples, "checkout-availability.yaml"));
        Assert.Equal(SloCommand.Clean, await RunAsync("slo", "lint", Examples));
        Assert.Equal(SloCommand.Warnings, await RunAsync("slo", "lint", Write("slow.yaml", example.Replace("status: [5xx]", "latency: {gt: 350ms}", StringComparison.Ordinal))));
        Assert.Equal(SloCommand.Errors, await RunAsync("slo", "lint", Write("bad.yaml", example.Replace("target: 0.999", "target: 2", StringComparison.Ordinal))));
        // A directory with one bad file among good ones is an error as a whole.
        Assert.Equal(SloCommand.Errors, await RunAsync("slo", "lint", _directory));
        Assert.Equal(SloCommand.Errors, await RunAsync("slo", "lint", Path.Combine(_directory, "missing")));
    }

    [Fact]
    public async Task A_directory_with_a_scaling_policy_lints_clean_and_its_slo_explains()
    {
        var scaling = Path.Combine(RepositoryFiles.Root, "deploy", "examples", "scaling");
        Assert.Equal(SloCommand.Clean, await RunAsync("slo", "lint", scaling));
        Assert.Equal(SloCommand.Clean, await RunAsync("slo", "explain", scaling));
        // A file with only a policy has no SLO to explain.
        Assert.Equal(SloCommand.Errors, await RunAsync("slo", "explain", Path.Combine(scaling, "checkout-policy.yaml")));
    }

    [Fact]
    public async Task Explain_needs_exactly_one_slo()
    {
        Assert.Equal(SloCommand.Clean, await RunAsync("slo", "explain", Path.Combine(Examples, "checkout-availability.yaml")));
        Assert.Equal(SloCommand.Errors, await RunAsync("slo", "explain", Examples));
        Assert.Equal(SloCommand.Clean, await RunAsync("slo", "explain", Examples, "--name", "checkout-availability"));
    }
}
