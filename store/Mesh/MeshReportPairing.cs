using Observe.Store.Schema;

namespace Observe.Store.Mesh;

/// <summary>How proxy reports are paired into requests.</summary>
public sealed class MeshPairingOptions
{
    /// <summary>
    /// How long a caller's report waits for the callee's report of the same request before it
    /// counts alone. Reports of one request that arrive further apart than this count twice.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the pairing runs; requests reach the rollups this long after their reports, at most.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Inserts (blocks) of mesh_reports one step reads at most, so that a backlog is worked off in bounded steps.</summary>
    public int MaxBlocksPerStep { get; set; } = 1000;

    /// <summary>
    /// Whether this process pairs. Exactly one process per database must: turn it off on all but
    /// one collector when several share a ClickHouse server.
    /// </summary>
    public bool Enabled { get; set; } = true;

    public void Validate()
    {
        if (Window <= TimeSpan.Zero || Window > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"Mesh:Pairing:Window must be more than zero and at most 1 hour, got {Window}.");
        }
        if (Interval < TimeSpan.FromMilliseconds(10) || Interval > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"Mesh:Pairing:Interval must be 10 ms to 5 minutes, got {Interval}.");
        }
        if (MaxBlocksPerStep < 1)
        {
            throw new ArgumentException($"Mesh:Pairing:MaxBlocksPerStep must be at least 1, got {MaxBlocksPerStep}.");
        }
    }
}

/// <summary>Where the pairing stands: every report in a block up to these numbers has been turned into requests.</summary>
/// <param name="Reports">Callee (and one-sided) reports are done through this block.</param>
/// <param name="SourceReports">Caller reports are done through this block; it trails by the pairing window.</param>
/// <param name="Newest">The newest block of mesh_reports seen by the last step.</param>
public sealed record MeshPairingProgress(ulong Reports, ulong SourceReports, ulong Newest);

/// <summary>
/// Turns staged proxy reports (mesh_reports) into requests (mesh_requests, and through its views
/// the rollups), counting each request once: a callee's report is kept and enriched with the
/// caller's report of the same request id; a caller's report counts alone only once the window
/// has passed without the callee's. Works entirely inside ClickHouse, by block number: blocks up
/// to a number form a prefix no later insert changes, and each step's insert records the
/// numbers it covered, so the progress survives restarts with the data it describes. Only a
/// crash inside a step's insert can leave it half-applied (ClickHouse has no transactions across
/// a table and its views); the step is then done again.
/// </summary>
public sealed class MeshReportPairing(IClickHouseTransport store, string database, MeshPairingOptions options)
{
    private readonly string _reports = $"`{database}`.{MeshSchema.Reports.Name}";
    private readonly string _requests = $"`{database}`.{MeshSchema.Requests.Name}";
    private string? _insert;
    private MeshPairingProgress? _progress;

    /// <summary>The progress after the last step (loaded from mesh_requests on the first).</summary>
    public MeshPairingProgress? Progress => _progress;

    /// <summary>Runs one step: pairs what is ready and returns the new progress.</summary>
    public async Task<MeshPairingProgress> PairAsync(CancellationToken cancellationToken = default)
    {
        var progress = _progress ??= await LoadAsync(cancellationToken).ConfigureAwait(false);
        var from = Math.Min(progress.Reports, progress.SourceReports);
        var newest = ulong.Parse((await store.QueryRowAsync(
            $"SELECT max(_block_number) FROM {_reports} WHERE {MeshSchema.MaxBlockOfPart} > {{from:UInt64}} AND _block_number > {{from:UInt64}}",
            new QueryParameters().Add("from", from), cancellationToken).ConfigureAwait(false))[0]);
        if (newest <= progress.Reports && newest <= progress.SourceReports)
        {
            return progress;
        }
        var through = Math.Min(newest, from + (ulong)options.MaxBlocksPerStep);

        // Caller reports are ready once every report up to a block is older than the window.
        var window = new QueryParameters()
            .Add("from", from)
            .Add("through", through)
            .Add("window_ms", (long)options.Window.TotalMilliseconds);
        var ready = await store.QueryRowAsync($$"""
            SELECT minIf(_block_number, ReceivedAt > now64(3) - toIntervalMillisecond({window_ms:Int64})),
                   toUnixTimestamp64Milli(min(ReceivedAt))
            FROM {{_reports}}
            WHERE {{MeshSchema.MaxBlockOfPart}} > {from:UInt64} AND _block_number > {from:UInt64} AND _block_number <= {through:UInt64}
            """, window, cancellationToken).ConfigureAwait(false);
        var young = ulong.Parse(ready[0]);
        var sourcesThrough = Math.Max(progress.SourceReports, young == 0 ? through : young - 1);
        // Partners of a report arrive within the window of it; reports older than that are not searched.
        var since = long.Parse(ready[1]) - 2 * (long)options.Window.TotalMilliseconds;

        var next = new MeshPairingProgress(Math.Max(progress.Reports, through), sourcesThrough, newest);
        var parameters = new QueryParameters()
            .Add("reports_from", progress.Reports)
            .Add("through", next.Reports)
            .Add("sources_from", progress.SourceReports)
            .Add("sources_through", next.SourceReports)
            .Add("since_ms", since);
        await store.ExecuteAsync(_insert ??= InsertSql(), parameters, cancellationToken).ConfigureAwait(false);
        _progress = next;
        return next;
    }

    private async Task<MeshPairingProgress> LoadAsync(CancellationToken cancellationToken)
    {
        var fields = await store.QueryRowAsync($"SELECT max(ReportsThrough), max(SourceReportsThrough) FROM {_requests}", null, cancellationToken).ConfigureAwait(false);
        var reports = ulong.Parse(fields[0]);
        var sources = ulong.Parse(fields[1]);
        return new MeshPairingProgress(reports, sources, Math.Max(reports, sources));
    }


    /// <summary>
    /// Callee and one-sided reports of the new blocks, each enriched from the caller's report of
    /// the same request (what the callee did not know), then caller reports whose window has
    /// passed and that no callee reported.
    /// </summary>
    private string InsertSql()
    {
        var columns = MeshSchema.Requests.Columns;
        var enrichable = MeshSchema.PeerFields.SelectMany(f => new[] { "Source" + f, "Destination" + f }).ToHashSet();
        var calleeColumns = string.Join(", ", columns.Split(", ").Select(c => c switch
        {
            _ when enrichable.Contains(c) => $"if(d.{c} = 'unknown' AND s.caller_{c} != '', s.caller_{c}, d.{c}) AS {c}",
            "Mtls" => "(d.Mtls OR s.caller_Mtls) AS Mtls",
            "GrpcStatus" => "if(d.GrpcStatus = -1 AND s.RequestId != '', s.caller_GrpcStatus, d.GrpcStatus) AS GrpcStatus",
            _ => $"d.{c} AS {c}",
        }));
        var callerColumns = string.Join(", ", enrichable.Order(StringComparer.Ordinal).Concat(["Mtls", "GrpcStatus"]).Select(c => $"any({c}) AS caller_{c}"));
        const string Window = "ReceivedAt >= fromUnixTimestamp64Milli({since_ms:Int64})";
        return $$"""
            INSERT INTO {{_requests}} ({{columns}}, ReportsThrough, SourceReportsThrough)
            SELECT {{calleeColumns}}, {through:UInt64}, {sources_through:UInt64}
            FROM (
                SELECT * FROM {{_reports}}
                WHERE {{MeshSchema.MaxBlockOfPart}} > {reports_from:UInt64} AND _block_number > {reports_from:UInt64} AND _block_number <= {through:UInt64}
                  AND Reporter != 'source'
            ) AS d
            LEFT JOIN (
                SELECT RequestId, {{callerColumns}}
                FROM {{_reports}}
                WHERE {{Window}} AND _block_number <= {through:UInt64} AND Reporter = 'source' AND RequestId != ''
                GROUP BY RequestId
            ) AS s ON d.RequestId = s.RequestId
            UNION ALL
            SELECT {{columns}}, {through:UInt64}, {sources_through:UInt64}
            FROM {{_reports}}
            WHERE {{MeshSchema.MaxBlockOfPart}} > {sources_from:UInt64} AND _block_number > {sources_from:UInt64} AND _block_number <= {sources_through:UInt64}
              AND Reporter = 'source'
              AND (RequestId = '' OR RequestId NOT IN (
                  SELECT RequestId FROM {{_reports}}
                  WHERE {{Window}} AND _block_number <= {through:UInt64} AND Reporter != 'source' AND RequestId != ''))
            """;
    }
}
