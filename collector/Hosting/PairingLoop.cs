using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Observe.Store;

namespace Observe.Collector.Hosting;

/// <summary>
/// Runs a pairing step every interval, working off a backlog step by step without pausing. A
/// failing store is retried (said once, and once more when it recovers); the staged rows wait.
/// </summary>
/// <param name="name">What pairs, for the log (e.g. "Mesh report pairing").</param>
/// <param name="enabledKey">The configuration key that turns it off, for the log.</param>
internal abstract class PairingLoop(string name, string enabledKey, bool enabled, TimeSpan interval, TimeProvider time, ILogger logger)
    : BackgroundService
{
    /// <summary>Runs one step; true when a backlog remains and the next step should follow at once.</summary>
    protected abstract Task<bool> StepAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!enabled)
        {
            logger.LogInformation("{Name} is off in this process ({Key}=false)", name, enabledKey);
            return;
        }
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var backlog = false;
            try
            {
                backlog = await StepAsync(stoppingToken).ConfigureAwait(false);
                if (failing)
                {
                    logger.LogInformation("{Name} resumed", name);
                    failing = false;
                }
            }
            catch (Exception e) when (e is StoreUnavailableException or ClickHouseException && !stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    logger.LogWarning("{Name} failed, retrying every {Interval}: {Error}", name, interval, e.Message);
                    failing = true;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            if (!backlog)
            {
                try
                {
                    await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
