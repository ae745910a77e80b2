using Microsoft.Extensions.Hosting;
using Observe.Autoscaler.Control;

namespace Observe.Collector.Control;

/// <summary>Runs the autoscaler controller for the life of the process.</summary>
internal sealed class ControllerService(ScalingController controller) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await controller.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
