using System.Collections.Concurrent;
using Observe.Store.Mesh;

namespace Observe.Topology.Mesh;

/// <summary>
/// Pod addresses learned from entries that carry both an address and the identity behind it (a
/// proxy's own addresses), so that entries naming only an address resolve to a workload. Pod IPs
/// are reused when pods come and go: an entry not seen again within the TTL is forgotten.
/// </summary>
internal sealed class AddressBook(TimeSpan ttl, int capacity, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _peers = new(StringComparer.Ordinal);
    private long _lastSweep;

    public int Count => _peers.Count;

    public void Learn(string ip, MeshPeer peer)
    {
        if (peer.Workload == MeshPeer.Unknown || IsLoopback(ip))
        {
            return;
        }
        var now = time.GetTimestamp();
        if (_peers.TryGetValue(ip, out var known) && known.Peer == peer)
        {
            // Refreshing is the hot path: avoid an allocation when nothing but the time changes,
            // and refresh at most once a second.
            if (time.GetElapsedTime(known.SeenAt, now) > TimeSpan.FromSeconds(1))
            {
                _peers[ip] = known with { SeenAt = now };
            }
            return;
        }
        if (_peers.Count >= capacity)
        {
            Sweep(now);
            if (_peers.Count >= capacity)
            {
                return;
            }
        }
        _peers[ip] = new Entry(peer, now);
    }

    public MeshPeer? Find(string ip)
    {
        if (!_peers.TryGetValue(ip, out var entry))
        {
            return null;
        }
        if (time.GetElapsedTime(entry.SeenAt) > ttl)
        {
            _peers.TryRemove(new KeyValuePair<string, Entry>(ip, entry));
            return null;
        }
        return entry.Peer;
    }

    private void Sweep(long now)
    {
        // One sweep per second at most, however many learns hit a full book.
        var last = Interlocked.Read(ref _lastSweep);
        if (last != 0 && time.GetElapsedTime(last, now) < TimeSpan.FromSeconds(1) || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }
        foreach (var (ip, entry) in _peers)
        {
            if (time.GetElapsedTime(entry.SeenAt, now) > ttl)
            {
                _peers.TryRemove(new KeyValuePair<string, Entry>(ip, entry));
            }
        }
    }

    /// <summary>Sidecars talk to their app over loopback (127.0.0.1, 127.0.0.6): never anybody's identity.</summary>
    internal static bool IsLoopback(string ip) => ip.StartsWith("127.", StringComparison.Ordinal) || ip is "::1" or "localhost";

    private sealed record Entry(MeshPeer Peer, long SeenAt);
}
