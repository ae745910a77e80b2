using Microsoft.Extensions.Hosting;
using Observe.Topology.AccessLogs;

namespace Observe.Collector.Receivers.AccessLogs.Tail;

/// <summary>
/// Tails the files of AccessLogs:Tail:Files into the access-log ingest. A batch's offset is saved
/// only once its lines are committed, so a restart neither repeats acknowledged lines nor skips any.
/// </summary>
internal sealed class AccessLogTailService(TailOptions options, LogFileTail tail, AccessLogIngest ingest) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Files.Count == 0 ? Task.CompletedTask : tail.RunAsync(DeliverAsync, stoppingToken);

    private async Task DeliverAsync(TailedLines batch, CancellationToken cancellationToken)
    {
        var file = batch.File;
        var lines = new ReceivedLine[batch.Lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = new ReceivedLine(batch.Lines[i].Bytes, batch.Lines[i].Truncated);
        }
        AccessLogFormat? format = file.Format is { } name ? AccessLogLine.Names[name] : null;
        // IngestAsync copies the bytes into its rows before it first awaits, while the tail's buffer is still valid.
        await ingest.IngestAsync(lines, format, Proxy(file), new LineOrigin("tail", file.Path), cancellationToken).ConfigureAwait(false);
    }

    private static ReportingProxy? Proxy(TailedFileOptions file) =>
        ReportingProxy.Named(file.Workload, file.Namespace, file.Service ?? file.Workload, file.Version, file.Cluster, file.Zone);
}
