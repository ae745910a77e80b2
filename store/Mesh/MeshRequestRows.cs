using Observe.Store.RowBinary;

namespace Observe.Store.Mesh;

/// <summary>Encodes mesh requests as mesh_requests rows, in the column order of <see cref="MeshSchema.Requests"/>.</summary>
public static class MeshRequestRows
{
    public static void Write(RowBinaryWriter w, MeshRequest r)
    {
        w.DateTime64Nanos((ulong)UnixTime.Nanos(r.Timestamp));
        w.String(r.RequestId);
        w.String(r.TraceId);
        w.String(Name(r.Reporter));
        w.String(r.Origin == MeshOrigin.AccessLog ? "accesslog" : "span");
        Peer(w, r.Source);
        Peer(w, r.Destination);
        w.String(r.Protocol);
        w.String(r.Method);
        w.String(r.Authority);
        w.String(r.Path);
        w.UInt16(r.ResponseCode);
        w.Int16(r.GrpcStatus);
        w.Count(r.ResponseFlags.Count);
        foreach (var flag in r.ResponseFlags)
        {
            w.String(flag);
        }
        w.UInt64((ulong)Math.Max(0, r.Duration.Ticks) * 100);
        w.UInt64(r.BytesReceived);
        w.UInt64(r.BytesSent);
        w.Bool(r.Mtls);
        w.Bool(r.Error);
        w.String(r.UpstreamCluster);
        w.String(r.UpstreamHost);
    }

    private static string Name(MeshReporter reporter) => reporter switch
    {
        MeshReporter.Source => "source",
        MeshReporter.Destination => "destination",
        _ => "unknown",
    };

    private static void Peer(RowBinaryWriter w, MeshPeer peer)
    {
        w.String(OrUnknown(peer.Workload));
        w.String(OrUnknown(peer.Namespace));
        w.String(OrUnknown(peer.Service));
        w.String(OrUnknown(peer.Version));
        w.String(OrUnknown(peer.Cluster));
        w.String(OrUnknown(peer.Zone));
        w.String(peer.KindName);
    }

    private static string OrUnknown(string value) => string.IsNullOrEmpty(value) ? MeshPeer.Unknown : value;
}
