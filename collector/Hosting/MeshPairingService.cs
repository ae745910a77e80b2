using Microsoft.Extensions.Logging;
using Observe.Store.Mesh;

namespace Observe.Collector.Hosting;

/// <summary>Pairs proxy reports into requests every Mesh:Pairing:Interval; reports wait in mesh_reports while the store fails.</summary>
internal sealed class MeshPairingService(MeshReportPairing pairing, MeshPairingOptions options, TimeProvider time, ILogger<MeshPairingService> logger)
    : PairingLoop("Mesh report pairing", "Mesh:Pairing:Enabled", options.Enabled, options.Interval, time, logger)
{
    protected override async Task<bool> StepAsync(CancellationToken cancellationToken)
    {
        var progress = await pairing.PairAsync(cancellationToken).ConfigureAwait(false);
        return progress.Reports < progress.Newest;
    }
}
