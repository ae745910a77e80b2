using System.Runtime.ExceptionServices;
using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Simulation;
using Spectre.Console;

namespace Observe.Collector.Simulate;

/// <summary>Replays a trace under one scaler: <see cref="Simulator.Run"/>'s shape.</summary>
internal delegate SimulationResult SimulationEngine(RequestTrace trace, WorkloadModel model, IReplicaScaler scaler, int seed, IProgress<long>? progress, CancellationToken cancellationToken);

/// <summary>One trace replayed under several scalers at once, one task each, with a progress bar per scaler when someone watches.</summary>
internal static class ScalerRuns
{
    /// <param name="progress">The terminal to draw the bars on; null: no bars (output redirected, or JSON).</param>
    public static async Task<IReadOnlyList<SimulationResult>> RunAsync(RequestTrace trace, WorkloadModel model, IReadOnlyList<IReplicaScaler> scalers, int seed,
        IAnsiConsole? progress, CancellationToken cancellationToken, SimulationEngine? engine = null)
    {
        engine ??= Simulator.Run;
        // One failed run makes the comparison moot: stop the others.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task<SimulationResult> Run(IReplicaScaler scaler, IProgress<long>? seconds)
        {
            try
            {
                return await Task.Run(() => engine(trace, model, scaler, seed, seconds, stop.Token), stop.Token).ConfigureAwait(false);
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        if (progress is null)
        {
            return await All(scalers.Select(s => Run(s, null)).ToList()).ConfigureAwait(false);
        }
        return await progress.Progress().AutoClear(true).HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var runs = scalers.Select(s =>
                {
                    var bar = context.AddTask(Markup.Escape($"{trace.Name} · {s.Name}"), maxValue: Math.Max(1, trace.Length.TotalSeconds));
                    return Run(s, new Bar(bar));
                }).ToList();
                return await All(runs).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    /// <summary>Every result, or the first real failure: not the cancellations it caused in the other runs.</summary>
    private static async Task<IReadOnlyList<SimulationResult>> All(List<Task<SimulationResult>> runs)
    {
        try
        {
            return await Task.WhenAll(runs).ConfigureAwait(false);
        }
        catch (Exception first)
        {
            var cause = runs.Where(r => r.IsFaulted).SelectMany(r => r.Exception!.InnerExceptions).FirstOrDefault(e => e is not OperationCanceledException);
            ExceptionDispatchInfo.Throw(cause ?? first);
            throw;
        }
    }

    /// <summary>Simulated seconds onto a bar; Spectre's tasks take updates from any thread.</summary>
    private sealed class Bar(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = value;
    }
}
