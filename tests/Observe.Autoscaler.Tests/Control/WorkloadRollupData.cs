using Observe.Store;
using Observe.Store.Mesh;
using Observe.Store.RowBinary;

namespace Observe.Autoscaler.Tests.Control;

/// <summary>A database of its own in the shared engine, retention off, where requests are added and the workload rollup waited for.</summary>
internal sealed class WorkloadRollupData
{
    private long _inserted;

    public WorkloadRollupData(string prefix)
    {
        Options = new StoreOptions { Database = EmbeddedEngine.NewDatabase(prefix) };
        Options.Retention.MeshRequests = TimeSpan.Zero;
        Options.Retention.Rollups = TimeSpan.Zero;
    }

    public StoreOptions Options { get; }

    public IClickHouseTransport Store => EmbeddedEngine.Shared;

    public string Database => Options.Database;

    public Task MigrateAsync() => ClickHouseStore.MigrateAsync(Store, Options);

    public static MeshPeer Peer(string workload, string ns = "shop", string version = "v1", string zone = "zone-a") =>
        new(workload, ns, workload, version, "c1", zone);

    /// <summary>Adds <paramref name="count"/> requests to <paramref name="destination"/> at <paramref name="at"/>, each taking <paramref name="millis"/>.</summary>
    public async Task AddAsync(DateTimeOffset at, int count, MeshPeer destination, double millis = 10, ushort status = 200, MeshOrigin origin = MeshOrigin.AccessLog)
    {
        using var w = new RowBinaryWriter();
        for (var i = 0; i < count; i++)
        {
            MeshRequestRows.Write(w, new MeshRequest(at, new MeshPeer("front"), destination, MeshReporter.Destination, origin, "http/1.1", "GET",
                destination.Service, "/api/items", status, -1, [], TimeSpan.FromMilliseconds(millis), 10, 10, true, status >= 500));
        }
        await Store.InsertRowBinaryAsync($"`{Database}`.{MeshSchema.Requests.Name}", MeshSchema.Requests.Columns, w.WrittenMemory);
        _inserted += count;
        var expected = _inserted;
        var table = MeshSchema.WorkloadRollups.Single(r => r.WindowSeconds == 10).Table;
        Assert.True(await Loopback.EventuallyAsync(async () =>
            TabSeparated.Long((await Store.QueryRowAsync($"SELECT sum(Requests) FROM `{Database}`.{table}"))[0]) == expected,
            TimeSpan.FromSeconds(30)), "the workload rollup did not show the inserted requests");
    }
}
