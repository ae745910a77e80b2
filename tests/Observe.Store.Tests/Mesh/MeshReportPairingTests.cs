using System.Text;
using Observe.Store.Mesh;
using Observe.Store.RowBinary;

namespace Observe.Store.Tests.Mesh;

/// <summary>
/// Proxy reports become requests once: the callee's report kept and enriched with the caller's,
/// a caller's report alone only after the pairing window. Reports are given their arrival time
/// explicitly (ReceivedAt) so that "the window has passed" needs no waiting.
/// </summary>
public sealed class MeshReportPairingTests : IAsyncLifetime
{
    private readonly IClickHouseTransport _engine = EmbeddedEngine.Shared;
    private readonly StoreOptions _options = new() { Database = EmbeddedEngine.NewDatabase("pairing") };
    private readonly MeshPairingOptions _pairing = new() { Window = TimeSpan.FromSeconds(10) };
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    private static readonly MeshPeer ProductPage = new("productpage-v1", "shop", "productpage", "v1", "c1", "zone-a");
    private static readonly MeshPeer Reviews = new("reviews-v2", "shop", "reviews", "v2", "c1", "zone-b");

    public Task InitializeAsync() => ClickHouseStore.MigrateAsync(_engine, _options);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Both_reports_of_a_request_count_once_as_the_callees_enriched_with_the_callers()
    {
        // The callee's proxy knows itself but not the caller's zone or version; the caller knows both.
        var callerAsCalleeSeesIt = ProductPage with { Version = MeshPeer.Unknown, Zone = MeshPeer.Unknown };
        await StageAsync(
            Report("r-1", MeshReporter.Source, ProductPage, Reviews with { Workload = MeshPeer.Unknown }, mtls: true),
            Report("r-1", MeshReporter.Destination, callerAsCalleeSeesIt, Reviews, mtls: false));

        await new MeshReportPairing(_engine, _options.Database, _pairing).PairAsync();

        Assert.Equal("destination\tproductpage-v1\tv1\tzone-a\treviews-v2\ttrue",
            await QueryAsync("SELECT Reporter, SourceWorkload, SourceVersion, SourceZone, DestinationWorkload, Mtls FROM {db}.mesh_requests"));
        Assert.Equal("1", await QueryAsync("SELECT sum(Requests) FROM {db}.mesh_edges_10s"));
    }

    [Fact]
    public async Task A_callers_report_waits_for_the_window_then_counts_alone()
    {
        await StageAsync(Report("r-2", MeshReporter.Source, ProductPage, Reviews));
        var pairing = new MeshReportPairing(_engine, _options.Database, _pairing);

        await pairing.PairAsync();
        Assert.Equal("0", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));

        // A report that arrived longer ago than the window is ready; the young one still waits.
        await StageAsync(_now - TimeSpan.FromMinutes(1), Report("r-3", MeshReporter.Source, ProductPage, Reviews));
        await StageAsync(Report("r-4", MeshReporter.Source, ProductPage, Reviews));
        await pairing.PairAsync();
        Assert.Equal("0", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));

        // Blocks are a prefix: r-3 came after r-2, which is still young, so r-3 waits behind it.
        // With a window shorter than their age, all three are ready.
        await new MeshReportPairing(_engine, _options.Database, new MeshPairingOptions { Window = TimeSpan.FromMilliseconds(1) }).PairAsync();
        Assert.Equal("source\tr-2\nsource\tr-3\nsource\tr-4", await QueryAsync("SELECT Reporter, RequestId FROM {db}.mesh_requests ORDER BY RequestId"));
    }

    [Fact]
    public async Task A_callers_report_whose_callee_reported_first_is_not_counted_again()
    {
        var pairing = new MeshReportPairing(_engine, _options.Database, _pairing);
        await StageAsync(Report("r-5", MeshReporter.Destination, ProductPage, Reviews));
        await pairing.PairAsync();
        await StageAsync(_now - TimeSpan.FromMinutes(1), Report("r-5", MeshReporter.Source, ProductPage, Reviews));
        await pairing.PairAsync();

        Assert.Equal("destination\tr-5", await QueryAsync("SELECT Reporter, RequestId FROM {db}.mesh_requests"));
    }

    [Fact]
    public async Task Reports_without_a_request_id_and_one_sided_reports_each_count()
    {
        await StageAsync(_now - TimeSpan.FromMinutes(1),
            Report("", MeshReporter.Source, ProductPage, Reviews),
            Report("", MeshReporter.Source, ProductPage, Reviews),
            Report("", MeshReporter.Destination, ProductPage, Reviews),
            Report("", MeshReporter.Unknown, MeshPeer.None, Reviews));

        await new MeshReportPairing(_engine, _options.Database, _pairing).PairAsync();

        Assert.Equal("destination\t1\nsource\t2\nunknown\t1",
            await QueryAsync("SELECT Reporter, count() FROM {db}.mesh_requests GROUP BY Reporter ORDER BY Reporter"));
    }

    [Fact]
    public async Task A_new_pairing_resumes_where_the_stored_progress_says_without_counting_twice()
    {
        var old = _now - TimeSpan.FromMinutes(1);
        await StageAsync(old, Report("a", MeshReporter.Destination, ProductPage, Reviews), Report("b", MeshReporter.Source, ProductPage, Reviews));
        var first = await new MeshReportPairing(_engine, _options.Database, _pairing).PairAsync();
        await StageAsync(old, Report("c", MeshReporter.Destination, ProductPage, Reviews));

        // A restarted process: the progress comes back from mesh_requests itself.
        var restarted = new MeshReportPairing(_engine, _options.Database, _pairing);
        var second = await restarted.PairAsync();

        Assert.True(second.Reports > first.Reports);
        Assert.Equal("a\nb\nc", await QueryAsync("SELECT RequestId FROM {db}.mesh_requests ORDER BY RequestId"));
        await restarted.PairAsync();
        Assert.Equal("3", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));
    }

    [Fact]
    public async Task A_backlog_is_worked_off_in_bounded_steps()
    {
        var old = _now - TimeSpan.FromMinutes(1);
        for (var i = 0; i < 5; i++)
        {
            await StageAsync(old, Report($"d{i}", MeshReporter.Destination, ProductPage, Reviews));
        }
        var pairing = new MeshReportPairing(_engine, _options.Database, new MeshPairingOptions { MaxBlocksPerStep = 2 });

        await pairing.PairAsync();
        Assert.Equal("2", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));
        for (var step = 0; step < 3; step++)
        {
            await pairing.PairAsync();
        }
        Assert.Equal("5", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));
        Assert.Equal(pairing.Progress!.Newest, pairing.Progress.Reports);
    }

    [Fact]
    public void Options_name_what_is_wrong()
    {
        var e = Assert.Throws<ArgumentException>(() => new MeshPairingOptions { Window = TimeSpan.Zero }.Validate());
        Assert.Contains("Mesh:Pairing:Window", e.Message);
        e = Assert.Throws<ArgumentException>(() => new MeshPairingOptions { MaxBlocksPerStep = 0 }.Validate());
        Assert.Contains("Mesh:Pairing:MaxBlocksPerStep", e.Message);
    }

    private MeshRequest Report(string requestId, MeshReporter reporter, MeshPeer source, MeshPeer destination, bool mtls = false) => new(
        _now - TimeSpan.FromSeconds(5), source, destination, reporter, MeshOrigin.AccessLog, "http/1.1", "GET", "reviews:9080", "/reviews/1",
        200, -1, [], TimeSpan.FromMilliseconds(12), 100, 1000, mtls, false, requestId);

    /// <summary>One insert (one block) of reports arriving now.</summary>
    private async Task StageAsync(params MeshRequest[] reports)
    {
        using var w = new RowBinaryWriter();
        foreach (var report in reports)
        {
            MeshRequestRows.Write(w, report);
        }
        await _engine.InsertRowBinaryAsync($"`{_options.Database}`.{MeshSchema.Reports.Name}", MeshSchema.Reports.Columns, w.WrittenMemory);
    }

    /// <summary>One insert of reports that arrived at <paramref name="receivedAt"/>.</summary>
    private async Task StageAsync(DateTimeOffset receivedAt, params MeshRequest[] reports)
    {
        using var w = new RowBinaryWriter();
        foreach (var report in reports)
        {
            MeshRequestRows.Write(w, report);
            w.Int64(receivedAt.ToUnixTimeMilliseconds());
        }
        await _engine.InsertRowBinaryAsync($"`{_options.Database}`.{MeshSchema.Reports.Name}", MeshSchema.Reports.Columns + ", ReceivedAt", w.WrittenMemory);
    }

    private async Task<string> QueryAsync(string sql) =>
        Encoding.UTF8.GetString(await _engine.QueryAsync(sql.Replace("{db}", $"`{_options.Database}`"), "TabSeparated")).TrimEnd('\n');
}
