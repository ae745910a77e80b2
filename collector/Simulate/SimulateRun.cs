using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Simulation;
using Observe.Autoscaler.Simulation.Report;
using Observe.Autoscaler.Slo;
using Spectre.Console;

namespace Observe.Collector.Simulate;

/// <summary><c>observe simulate</c> from checked options to the table, the JSON and the report folder.</summary>
internal static class SimulateRun
{
    public const int Done = 0, Failed = 1, BadInput = 2, Cancelled = 130;

    /// <param name="output">Where the table or the JSON goes.</param>
    /// <param name="error">Findings, notes and errors: never mixed into the JSON.</param>
    /// <param name="engine">Replays one run; <see cref="Simulator.Run"/> unless a test stands in for it.</param>
    public static async Task<int> RunAsync(SimulateSettings.Raw raw, TextWriter output, TextWriter error, CancellationToken cancellationToken, SimulationEngine? engine = null)
    {
        SimulateSettings settings;
        SimulationPlan plan;
        try
        {
            settings = SimulateSettings.Check(raw);
            var traces = SimulationPlan.Traces(settings, error);
            plan = SimulationPlan.Create(settings, ReadPolicy(settings.PolicyPath, error), traces, error);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"observe: {e.Message}");
            return BadInput;
        }

        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        // A file or a pipe gets plain text: no colours, no cursor movement.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            // A file or a pipe has no width; without one the table would wrap at 80 columns.
            console.Profile.Width = 200;
        }
        var runs = new List<(Comparison Comparison, IReadOnlyList<SimulationResult> Results)>();
        try
        {
            foreach (var planned in plan.Cases)
            {
                var model = plan.Model(planned);
                var results = await ScalerRuns.RunAsync(planned.Trace, model, plan.Scalers(planned, model), settings.Seed,
                    terminal && !settings.Json ? console : null, cancellationToken, engine).ConfigureAwait(false);
                runs.Add((Comparison.Create(planned.Trace, model, plan.Policy.Name, plan.Policy.MinReplicas, plan.Policy.MaxReplicas, settings.Seed, results), results));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("observe: simulate: cancelled");
            return Cancelled;
        }
        catch (NotImplementedException e)
        {
            // The engine and the scalers land separately; until then a run says which part is missing.
            error.WriteLine($"observe: simulate: not available yet: {e.Message}");
            return Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not the user's input: a fault in an engine or a scaler, with its trace for whoever fixes it.
            error.WriteLine($"observe: simulate: a run failed: {e}");
            return Failed;
        }

        var all = settings.Cases.Count > 1;
        var comparisons = runs.Select(r => r.Comparison).ToList();
        if (settings.Json)
        {
            output.WriteLine(all ? ComparisonJson.Serialize(new ComparisonSet(comparisons)) : ComparisonJson.Serialize(comparisons[0]));
        }
        else
        {
            ComparisonConsole.Write(console, comparisons, withCase: all);
        }
        if (settings.ReportDirectory is { } directory)
        {
            try
            {
                if (all)
                {
                    ReportFolder.WriteCases(directory, runs);
                }
                else
                {
                    ReportFolder.Write(directory, runs[0].Comparison, runs[0].Results);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"observe: --report {directory}: cannot write the report: {e.Message}");
                return BadInput;
            }
            error.WriteLine($"observe: report written to {directory}");
        }
        return Done;
    }

    /// <summary>The one ScalingPolicy of the file; its findings printed as <c>slo lint</c> prints them.</summary>
    private static ScalingPolicy ReadPolicy(string path, TextWriter error)
    {
        var set = SloDocuments.ReadPath(path);
        foreach (var finding in set.Findings)
        {
            error.WriteLine(finding);
        }
        if (set.HasErrors)
        {
            throw new ArgumentException($"--policy {path}: {set.Findings.Count(f => f.Severity == FindingSeverity.Error)} error(s), listed above");
        }
        return set.Policies.Count switch
        {
            1 => set.Policies[0],
            0 => throw new ArgumentException($"--policy {path} holds no valid ScalingPolicy (kind: ScalingPolicy, apiVersion: observe.dev/v1alpha1)"),
            _ => throw new ArgumentException($"--policy {path} holds {set.Policies.Count} ScalingPolicies ({string.Join(", ", set.Policies.Select(p => p.Name))}); give a file with one"),
        };
    }
}
