using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Observe.Autoscaler.Slo;

namespace Observe.Collector.Cli;

/// <summary><c>observe slo lint|explain</c>: SLO files checked and explained without running Observe.</summary>
internal static class SloCommand
{
    public const int Clean = 0;
    public const int Warnings = 1;
    public const int Errors = 2;

    public static Command Create()
    {
        var lintPath = new Argument<string>("path") { Description = "An SLO or ScalingPolicy YAML file or a directory of them (*.yaml, *.yml, recursively)." };
        var server = new Option<string?>("--server")
        {
            Description = "A running Observe (e.g. http://127.0.0.1:8080) to check selectors against the last day's traffic. Default: selectors are not checked",
        };
        var lint = new Command("lint", "Validate SLO and ScalingPolicy files; every finding with file:line:column. Exit 0 clean, 1 warnings, 2 errors.") { lintPath, server };
        lint.SetAction((parse, cancellationToken) => LintAsync(parse.GetValue(lintPath)!, parse.GetValue(server), cancellationToken));

        var explainPath = new Argument<string>("path") { Description = "An SLO YAML file or a directory of them." };
        var name = new Option<string?>("--name") { Description = "The SLO to explain (metadata.name). Default: the only SLO in path" };
        var explain = new Command("explain", "Print the budget arithmetic of one SLO in words.") { explainPath, name };
        explain.SetAction(parse => Explain(parse.GetValue(explainPath)!, parse.GetValue(name)));

        return new Command("slo", "SLO files: lint and explain.") { lint, explain };
    }

    private static async Task<int> LintAsync(string path, string? server, CancellationToken cancellationToken)
    {
        var set = SloDocuments.ReadPath(path);
        var findings = set.Findings.Select(f => f.ToString()).ToList();
        var (errors, warnings) = (set.Findings.Count(f => f.Severity == FindingSeverity.Error), set.Findings.Count(f => f.Severity == FindingSeverity.Warning));
        if (server is not null)
        {
            // The server reads its own store; sending each file lets it answer with the same locations.
            using var http = new HttpClient { BaseAddress = new Uri(server), Timeout = TimeSpan.FromSeconds(30) };
            // The files ReadPath read; a path it could not list has already given its error.
            foreach (var file in Observe.Autoscaler.Slo.Reading.SloFiles.List(path, []) ?? [])
            {
                using var content = new StringContent(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
                using var response = await http.PostAsync($"/api/v1/slos/lint?file={Uri.EscapeDataString(file)}", content, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"observe: {server} answered {(int)response.StatusCode} to the lint of {file}");
                    return Errors;
                }
                var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
                foreach (var f in answer.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("message").GetString()!.StartsWith("selector ", StringComparison.Ordinal)))
                {
                    warnings++;
                    findings.Add($"{f.GetProperty("file").GetString()}:{f.GetProperty("line").GetInt32()}:{f.GetProperty("column").GetInt32()}: warning: {f.GetProperty("message").GetString()}");
                }
            }
        }
        foreach (var line in findings)
        {
            Console.WriteLine(line);
        }
        Console.WriteLine($"{set.Slos.Count} SLO(s) and {set.Policies.Count} scaling policy(ies) valid, {errors} error(s), {warnings} warning(s){(server is null ? "; selectors not checked against traffic (--server to check them)" : "")}");
        return errors > 0 ? Errors : warnings > 0 ? Warnings : Clean;
    }

    private static int Explain(string path, string? name)
    {
        var set = SloDocuments.ReadPath(path);
        var chosen = name is null ? set.Slos : [.. set.Slos.Where(s => s.Name == name)];
        if (chosen.Count != 1)
        {
            foreach (var f in set.Findings.Where(f => f.Severity == FindingSeverity.Error))
            {
                Console.Error.WriteLine(f);
            }
            Console.Error.WriteLine(name is null && set.Slos.Count == 0
                ? $"observe: {path} holds no valid SLO to explain{(set.Policies.Count > 0 ? " (scaling policies are not explained)" : "")}"
                : name is null
                ? $"observe: {path} holds {set.Slos.Count} valid SLOs; name one with --name ({string.Join(", ", set.Slos.Select(s => s.Name))})"
                : $"observe: no valid SLO named '{name}' in {path}; valid ones: {string.Join(", ", set.Slos.Select(s => s.Name))}");
            return Errors;
        }
        Console.Write(SloExplanation.Describe(chosen[0]));
        return Clean;
    }
}
