using System.Text;
using Observe.Store.Mesh;
using Observe.Store.RowBinary;
using Observe.Store.Schema;

namespace Observe.Store.Tests.Mesh;

/// <summary>
/// Migration 4 replaces the rollups of an existing database (made by migration 2 before it kept
/// origins and error classes) and refills them from the requests already stored; migration 8
/// replaces only their views.
/// </summary>
public sealed class RollupMigrationTests
{
    private readonly IClickHouseTransport _engine = EmbeddedEngine.Shared;
    private readonly StoreOptions _options = new() { Database = EmbeddedEngine.NewDatabase("upgrade") };

    [Fact]
    public async Task Old_rollups_are_replaced_and_refilled_from_mesh_requests()
    {
        var migrator = new Migrator(_engine, new SchemaContext(_options.Database, _options.Retention));
        await migrator.ApplyAsync(ClickHouseStore.Migrations.Where(m => m.Version <= 3));
        // The shape the rollups had before: no Origin, no error classes.
        await _engine.ExecuteAsync($"CREATE TABLE `{_options.Database}`.mesh_edges_10s (Window DateTime, SourceWorkload LowCardinality(String), Requests UInt64) ENGINE = MergeTree ORDER BY Window");
        await _engine.ExecuteAsync($"""
            CREATE MATERIALIZED VIEW `{_options.Database}`.mesh_edges_10s_mv TO `{_options.Database}`.mesh_edges_10s
            AS SELECT toStartOfInterval(Timestamp, INTERVAL 10 SECOND) AS Window, SourceWorkload, count() AS Requests
            FROM `{_options.Database}`.mesh_requests GROUP BY Window, SourceWorkload
            """);
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        using (var w = new RowBinaryWriter())
        {
            for (var i = 0; i < 4; i++)
            {
                MeshRequestRows.Write(w, new MeshRequest(at, new MeshPeer("front"), new MeshPeer("cart"), MeshReporter.Destination, MeshOrigin.AccessLog,
                    "http/1.1", "GET", "", "/", (ushort)(i == 0 ? 404 : 200), -1, [], TimeSpan.FromMilliseconds(30), 1, 1, false, false));
            }
            await _engine.InsertRowBinaryAsync($"`{_options.Database}`.{MeshSchema.Requests.Name}", MeshSchema.Requests.Columns, w.WrittenMemory);
        }

        Assert.Contains(4, (await migrator.ApplyAsync(ClickHouseStore.Migrations)).Select(m => m.Version));

        Assert.Equal("4\t1\taccesslog\tworkload\t[0,0,0,0,0,4,4,4,4,4,4,4,4,4,4]",
            await QueryAsync("SELECT sum(Requests), sum(ClientErrors), any(Origin), any(DestinationKind), sumForEachMerge(LatencyBuckets) FROM {db}.mesh_edges_10s"));
        Assert.Equal("4", await QueryAsync("SELECT sum(Requests) FROM {db}.mesh_workloads_1m"));
    }

    [Fact]
    public async Task Counting_by_adjusted_count_keeps_the_rows_every_rollup_already_has_and_counts_new_requests_once()
    {
        var migrator = new Migrator(_engine, new SchemaContext(_options.Database, _options.Retention));
        await migrator.ApplyAsync(ClickHouseStore.Migrations.Where(m => m.Version <= 7));
        await InsertAsync(3);
        Assert.Equal("3\t3\t3", await QueryAsync(Totals));

        Assert.Equal([8], (await migrator.ApplyAsync(ClickHouseStore.Migrations)).Select(m => m.Version));

        // Kept, not refilled (which would count the stored requests twice); an access log's request counts once.
        Assert.Equal("3\t3\t3", await QueryAsync(Totals));
        await InsertAsync(2);
        Assert.Equal("5\t5\t5", await QueryAsync(Totals));
        Assert.Equal("1", await QueryAsync("SELECT DISTINCT AdjustedCount FROM {db}.mesh_requests"));
    }

    private const string Totals =
        "SELECT (SELECT sum(Requests) FROM {db}.mesh_edges_1m), (SELECT sum(Requests) FROM {db}.mesh_workloads_10s), (SELECT sum(Requests) FROM {db}.mesh_sli_1h)";

    private async Task InsertAsync(int requests)
    {
        using var w = new RowBinaryWriter();
        for (var i = 0; i < requests; i++)
        {
            MeshRequestRows.Write(w, new MeshRequest(DateTimeOffset.UtcNow.AddMinutes(-1), new MeshPeer("front"), new MeshPeer("cart"), MeshReporter.Destination, MeshOrigin.AccessLog,
                "http/1.1", "GET", "", "/", 200, -1, [], TimeSpan.FromMilliseconds(30), 1, 1, false, false));
        }
        await _engine.InsertRowBinaryAsync($"`{_options.Database}`.{MeshSchema.Requests.Name}", MeshSchema.Requests.Columns, w.WrittenMemory);
    }

    private async Task<string> QueryAsync(string sql) =>
        Encoding.UTF8.GetString(await _engine.QueryAsync(sql.Replace("{db}", $"`{_options.Database}`"), "TabSeparated")).TrimEnd('\n');
}
