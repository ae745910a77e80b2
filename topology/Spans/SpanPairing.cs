using Observe.Store;
using Observe.Store.Mesh;

namespace Observe.Topology.Spans;

/// <summary>How spans are paired into requests. Bound from the <c>Topology:Spans</c> configuration section.</summary>
public sealed class SpanPairingOptions
{
    /// <summary>
    /// How long (by arrival) a span waits for its partner before it is classified alone: a caller
    /// becomes an edge to the peer its attributes name, or unpaired. SDKs export spans when they
    /// end, so this must cover the export delay plus the longest calls: a partner arriving later is late.
    /// </summary>
    public TimeSpan Lag { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the pairing runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Inserts (blocks) of span_calls one step takes in at most, so that a backlog is worked off in bounded steps.</summary>
    public int MaxBlocksPerStep { get; set; } = 1000;

    /// <summary>
    /// Whether this process pairs. Exactly one process per database must: turn it off on all but
    /// one collector when several share a ClickHouse server.
    /// </summary>
    public bool Enabled { get; set; } = true;

    public void Validate()
    {
        if (Lag < TimeSpan.FromMilliseconds(1) || Lag > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"Topology:Spans:Lag must be 1 ms to 1 hour, got {Lag}.");
        }
        if (Interval < TimeSpan.FromMilliseconds(10) || Interval > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"Topology:Spans:Interval must be 10 ms to 5 minutes, got {Interval}.");
        }
        if (MaxBlocksPerStep < 1)
        {
            throw new ArgumentException($"Topology:Spans:MaxBlocksPerStep must be at least 1, got {MaxBlocksPerStep}.");
        }
    }
}

/// <summary>Where the span pairing stands, as block numbers of span_calls.</summary>
/// <param name="Spans">Every span in a block up to this one has been looked at: pairs whose later span is here are emitted.</param>
/// <param name="Singles">Spans up to this block that found no partner have been classified alone; it trails by the lag.</param>
/// <param name="Newest">The newest block of span_calls seen by the last step.</param>
public sealed record SpanPairingProgress(ulong Spans, ulong Singles, ulong Newest);

/// <summary>How many spans (pairs, for <see cref="Paired"/>) got each outcome, over the retention of span_call_outcomes.</summary>
public sealed record SpanPairingOutcomes(long Paired, long User, long Virtual, long Unpaired, long Late);

/// <summary>
/// Pairs OpenTelemetry spans into mesh requests, the way Tempo's and the OpenTelemetry Collector's
/// service-graph processors do, but statelessly inside ClickHouse: a caller's span (Client,
/// Producer) and the callee's span (Server, Consumer) whose parent it is make one request from the
/// caller's service to the callee's. The state is the span_calls staging table itself, read by
/// block number as <see cref="MeshReportPairing"/> reads mesh_reports: blocks up to a number form a
/// prefix no later insert adds to, so two marks describe all progress, and each step records them
/// in the rows it inserts.
/// <para>
/// A step takes in the new blocks (P, T] and, with S the singles mark, decides:
/// a pair is emitted in the step its later span arrives in, if its earlier span's block is above S
/// (not given up on yet); a root callee span is a request from the virtual peer "user", and a
/// caller span with db.system one to a database (databases send no spans), both at once; spans in
/// (S, S'] (S' = the last block before the first one younger than the lag) that have no partner
/// in any block up to T are classified alone: a caller whose attributes name a peer becomes a
/// request to that virtual peer, anything else is unpaired; a span whose partner is at or below S
/// is late: the partner was already classified alone, so the call is not counted again. Each span
/// thus gets exactly one outcome (a pair one for both), in one step. Two spans are partners only
/// if they arrived within twice the lag of each other: that keeps the decision the same in every
/// step that looks at it, and bounds how far back a step reads.
/// </para>
/// <para>
/// Every decision is one row of span_call_outcomes (with both marks); a materialized view copies
/// the requests among them into mesh_requests, whose views fill the rollups. The marks are loaded
/// from span_call_outcomes on the first step, so restarts resume exactly and any process can take
/// over. A step that fails inside its insert may have stored part of its rows (ClickHouse has no
/// transaction across a table and its views); the next step reloads the marks rather than trusting
/// its own, so that an insert which did commit (e.g. one whose answer timed out) is not repeated.
/// </para>
/// </summary>
/// <param name="time">
/// The clock the lag is measured with against ReceivedAt, which the engine stamps: the two should
/// agree (NTP); a skew only moves when spans are given up on, never what is counted.
/// </param>
public sealed class SpanPairing(IClickHouseTransport store, string database, SpanPairingOptions options, TimeProvider time)
{
    private readonly string _calls = $"`{database}`.{SpanSchema.Calls.Name}";
    private readonly string _outcomes = $"`{database}`.{SpanSchema.Outcomes.Name}";
    private string? _insert;
    private SpanPairingProgress? _progress;

    /// <summary>The progress after the last step (loaded from span_call_outcomes on the first).</summary>
    public SpanPairingProgress? Progress => _progress;

    /// <summary>Runs one step: classifies what is ready and returns the new progress.</summary>
    public async Task<SpanPairingProgress> PairAsync(CancellationToken cancellationToken = default)
    {
        var progress = _progress ??= await LoadAsync(cancellationToken).ConfigureAwait(false);
        var newest = ulong.Parse((await store.QueryRowAsync(
            $"SELECT max(_block_number) FROM {_calls} WHERE {MeshSchema.MaxBlockOfPart} > {{from:UInt64}} AND _block_number > {{from:UInt64}}",
            new QueryParameters().Add("from", progress.Singles), cancellationToken).ConfigureAwait(false))[0]);
        if (newest <= progress.Singles)
        {
            return progress;
        }
        // Pairs advance by new blocks; singles trail behind by the lag, so they are bounded separately.
        var through = Math.Max(progress.Spans, Math.Min(newest, progress.Spans + (ulong)options.MaxBlocksPerStep));
        var lagMillis = (long)options.Lag.TotalMilliseconds;
        var ready = await store.QueryRowAsync($$"""
            SELECT minIf(_block_number, ReceivedAt > fromUnixTimestamp64Milli({young_after_ms:Int64})),
                   toUnixTimestamp64Milli(min(ReceivedAt)), count()
            FROM {{_calls}}
            WHERE {{MeshSchema.MaxBlockOfPart}} > {from:UInt64} AND _block_number > {from:UInt64} AND _block_number <= {through:UInt64}
            """,
            new QueryParameters()
                .Add("from", progress.Singles)
                .Add("through", through)
                .Add("young_after_ms", time.GetUtcNow().ToUnixTimeMilliseconds() - lagMillis),
            cancellationToken).ConfigureAwait(false);
        var young = ulong.Parse(ready[0]);
        var singles = Math.Min(young == 0 ? through : young - 1, progress.Singles + (ulong)options.MaxBlocksPerStep);
        var next = new SpanPairingProgress(through, Math.Max(progress.Singles, singles), newest);
        if (ready[2] == "0" || (next.Spans == progress.Spans && next.Singles == progress.Singles))
        {
            // Nothing to classify: the marks move on in memory only, and a restart simply looks again.
            return _progress = next;
        }

        // Partners arrive within twice the lag of each other; nothing older than that is read.
        var reachMillis = 2 * lagMillis;
        var parameters = new QueryParameters()
            .Add("spans_from", progress.Spans)
            .Add("through", next.Spans)
            .Add("singles_from", progress.Singles)
            .Add("singles_through", next.Singles)
            .Add("reach_ms", reachMillis)
            .Add("since_ms", long.Parse(ready[1]) - reachMillis);
        try
        {
            await store.ExecuteAsync(_insert ??= InsertSql(), parameters, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _progress = null;
            throw;
        }
        return _progress = next;
    }

    /// <summary>How many spans got each outcome (pairs count once), over the retention of span_call_outcomes.</summary>
    public async Task<SpanPairingOutcomes> OutcomesAsync(CancellationToken cancellationToken = default)
    {
        var counts = (await store.QueryRowsAsync($"SELECT Outcome, count() FROM {_outcomes} GROUP BY Outcome", cancellationToken: cancellationToken).ConfigureAwait(false))
            .ToDictionary(f => f[0], f => TabSeparated.Long(f[1]));
        long Count(string outcome) => counts.GetValueOrDefault(outcome);
        return new SpanPairingOutcomes(
            Count(SpanOutcome.Paired), Count(SpanOutcome.User), Count(SpanOutcome.Virtual), Count(SpanOutcome.Unpaired), Count(SpanOutcome.Late));
    }

    private async Task<SpanPairingProgress> LoadAsync(CancellationToken cancellationToken)
    {
        var fields = await store.QueryRowAsync($"SELECT max(SpansThrough), max(SpanSinglesThrough) FROM {_outcomes}", null, cancellationToken).ConfigureAwait(false);
        var spans = ulong.Parse(fields[0]);
        return new SpanPairingProgress(spans, ulong.Parse(fields[1]), spans);
    }


    /// <summary>
    /// One insert per step. <c>calls</c>: the staged spans a step can need, i.e. those up to T of the
    /// traces it touches (a span new in (P, T] or expiring in (S, S']), within the reach. <c>partners</c>:
    /// each span that has partners, with the newest partner's block. Then the pairs, and the spans
    /// decided alone: at once (root callee, database caller), late, or expired without a partner.
    /// </summary>
    private string InsertSql()
    {
        const string Reach = "abs(toUnixTimestamp64Milli(s.ReceivedAt) - toUnixTimestamp64Milli(c.ReceivedAt)) <= {reach_ms:Int64}";
        const string PairJoin = """
            (SELECT * FROM calls WHERE Side = 'callee' AND Linkable) AS s
            INNER JOIN (SELECT * FROM calls WHERE Side = 'caller' AND Linkable) AS c ON s.TraceId = c.TraceId AND s.ParentSpanId = c.SpanId
            """;
        const string Window = "ReceivedAt >= fromUnixTimestamp64Milli({since_ms:Int64})";
        var marks = "{through:UInt64}, {singles_through:UInt64}";
        return $$"""
            INSERT INTO {{_outcomes}} ({{SpanSchema.Outcomes.Columns}})
            WITH
                calls AS (
                    SELECT *, _block_number AS Block,
                           (Side = 'callee' AND ParentSpanId != '') OR (Side = 'caller' AND PeerKind != 'database') AS Linkable
                    FROM {{_calls}}
                    WHERE {{Window}} AND _block_number <= {through:UInt64}
                      AND TraceId IN (
                          SELECT TraceId FROM {{_calls}}
                          WHERE {{Window}} AND {{MeshSchema.MaxBlockOfPart}} > {singles_from:UInt64}
                            AND _block_number > {singles_from:UInt64} AND _block_number <= {through:UInt64}
                            AND (_block_number > {spans_from:UInt64} OR _block_number <= {singles_through:UInt64}))
                ),
                partners AS (
                    SELECT e.1 AS Side, TraceId, e.2 AS SpanId, e.3 AS Block, max(e.4) AS Newest
                    FROM (
                        SELECT s.TraceId AS TraceId, [('callee', s.SpanId, s.Block, c.Block), ('caller', c.SpanId, c.Block, s.Block)] AS ends
                        FROM {{PairJoin}}
                        WHERE {{Reach}}
                    )
                    ARRAY JOIN ends AS e
                    GROUP BY Side, TraceId, SpanId, Block
                )
            SELECT '{{SpanOutcome.Paired}}', c.SpanId, s.SpanId, {{PairColumns()}}, s.AdjustedCount, {{marks}}
            FROM {{PairJoin}}
            WHERE {{Reach}} AND greatest(s.Block, c.Block) > {spans_from:UInt64} AND least(s.Block, c.Block) > {singles_from:UInt64}
            UNION ALL
            SELECT multiIf(NOT x.Linkable, if(x.Side = 'callee', '{{SpanOutcome.User}}', '{{SpanOutcome.Virtual}}'),
                           p.Block != 0, '{{SpanOutcome.Late}}',
                           x.Side = 'caller' AND x.PeerKind != 'unknown', '{{SpanOutcome.Virtual}}',
                           '{{SpanOutcome.Unpaired}}'),
                   if(x.Side = 'caller', x.SpanId, ''), if(x.Side = 'callee', x.SpanId, ''), {{SingleColumns()}}, x.AdjustedCount, {{marks}}
            FROM calls AS x
            LEFT JOIN partners AS p ON x.Side = p.Side AND x.TraceId = p.TraceId AND x.SpanId = p.SpanId AND x.Block = p.Block
            WHERE (x.Block > {spans_from:UInt64} AND (NOT x.Linkable OR (p.Block != 0 AND p.Newest <= {singles_from:UInt64})))
               OR (x.Block > {singles_from:UInt64} AND x.Block <= {singles_through:UInt64} AND x.Linkable AND p.Block = 0)
            """;
    }

    /// <summary>
    /// A pair is a request from the caller's service to the callee's, measured on the callee's side
    /// as proxies' are; it counts as the callee span's adjusted count (both sides of a call share
    /// the trace's sampling decision).
    /// </summary>
    private static string PairColumns() => Columns(column => column switch
    {
        "Timestamp" or "TraceId" or "Duration" => $"s.{column}",
        _ when Side(column, "Source") is { } field => Own("c", field),
        _ when Side(column, "Destination") is { } field => Own("s", field),
        "Protocol" => "if(s.Protocol != 'unknown', s.Protocol, c.Protocol)",
        "Method" or "Authority" or "Path" => $"if(s.{column} != '', s.{column}, c.{column})",
        "ResponseCode" or "BytesReceived" or "BytesSent" => $"if(s.{column} != 0, s.{column}, c.{column})",
        "GrpcStatus" => "if(s.GrpcStatus != -1, s.GrpcStatus, c.GrpcStatus)",
        // A caller's span reports a 4xx answer as an error (semantic conventions); the callee's does not, and the request is the callee's.
        "Error" => "s.Error OR (c.Error AND NOT (s.ResponseCode BETWEEN 400 AND 499))",
        _ => Constant(column),
    });

    /// <summary>A span alone: its own service on its side, on the other the peer its attributes name, the user for a root callee, or unknown.</summary>
    private static string SingleColumns() => Columns(column => column switch
    {
        _ when Side(column, "Source") is { } field => $"if(x.Side = 'caller', {Own("x", field)}, {Remote(field)})",
        _ when Side(column, "Destination") is { } field => $"if(x.Side = 'callee', {Own("x", field)}, {Remote(field)})",
        "Timestamp" or "TraceId" or "Duration" or "Protocol" or "Method" or "Authority" or "Path" or "ResponseCode" or "GrpcStatus"
            or "BytesReceived" or "BytesSent" or "Error" => $"x.{column}",
        _ => Constant(column),
    });

    private static string Columns(Func<string, string> expression) => string.Join(", ", MeshSchema.Requests.Columns.Split(", ").Select(expression));

    private static string? Side(string column, string side) => column.StartsWith(side, StringComparison.Ordinal) ? column[side.Length..] : null;

    /// <summary>
    /// A span's own service: a workload, unless nothing named it; a gateway when its name says so,
    /// as the access-log resolver decides, so a gateway seen in traces and in its proxy's logs is one node.
    /// </summary>
    private static string Own(string span, string field) =>
        field == "Kind" ? $"multiIf({span}.Workload = 'unknown', 'unknown', positionCaseInsensitive({span}.Workload, 'gateway') > 0, 'gateway', 'workload')" : $"{span}.{field}";

    private static string Remote(string field)
    {
        const string Root = "x.Side = 'callee' AND x.ParentSpanId = ''";
        return field switch
        {
            "Workload" => $"multiIf(x.PeerKind != 'unknown', x.PeerWorkload, {Root}, 'user', 'unknown')",
            "Service" => $"multiIf(x.PeerKind != 'unknown', x.PeerService, {Root}, 'user', 'unknown')",
            "Kind" => $"multiIf(x.PeerKind != 'unknown', x.PeerKind, {Root}, 'user', 'unknown')",
            _ => "'unknown'",
        };
    }

    /// <summary>What a span never says: the proxy-only columns.</summary>
    private static string Constant(string column) => column switch
    {
        "RequestId" or "UpstreamCluster" or "UpstreamHost" => "''",
        "Reporter" => "'unknown'",
        "Origin" => "'span'",
        "ResponseFlags" => "CAST([], 'Array(String)')",
        "Mtls" => "false",
        _ => throw new InvalidOperationException($"mesh_requests column {column} has no value for span pairs"),
    };
}
