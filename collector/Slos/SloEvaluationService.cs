using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Observe.Autoscaler.Slo;
using Observe.Autoscaler.Slo.Evaluation;
using Observe.Store;

namespace Observe.Collector.Slos;

/// <summary>
/// Keeps the SLO files loaded (re-reading them as they change) and evaluates every SLO each
/// Slo:Interval; the latest evaluations answer the API, and one per Slo:HistoryStep is stored.
/// </summary>
internal sealed partial class SloEvaluationService(
    SloOptions options, SloCatalog? catalog, SloEvaluator evaluator, SloHistory history, TimeProvider time, ILogger<SloEvaluationService> logger) : BackgroundService
{
    private volatile SloSnapshot _latest = new([], null, null);
    private long _storedStep = -1;

    /// <summary>The SLOs loaded now (the last good version of each file).</summary>
    public IReadOnlyList<SloDefinition> Slos => catalog?.Current ?? [];

    /// <summary>Problems in the SLO files as they are now.</summary>
    public IReadOnlyList<Finding> Findings => catalog?.Findings ?? [];

    public SloCatalog? Catalog => catalog;

    public SloSnapshot Latest => _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (catalog is null)
        {
            return;
        }
        await catalog.ReloadAsync(stoppingToken).ConfigureAwait(false);
        var reload = catalog.RunAsync(stoppingToken);
        await ResumeAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(options.Interval, time);
        do
        {
            await EvaluateOnceAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
        await reload.ConfigureAwait(false);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>One pass; a store that does not answer is reported and the previous results kept.</summary>
    internal async Task EvaluateOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            var results = await evaluator.EvaluateAsync(Slos, now, cancellationToken).ConfigureAwait(false);
            _latest = new SloSnapshot(results, now, null);
            var step = now.ToUnixTimeSeconds() / (long)options.HistoryStep.TotalSeconds;
            if (step != _storedStep)
            {
                await history.AppendAsync(results, cancellationToken).ConfigureAwait(false);
                _storedStep = step;
            }
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            _latest = _latest with { Error = $"evaluation at {now:O} failed: {e.Message}" };
            LogFailed(e.Message);
        }
    }

    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (slo, objective, state, since) in await history.LatestAlertStatesAsync(cancellationToken).ConfigureAwait(false))
            {
                evaluator.Resume(slo, objective, state, since);
            }
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            LogFailed(e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SLO evaluation failed: {Reason}")]
    private partial void LogFailed(string reason);
}

/// <summary>The latest pass: its results, when it ran, and the error of a later pass that failed.</summary>
internal sealed record SloSnapshot(IReadOnlyList<SloEvaluation> Evaluations, DateTimeOffset? At, string? Error);
