using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Observe.Store;
using Observe.Store.Mesh;

namespace Observe.Collector.Hosting;

/// <summary>
/// Runs the pairing of proxy reports into requests every Mesh:Pairing:Interval, working off a
/// backlog step by step without pausing. A failing store is retried; reports wait in mesh_reports.
/// </summary>
internal sealed class MeshPairingService(MeshReportPairing pairing, MeshPairingOptions options, TimeProvider time, ILogger<MeshPairingService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            logger.LogInformation("Mesh report pairing is off in this process (Mesh:Pairing:Enabled=false)");
            return;
        }
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var backlog = false;
            try
            {
                var progress = await pairing.PairAsync(stoppingToken).ConfigureAwait(false);
                backlog = progress.Reports < progress.Newest;
                if (failing)
                {
                    logger.LogInformation("Mesh report pairing resumed");
                    failing = false;
                }
            }
            catch (Exception e) when (e is StoreUnavailableException or ClickHouseException && !stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    logger.LogWarning("Mesh report pairing failed, retrying every {Interval}: {Error}", options.Interval, e.Message);
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
                    await Task.Delay(options.Interval, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
