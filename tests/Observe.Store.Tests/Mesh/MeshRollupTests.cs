using System.Text;
using Observe.Store.Mesh;
using Observe.Store.RowBinary;

namespace Observe.Store.Tests.Mesh;

/// <summary>mesh_requests rows roll up per 10 s and per minute, per edge and per workload, and merge across windows.</summary>
public sealed class MeshRollupTests : IAsyncLifetime
{
    private readonly IClickHouseTransport _engine = EmbeddedEngine.Shared;
    private readonly StoreOptions _options = new() { Database = EmbeddedEngine.NewDatabase("mesh") };
    // A recent whole minute, so rows are inside retention and both 10 s windows share one minute.
    private readonly DateTimeOffset _minute = new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(-2);

    private static readonly MeshPeer ProductPage = new("productpage-v1", "shop", "productpage", "v1", "c1", "zone-a");
    private static readonly MeshPeer Reviews = new("reviews-v2", "shop", "reviews", "v2", "c1", "zone-b");

    public async Task InitializeAsync()
    {
        await ClickHouseStore.MigrateAsync(_engine, _options);
        using var w = new RowBinaryWriter();
        for (var i = 0; i < 30; i++)
        {
            MeshRequestRows.Write(w, Request(ProductPage, Reviews, _minute.AddSeconds(1), 10, error: i < 3, mtls: i < 10));
            MeshRequestRows.Write(w, Request(ProductPage, Reviews, _minute.AddSeconds(12), 30, error: false, mtls: true));
        }
        for (var i = 0; i < 5; i++)
        {
            MeshRequestRows.Write(w, Request(MeshPeer.None, Reviews, _minute.AddSeconds(3), 5, error: false, mtls: false));
        }
        await _engine.InsertRowBinaryAsync($"`{_options.Database}`.{MeshSchema.Requests.Name}", MeshSchema.Requests.Columns, w.WrittenMemory);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static MeshRequest Request(MeshPeer source, MeshPeer destination, DateTimeOffset at, int millis, bool error, bool mtls) => new(
        at, source, destination, MeshReporter.Destination, MeshOrigin.AccessLog, "http/1.1", "GET", "reviews:9080", "/reviews/1",
        (ushort)(error ? 503 : 200), -1, error ? ["UF"] : [], TimeSpan.FromMilliseconds(millis), 120, 2048, mtls, error);

    private async Task<string> QueryAsync(string sql) =>
        Encoding.UTF8.GetString(await _engine.QueryAsync(sql.Replace("{db}", $"`{_options.Database}`"), "TabSeparated")).TrimEnd('\n');

    [Fact]
    public async Task Edges_roll_up_per_10_seconds_with_counts_bytes_and_mtls()
    {
        Assert.Equal(
            "productpage-v1\treviews-v2\t0\t30\t3\t10\t3600\t61440\n" +
            "productpage-v1\treviews-v2\t10\t30\t0\t30\t3600\t61440\n" +
            "unknown\treviews-v2\t0\t5\t0\t0\t600\t10240",
            await QueryAsync("""
                SELECT SourceWorkload, DestinationWorkload, toSecond(Window), sum(Requests), sum(Errors), sum(MtlsRequests), sum(BytesReceived), sum(BytesSent)
                FROM {db}.mesh_edges_10s GROUP BY SourceWorkload, DestinationWorkload, Window ORDER BY SourceWorkload, Window
                """));
    }

    [Fact]
    public async Task Latency_digests_merge_across_windows_into_the_quantiles_of_the_union()
    {
        // 30 requests at 10 ms and 30 at 30 ms in two windows: the merged median lies between, p99 at 30.
        var merged = (await QueryAsync(
            "SELECT arrayMap(q -> round(q, 1), quantilesTDigestMerge(0.5, 0.95, 0.99)(LatencyMillis)) FROM {db}.mesh_edges_10s WHERE SourceWorkload = 'productpage-v1'"))
            .Trim('[', ']').Split(',').Select(double.Parse).ToArray();
        Assert.InRange(merged[0], 10, 30);
        Assert.Equal(30, merged[1]);
        Assert.Equal(30, merged[2]);
        var minute = await QueryAsync(
            "SELECT sum(Requests), arrayMap(q -> round(q, 1), quantilesTDigestMerge(0.5, 0.95, 0.99)(LatencyMillis)) FROM {db}.mesh_edges_1m WHERE SourceWorkload = 'productpage-v1'");
        Assert.StartsWith("60\t", minute);
    }

    [Fact]
    public async Task Workloads_roll_up_everything_they_received()
    {
        Assert.Equal("reviews-v2\tshop\treviews\tv2\tc1\tzone-b\t65\t3",
            await QueryAsync("SELECT DestinationWorkload, DestinationNamespace, DestinationService, DestinationVersion, DestinationCluster, DestinationZone, sum(Requests), sum(Errors) FROM {db}.mesh_workloads_1m GROUP BY ALL"));
        Assert.Equal("2", await QueryAsync("SELECT uniqExact(Window) FROM {db}.mesh_workloads_10s"));
    }

    [Fact]
    public async Task Unknown_peers_are_stored_as_unknown_never_empty()
    {
        Assert.Equal("unknown\tunknown\tunknown\tunknown\tunknown\tunknown\t5",
            await QueryAsync("SELECT SourceWorkload, SourceNamespace, SourceService, SourceVersion, SourceCluster, SourceZone, count() FROM {db}.mesh_requests WHERE SourceWorkload = 'unknown' GROUP BY ALL"));
    }
}
