using Observe.Store;
using Observe.Store.Mesh;
using Observe.Store.RowBinary;
using Observe.Store.Schema;

namespace Observe.Collector.Bench;

/// <summary>One side of a synthetic edge, as the rollups key it.</summary>
internal sealed record SyntheticPeer(string Workload, string Namespace, string Service, string Zone, string Kind);

/// <summary>A synthetic caller → callee edge and the traffic shape the generator gives it.</summary>
/// <param name="Weight">Multiplies the requests per window; the weights average 1.</param>
internal sealed record SyntheticEdge(SyntheticPeer Source, SyntheticPeer Destination, string Protocol, int ErrorPermille, double LatencyMillis, double Weight);

/// <summary>
/// A layered mesh — users → gateways → frontends → mid-tier → backends → databases — and the SQL
/// that fills mesh_requests with its traffic inside the engine. Requests go through mesh_requests
/// so that the real materialized views build the rollups, as they do in production.
/// </summary>
internal sealed class SyntheticMesh
{
    private const string EdgeTable = "bench_edges";

    private SyntheticMesh(IReadOnlyList<SyntheticEdge> edges) => Edges = edges;

    public IReadOnlyList<SyntheticEdge> Edges { get; }

    /// <summary>Peers at either end of an edge: workloads, the databases and the user peer.</summary>
    public int Peers => Edges.SelectMany(e => new[] { e.Source, e.Destination }).Distinct().Count();

    public int CrossZoneEdges => Edges.Count(e => e.Source.Zone != e.Destination.Zone && e.Source.Kind != "user");

    /// <summary>
    /// <paramref name="workloads"/> workloads spread round-robin over <paramref name="zones"/> zones,
    /// in tiers, each calling 2–3 peers of the next tier (mostly in its own zone, as locality-aware
    /// routing does), plus virtual database peers and one user peer. Seeded: every run is the same mesh.
    /// </summary>
    public static SyntheticMesh Generate(int workloads, int zones)
    {
        var random = new Random(42);
        var zoneNames = Enumerable.Range(0, zones).Select(z => $"zone-{(char)('a' + z % 26)}{(z >= 26 ? z / 26 : "")}").ToArray();
        var gateways = Math.Max(1, Math.Min(workloads / 10, zones * Math.Max(1, workloads / 100)));
        var frontends = Math.Max(1, workloads * 15 / 100);
        var backends = Math.Max(1, workloads * 35 / 100);
        var mid = Math.Max(1, workloads - gateways - frontends - backends);
        var databases = Math.Max(zones, workloads / 10);
        var n = 0;
        SyntheticPeer[] Tier(int count, string prefix, string ns, string kind) =>
            [.. Enumerable.Range(0, count).Select(i => kind == "workload" || kind == "gateway"
                ? new SyntheticPeer($"{prefix}-{i:000}-v1", ns, $"{prefix}-{i:000}", zoneNames[n++ % zones], kind)
                : new SyntheticPeer($"{prefix}-{i:000}", ns, $"{prefix}-{i:000}", zoneNames[i % zones], kind))];
        var tiers = new[]
        {
            Tier(gateways, "ingress", "istio-system", "gateway"),
            Tier(frontends, "web", "web", "workload"),
            Tier(mid, "api", "core", "workload"),
            Tier(backends, "svc", "core", "workload"),
            Tier(databases, "db", "unknown", "database"),
        };
        // Users enter through every gateway; each later tier calls the next one.
        var user = new SyntheticPeer("user", "unknown", "user", "unknown", "user");
        var edges = tiers[0].Select(g => Edge(random, user, g, "http/1.1", 50, 150)).ToList();
        var protocols = new[] { ("http/1.1", 20.0, 80.0), ("http/2", 5.0, 40.0), ("grpc", 2.0, 20.0), ("tcp", 0.5, 5.0) };
        for (var t = 0; t < tiers.Length - 1; t++)
        {
            var (protocol, fast, slow) = protocols[t];
            foreach (var caller in tiers[t])
            {
                var callees = new HashSet<SyntheticPeer>();
                var wanted = Math.Min(random.Next(2, 4), tiers[t + 1].Length);
                while (callees.Count < wanted)
                {
                    // 85 % of calls stay in the caller's zone; the rest cross zones.
                    var local = tiers[t + 1].Where(p => p.Zone == caller.Zone).ToArray();
                    var pool = local.Length > 0 && random.NextDouble() < 0.85 ? local : tiers[t + 1];
                    callees.Add(pool[random.Next(pool.Length)]);
                }
                edges.AddRange(callees.Select(c => Edge(random, caller, c, protocol, fast, slow)));
            }
        }
        var mean = edges.Average(e => e.Weight);
        return new SyntheticMesh([.. edges.Select(e => e with { Weight = e.Weight / mean })]);
    }

    private static SyntheticEdge Edge(Random random, SyntheticPeer source, SyntheticPeer destination, string protocol, double fast, double slow)
    {
        // Most edges nearly clean; one in ten degraded (0.5–2 %), one in twenty failing (5–20 %).
        var roll = random.NextDouble();
        var errorPermille = roll < 0.05 ? random.Next(50, 201) : roll < 0.15 ? random.Next(5, 21) : random.Next(0, 3);
        return new SyntheticEdge(source, destination, protocol, errorPermille, fast + random.NextDouble() * (slow - fast), 0.5 + random.NextDouble());
    }

    /// <summary>Writes the edges into a small table of the database that the generating insert joins.</summary>
    public async Task CreateEdgeTableAsync(IClickHouseTransport engine, string database, CancellationToken cancellationToken)
    {
        await engine.ExecuteAsync($"""
            CREATE TABLE `{database}`.{EdgeTable} (
                Edge UInt32,
                SourceWorkload String, SourceNamespace String, SourceService String, SourceZone String, SourceKind String,
                DestinationWorkload String, DestinationNamespace String, DestinationService String, DestinationZone String, DestinationKind String,
                Protocol String, ErrorPermille UInt16, LatencyMillis Float64, Weight Float64
            ) ENGINE = Memory
            """, cancellationToken: cancellationToken).ConfigureAwait(false);
        using var w = new RowBinaryWriter();
        for (var i = 0; i < Edges.Count; i++)
        {
            var e = Edges[i];
            w.UInt32((uint)i);
            foreach (var p in new[] { e.Source, e.Destination })
            {
                w.String(p.Workload);
                w.String(p.Namespace);
                w.String(p.Service);
                w.String(p.Zone);
                w.String(p.Kind);
            }
            w.String(e.Protocol);
            w.UInt16((ushort)e.ErrorPermille);
            w.Float64(e.LatencyMillis);
            w.Float64(e.Weight);
        }
        await engine.InsertRowBinaryAsync($"`{database}`.{EdgeTable}",
            "Edge, SourceWorkload, SourceNamespace, SourceService, SourceZone, SourceKind, " +
            "DestinationWorkload, DestinationNamespace, DestinationService, DestinationZone, DestinationKind, " +
            "Protocol, ErrorPermille, LatencyMillis, Weight", w.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Inserts the requests of the 10 s windows [<paramref name="firstWindow"/>, <paramref name="firstWindow"/> + <paramref name="windows"/>)
    /// counted from <paramref name="startSeconds"/>. Row number = window × edges + edge; each (edge, window)
    /// then expands to its request count: requests-per-window × the edge's weight × a diurnal factor
    /// (0.5 at midnight UTC to 1.5 at noon), rounded up or down at random so that it averages out.
    /// Every other value is a hash of (edge, window, request) and the edge's shape.
    /// </summary>
    public async Task InsertRequestsAsync(IClickHouseTransport engine, string database, long startSeconds, long firstWindow, long windows,
        double requestsPerWindow, CancellationToken cancellationToken)
    {
        var sql = $$"""
            INSERT INTO `{{database}}`.{{MeshSchema.Requests.Name}} ({{MeshSchema.Requests.Columns}})
            SELECT
                fromUnixTimestamp64Nano(toInt64({start_s:Int64} + w * 10) * 1000000000 + toInt64(h0 % 10000000000)),
                lower(hex(reinterpretAsFixedString(h1))) || lower(hex(reinterpretAsFixedString(h2))),
                lower(hex(reinterpretAsFixedString(h2))) || lower(hex(reinterpretAsFixedString(h1))),
                'destination', 'accesslog',
                SourceWorkload, SourceNamespace, SourceService, 'v1', 'c1', SourceZone, SourceKind,
                DestinationWorkload, DestinationNamespace, DestinationService, if(DestinationKind = 'database', 'unknown', 'v1'), 'c1', DestinationZone, DestinationKind,
                Protocol,
                if(Protocol = 'tcp', '', if(h3 % 4 = 0, 'POST', 'GET')),
                DestinationService || ':8080',
                if(Protocol = 'tcp', '', '/' || DestinationService || '/' || toString(h3 % 50)),
                multiIf(Protocol = 'tcp', 0, failed AND Protocol != 'grpc', 503, Protocol != 'grpc' AND h4 % 100 = 0, 404, 200),
                if(Protocol = 'grpc', if(failed, 14, 0), -1),
                if(failed AND Protocol = 'tcp', ['UF'], []),
                -- Latency: the edge's base, spread 0.6–1.4×, and a tail of 1 % up to 10× slower.
                toUInt64(LatencyMillis * 1e6 * (0.6 + 0.8 * (h4 % 1000) / 1000 + if(h5 % 100 = 0, 10 * (h5 % 1000) / 1000, 0))),
                200 + h5 % 2000,
                500 + h3 % 20000,
                SourceKind != 'user',
                failed,
                'outbound|8080||' || DestinationService || '.' || DestinationNamespace || '.svc.cluster.local',
                '10.' || toString(h1 % 4) || '.' || toString(h2 % 250) || '.' || toString(h3 % 250) || ':8080'
            FROM (
                SELECT *,
                    cityHash64(e, w, k, 0) AS h0, cityHash64(e, w, k, 1) AS h1, cityHash64(e, w, k, 2) AS h2,
                    cityHash64(e, w, k, 3) AS h3, cityHash64(e, w, k, 4) AS h4, cityHash64(e, w, k, 5) AS h5,
                    cityHash64(e, w, k, 6) % 1000 < ErrorPermille AS failed
                FROM (
                    SELECT g.e AS e, g.w AS w, x.*,
                        {per_window:Float64} * x.Weight
                            * (1 + 0.5 * sin(2 * pi() * ((({start_s:Int64} + g.w * 10) % 86400) - 21600) / 86400)) AS expected,
                        toUInt32(floor(expected + (cityHash64(g.e, g.w) % 1000) / 1000)) AS requests
                    FROM (
                        SELECT toUInt32(number % {edges:UInt64}) AS e, intDiv(number, {edges:UInt64}) AS w
                        FROM numbers({first:UInt64}, {count:UInt64})
                    ) AS g
                    INNER JOIN `{{database}}`.{{EdgeTable}} AS x ON x.Edge = g.e
                )
                ARRAY JOIN range(requests) AS k
            )
            """;
        await engine.ExecuteAsync(sql, new QueryParameters()
            .Add("start_s", startSeconds).Add("per_window", requestsPerWindow).Add("edges", (long)Edges.Count)
            .Add("first", firstWindow * Edges.Count).Add("count", windows * Edges.Count), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The requests of [from, to) as OpenTelemetry spans: per request a client span in the caller's
    /// service and a server span, its child, in the callee's (requests from users only the server
    /// span, a root). Attributes as an instrumented service would set them; ids from the request id.
    /// </summary>
    public static async Task InsertSpansAsync(IClickHouseTransport engine, string database, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var sql = $$"""
            INSERT INTO `{{database}}`.{{OtelSchema.Traces.Name}}
                (Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes,
                 ScopeName, ScopeVersion, SpanAttributes, Duration, StatusCode, StatusMessage)
            SELECT
                if(client, Timestamp, Timestamp + toIntervalMicrosecond(200)),
                TraceId,
                if(client, client_id, server_id),
                multiIf(client, lower(hex(reinterpretAsFixedString(cityHash64(RequestId)))), SourceKind = 'user', '', client_id),
                '',
                if(Protocol = 'tcp', 'query', Method || ' /' || DestinationService),
                if(client, 'Client', 'Server'),
                if(client, SourceService, DestinationService),
                map('service.name', if(client, SourceService, DestinationService),
                    'service.namespace', if(client, SourceNamespace, DestinationNamespace),
                    'service.version', if(client, SourceVersion, DestinationVersion),
                    'k8s.namespace.name', if(client, SourceNamespace, DestinationNamespace),
                    'k8s.deployment.name', if(client, SourceWorkload, DestinationWorkload),
                    'k8s.cluster.name', 'c1',
                    'cloud.availability_zone', if(client, SourceZone, DestinationZone)),
                'bench', '1.0',
                map('http.request.method', Method, 'url.path', Path, 'server.address', Authority,
                    'http.response.status_code', toString(ResponseCode), 'network.protocol.name', Protocol),
                Duration + if(client, 300000, 0),
                if(Error, 'Error', 'Unset'),
                ''
            FROM (
                SELECT *, substring(RequestId, 1, 16) AS client_id, substring(RequestId, 17, 16) AS server_id
                FROM `{{database}}`.{{MeshSchema.Requests.Name}}
                WHERE Timestamp >= fromUnixTimestamp64Nano({from_ns:Int64}) AND Timestamp < fromUnixTimestamp64Nano({to_ns:Int64})
            )
            ARRAY JOIN [true, false] AS client
            WHERE NOT (client AND SourceKind = 'user')
            """;
        await engine.ExecuteAsync(sql, new QueryParameters().AddUnixNanos("from_ns", from).AddUnixNanos("to_ns", to), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The graph as one would compute it without rollups: client spans joined to their server
    /// children by trace and parent id over the window, grouped by (client service, server service).
    /// Returns the number of edges found.
    /// </summary>
    public static async Task<int> NaiveGraphAsync(IClickHouseTransport engine, string database, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var sql = $$"""
            SELECT c.ServiceName AS client, s.ServiceName AS server,
                count() AS requests, countIf(s.StatusCode = 'Error') AS errors,
                quantiles(0.5, 0.95, 0.99)(s.Duration / 1e6) AS latency_ms
            FROM (
                SELECT TraceId, SpanId, ServiceName FROM `{{database}}`.{{OtelSchema.Traces.Name}}
                WHERE SpanKind = 'Client' AND Timestamp >= fromUnixTimestamp64Nano({from_ns:Int64}) AND Timestamp < fromUnixTimestamp64Nano({to_ns:Int64})
            ) AS c
            INNER JOIN (
                SELECT TraceId, ParentSpanId, ServiceName, StatusCode, Duration FROM `{{database}}`.{{OtelSchema.Traces.Name}}
                WHERE SpanKind = 'Server' AND Timestamp >= fromUnixTimestamp64Nano({from_ns:Int64}) AND Timestamp < fromUnixTimestamp64Nano({to_ns:Int64}) + INTERVAL 1 MINUTE
            ) AS s ON s.TraceId = c.TraceId AND s.ParentSpanId = c.SpanId
            GROUP BY client, server
            """;
        var answer = await engine.QueryAsync(sql, "TabSeparated", new QueryParameters().AddUnixNanos("from_ns", from).AddUnixNanos("to_ns", to), cancellationToken).ConfigureAwait(false);
        return answer.Count(b => b == (byte)'\n');
    }

    public static async Task<long> CountAsync(IClickHouseTransport engine, string database, string table, CancellationToken cancellationToken)
    {
        return TabSeparated.Long((await engine.QueryRowAsync($"SELECT count() FROM `{database}`.{table}", cancellationToken: cancellationToken).ConfigureAwait(false))[0]);
    }
}
