using Microsoft.Extensions.Logging;
using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Slo;
using Observe.Autoscaler.Slo.Evaluation;
using Observe.Store;

namespace Observe.Autoscaler.Control;

/// <summary>The error budget and burn of the SLOs a policy protects, as one <see cref="SloSignal"/>.</summary>
public interface IPolicySloSignals
{
    /// <summary>The worst of <paramref name="slos"/> at <paramref name="now"/>; null when there are none or the store does not answer.</summary>
    Task<SloSignal?> ReadAsync(IReadOnlyList<SloDefinition> slos, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// Evaluates the SLOs with the SLO engine. The evaluator keeps per-SLO ledgers that are not
/// safe for concurrent passes, and every policy loop asks it: passes take turns.
/// </summary>
internal sealed partial class EvaluatedSloSignals(SloEvaluator evaluator, ILogger<EvaluatedSloSignals> logger) : IPolicySloSignals
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async Task<SloSignal?> ReadAsync(IReadOnlyList<SloDefinition> slos, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (slos.Count == 0)
        {
            return null;
        }
        IReadOnlyList<SloEvaluation> evaluations;
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            evaluations = await evaluator.EvaluateAsync(slos, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            LogFailed(e.Message);
            return null;
        }
        finally
        {
            _turn.Release();
        }
        return Worst(evaluations);
    }

    /// <summary>The lowest budget left and the fastest burns, over every objective; a budget without traffic is untouched.</summary>
    internal static SloSignal? Worst(IReadOnlyList<SloEvaluation> evaluations)
    {
        if (evaluations.Count == 0)
        {
            return null;
        }
        static double? Fastest(IEnumerable<double?> rates) => rates.Where(r => r is not null).Max();
        return new SloSignal(
            evaluations.Min(e => e.Budget.Remaining ?? 1),
            Fastest(evaluations.Select(e => e.BurnRates.OrderBy(b => b.Window).FirstOrDefault()?.Rate)),
            Fastest(evaluations.Select(e => e.BurnRates.OrderByDescending(b => b.Window).FirstOrDefault()?.Rate)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SLO evaluation for the controller failed: {Reason}")]
    private partial void LogFailed(string reason);
}
