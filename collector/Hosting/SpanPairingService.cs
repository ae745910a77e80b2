using Microsoft.Extensions.Logging;
using Observe.Topology.Spans;

namespace Observe.Collector.Hosting;

/// <summary>Pairs spans into requests every Topology:Spans:Interval; spans wait in span_calls while the store fails.</summary>
internal sealed class SpanPairingService(SpanPairing pairing, SpanPairingOptions options, TimeProvider time, ILogger<SpanPairingService> logger)
    : PairingLoop("Span pairing", "Topology:Spans:Enabled", options.Enabled, options.Interval, time, logger)
{
    protected override async Task<bool> StepAsync(CancellationToken cancellationToken)
    {
        var progress = await pairing.PairAsync(cancellationToken).ConfigureAwait(false);
        return progress.Spans < progress.Newest;
    }
}
