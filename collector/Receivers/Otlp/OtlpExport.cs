using Google.Protobuf;
using Observe.Collector.Pipeline;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>
/// What both transports do with a decoded request: map it to rows, wait until the rows are
/// committed, and answer with the partial-success response.
/// </summary>
internal sealed class OtlpExport(GroupCommitter committer, IngestCounters counters)
{
    public async Task<IMessage> ExportAsync(OtlpSignal signal, IMessage request, CancellationToken cancellationToken)
    {
        var mapped = signal.Map(request);
        counters.Received(signal.Name, mapped.Accepted + mapped.Rejected);
        counters.Rejected(signal.Name, mapped.Rejected);
        await committer.CommitAsync(mapped.Batch, cancellationToken).ConfigureAwait(false);
        return signal.Response(mapped.Rejected, mapped.RejectionMessage);
    }
}
