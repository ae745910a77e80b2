using Google.Protobuf;
using Observe.Collector.Pipeline;
using Observe.Collector.Receivers.AccessLogs;
using OpenTelemetry.Proto.Collector.Logs.V1;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>
/// What both transports do with a decoded request: map it to rows, wait until the rows are
/// committed, and answer with the partial-success response.
/// </summary>
internal sealed class OtlpExport(GroupCommitter committer, IngestCounters counters, OtlpAccessLogs accessLogs)
{
    public async Task<IMessage> ExportAsync(OtlpSignal signal, IMessage request, CancellationToken cancellationToken)
    {
        var mapped = signal.Map(request);
        counters.Received(signal.Name, mapped.Accepted + mapped.Rejected);
        counters.Rejected(signal.Name, mapped.Rejected);
        if (request is ExportLogsServiceRequest logs)
        {
            accessLogs.AddReports(logs, mapped.Batch);
        }
        await committer.CommitAsync(mapped.Batch, cancellationToken).ConfigureAwait(false);
        return signal.Response(mapped.Rejected, mapped.RejectionMessage);
    }
}
