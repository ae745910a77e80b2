using Observe.Store.Schema;

namespace Observe.Store.Mesh;

/// <summary>What the span pairing decided about a span (or a pair of spans), as stored in span_call_outcomes.</summary>
public static class SpanOutcome
{
    /// <summary>A caller's span and its callee's span: one request between two instrumented services.</summary>
    public const string Paired = "paired";

    /// <summary>A root server or consumer span: a request that came from outside, from the virtual peer "user".</summary>
    public const string User = "user";

    /// <summary>A caller's span whose callee sends no spans (a database, a broker, a host): a request to a peer its attributes name.</summary>
    public const string Virtual = "virtual";

    /// <summary>A span whose partner never came within the lag and whose attributes name no peer; not a request.</summary>
    public const string Unpaired = "unpaired";

    /// <summary>A span whose partner had already been given up on (counted alone) when it arrived; not counted again.</summary>
    public const string Late = "late";

    /// <summary>Every outcome, in the order statistics show them.</summary>
    public static IReadOnlyList<string> All { get; } = [Paired, User, Virtual, Unpaired, Late];

    /// <summary>The outcomes that are requests, i.e. that reach mesh_requests and its rollups.</summary>
    public static IReadOnlyList<string> Requests { get; } = [Paired, User, Virtual];
}

/// <summary>
/// Spans become mesh requests in two tables. span_calls stages every Server, Client, Producer and
/// Consumer span of otel_traces (a materialized view fills it) with only what pairing needs, already
/// read out of the attribute maps, so that pairing never scans the wide raw table. Pairing writes
/// what it decided about each span to span_call_outcomes; a view copies the outcomes that are
/// requests into mesh_requests, whose own views fill the rollups. Both tables are kept for
/// <see cref="RetentionOptions.SpanCalls"/>: the outcomes carry the pairing's progress, and must
/// outlive the staged spans they describe so that a restart never finds spans it has forgotten
/// it classified.
/// </summary>
public static class SpanSchema
{
    /// <summary>
    /// Columns the view fills (ReceivedAt is the engine's clock at insert). Side is caller (Client,
    /// Producer) or callee (Server, Consumer); Workload … Zone are the span's own service, from its
    /// resource; Peer* the remote peer the attributes of a caller name, or the broker a consumer
    /// reads from (Kind 'unknown' when none).
    /// </summary>
    public static readonly TableSpec Calls = new("span_calls",
        "Timestamp, TraceId, SpanId, ParentSpanId, Side, Workload, Namespace, Service, Version, Cluster, Zone, " +
        "PeerWorkload, PeerService, PeerKind, Protocol, Method, Authority, Path, ResponseCode, GrpcStatus, Duration, " +
        "BytesReceived, BytesSent, Error");

    /// <summary>One row per classified span or pair: the request it is (or would be), and the step's progress.</summary>
    public static readonly TableSpec Outcomes = new("span_call_outcomes",
        $"Outcome, CallerSpanId, CalleeSpanId, {MeshSchema.Requests.Columns}, AdjustedCount, SpansThrough, SpanSinglesThrough");

    private const string Text = "LowCardinality(String) CODEC(ZSTD(1))";

    internal static Migration Migration { get; } = new(5, "span_calls staged from otel_traces; span pairing outcomes into mesh_requests", c =>
    [
        $"""
        CREATE TABLE IF NOT EXISTS `{c.Database}`.{Calls.Name} (
            ReceivedAt DateTime64(3) DEFAULT now64(3) CODEC(Delta, ZSTD(1)),
            Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
            TraceId String CODEC(ZSTD(1)),
            SpanId String CODEC(ZSTD(1)),
            ParentSpanId String CODEC(ZSTD(1)),
            Side {Text},
            Workload {Text},
            Namespace {Text},
            Service {Text},
            Version {Text},
            Cluster {Text},
            Zone {Text},
            PeerWorkload {Text},
            PeerService {Text},
            PeerKind {Text},
            Protocol {Text},
            Method {Text},
            Authority {Text},
            Path String CODEC(ZSTD(1)),
            ResponseCode UInt16 CODEC(ZSTD(1)),
            GrpcStatus Int16 CODEC(ZSTD(1)),
            Duration UInt64 CODEC(ZSTD(1)),
            BytesReceived UInt64 CODEC(ZSTD(1)),
            BytesSent UInt64 CODEC(ZSTD(1)),
            Error Bool
        ) ENGINE = MergeTree()
        PARTITION BY toStartOfHour(ReceivedAt)
        ORDER BY (ReceivedAt, TraceId)
        {c.Ttl("toDateTime(ReceivedAt)", c.Retention.SpanCalls)}
        SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, enable_block_number_column = 1
        """,
        $"""
        CREATE MATERIALIZED VIEW IF NOT EXISTS `{c.Database}`.{Calls.Name}_mv TO `{c.Database}`.{Calls.Name}
        AS {CallsSelect(c.Database, adjustedCount: false)}
        """,
        $"""
        ALTER TABLE `{c.Database}`.{MeshSchema.Requests.Name}
            ADD COLUMN IF NOT EXISTS SpansThrough UInt64 DEFAULT 0 CODEC(Delta, ZSTD(1)),
            ADD COLUMN IF NOT EXISTS SpanSinglesThrough UInt64 DEFAULT 0 CODEC(Delta, ZSTD(1))
        """,
        $"""
        CREATE TABLE IF NOT EXISTS `{c.Database}`.{Outcomes.Name} (
            ClassifiedAt DateTime DEFAULT now() CODEC(Delta, ZSTD(1)),
            Outcome {Text},
            CallerSpanId String CODEC(ZSTD(1)),
            CalleeSpanId String CODEC(ZSTD(1)),
        {MeshSchema.RequestColumns},
            SpansThrough UInt64 CODEC(Delta, ZSTD(1)),
            SpanSinglesThrough UInt64 CODEC(Delta, ZSTD(1))
        ) ENGINE = MergeTree()
        PARTITION BY toStartOfHour(ClassifiedAt)
        ORDER BY (ClassifiedAt, Outcome)
        {c.Ttl("ClassifiedAt", c.Retention.SpanCalls)}
        SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
        """,
        $"""
        CREATE MATERIALIZED VIEW IF NOT EXISTS `{c.Database}`.{Outcomes.Name}_mv TO `{c.Database}`.{MeshSchema.Requests.Name}
        AS SELECT {MeshSchema.Requests.Columns}, SpansThrough, SpanSinglesThrough
        FROM `{c.Database}`.{Outcomes.Name}
        WHERE Outcome IN ({string.Join(", ", SpanOutcome.Requests.Select(o => $"'{o}'"))})
        """,
    ]);

    /// <summary>
    /// A sampled span stands for more requests than itself: as many as its adjusted count, the
    /// inverse of the probability it was sampled with, which OpenTelemetry's probability sampling
    /// writes into the trace state as a rejection threshold (<c>ot=th:…</c>, 1 to 14 hex digits of
    /// a 56-bit number, trailing zeros left out: <c>th:0</c> keeps everything, <c>th:c</c> a
    /// quarter). Spans carry it from here into mesh_requests, whose views count requests by it, so
    /// an edge seen only in sampled traces shows the traffic it had, not the sample's. The views of
    /// earlier versions counted one per span; their queries are changed in place (no gap in which
    /// an insert would pass unseen, should another replica be ingesting), and the rollups keep their rows.
    /// </summary>
    internal static Migration AdjustedCountMigration { get; } = new(8, "sampled spans count as the requests they stand for (adjusted count from the trace state)", c =>
    [
        .. new[] { Calls.Name, Outcomes.Name, MeshSchema.Requests.Name }.Select(table =>
            $"ALTER TABLE `{c.Database}`.{table} ADD COLUMN IF NOT EXISTS AdjustedCount UInt32 DEFAULT 1 CODEC(ZSTD(1))"),
        $"""
        ALTER TABLE `{c.Database}`.{Calls.Name}_mv MODIFY QUERY
        {CallsSelect(c.Database, adjustedCount: true)}
        """,
        $"""
        ALTER TABLE `{c.Database}`.{Outcomes.Name}_mv MODIFY QUERY
        SELECT {MeshSchema.Requests.Columns}, AdjustedCount, SpansThrough, SpanSinglesThrough
        FROM `{c.Database}`.{Outcomes.Name}
        WHERE Outcome IN ({string.Join(", ", SpanOutcome.Requests.Select(o => $"'{o}'"))})
        """,
        .. MeshSchema.WeightedViews(c),
        .. Slo.SloSchema.WeightedViews(c),
    ]);

    /// <summary>The th value of the trace state's ot entry (W3C list members, optional spaces around them), or ''; most spans have no trace state, and skip the regex.</summary>
    private const string ThresholdHex = "if(position(TraceState, 'th:') = 0, '', extract(TraceState, '(?:^|,)[ \t]*ot=(?:[^,]*;)?th:([0-9a-f]+)(?:;|,|[ \t]|$)'))";

    /// <summary>
    /// The adjusted count of a span from its trace state, 2^56 / (2^56 − threshold) (to six
    /// decimals), in whole requests: a fraction f is rounded up with probability f, so that sums
    /// stay true to it (a share of 0.75 is 1.33 requests a span, not 1); 1 when the trace state
    /// names no threshold or an invalid one.
    /// </summary>
    private const string AdjustedCount = """
        toUInt32(if(threshold_hex = '' OR length(threshold_hex) > 14, 1,
            least(4294967295, floor(adjusted) + (rand() / 4294967296 < adjusted - floor(adjusted)))))
        """;

    /// <summary>The adjusted count as a real number, from the threshold's hex digits (trailing zeros implied).</summary>
    private const string Adjusted =
        "round(pow(2, 56) / (pow(2, 56) - toFloat64(reinterpretAsUInt64(reverse(unhex(leftPad(rightPad(threshold_hex, 14, '0'), 16, '0')))))), 6)";

    /// <summary>
    /// Reads a span's call out of its attributes (OpenTelemetry semantic conventions, current names
    /// first, then the older ones SDKs still send). Missing values are 'unknown' for peers, '' for
    /// request fields, 0 for a status, -1 for a gRPC status.
    /// </summary>
    private static string CallsSelect(string database, bool adjustedCount)
    {
        var threshold = adjustedCount ? $" {ThresholdHex} AS threshold_hex, {Adjusted} AS adjusted," : "";
        var adjusted = adjustedCount ? $", {AdjustedCount} AS AdjustedCount" : "";
        return $"""
        WITH{threshold}
            SpanKind IN ('Client', 'Producer') AS caller,
            {First(A("db.system.name"), A("db.system"))} AS db_system,
            {First(A("db.namespace"), A("db.name"))} AS db_name,
            {A("peer.service")} AS peer_service,
            {A("messaging.system")} AS messaging,
            {First(A("messaging.destination.name"), A("messaging.destination"))} AS destination,
            replaceRegexpOne({First(A("server.address"), A("net.peer.name"), $"domain({First(A("url.full"), A("http.url"))})", A("http.host"))}, ':[0-9]+$', '') AS host,
            {A("rpc.system")} AS rpc,
            {First(A("http.request.method"), A("http.method"))} AS http_method,
            toUInt16OrZero({First(A("http.response.status_code"), A("http.status_code"))}) AS status,
            {First(A("network.protocol.version"), A("http.flavor"))} AS http_version,
            -- A caller names its callee; a consumer may name the broker it reads from.
            multiIf(caller AND db_system != '', 'database', caller AND peer_service != '', 'workload',
                    messaging != '', 'messaging', caller AND host != '', 'external', 'unknown') AS peer_kind
        SELECT
            Timestamp, TraceId, SpanId, ParentSpanId,
            if(caller, 'caller', 'callee') AS Side,
            {First(R("k8s.deployment.name"), R("k8s.statefulset.name"), R("k8s.daemonset.name"), R("service.name"), "ServiceName", "'unknown'")} AS Workload,
            {First(R("k8s.namespace.name"), R("service.namespace"), "'unknown'")} AS Namespace,
            {First(R("service.name"), "ServiceName", "'unknown'")} AS Service,
            {First(R("service.version"), "'unknown'")} AS Version,
            {First(R("k8s.cluster.name"), "'unknown'")} AS Cluster,
            {First(R("cloud.availability_zone"), "'unknown'")} AS Zone,
            multiIf(peer_kind = 'database', {First("peer_service", "db_name", "db_system")}, peer_kind = 'workload', peer_service,
                    peer_kind = 'messaging', {First("destination", "messaging")}, peer_kind = 'external', host, 'unknown') AS PeerWorkload,
            multiIf(peer_kind = 'database', db_system, peer_kind = 'workload', peer_service,
                    peer_kind = 'messaging', messaging, peer_kind = 'external', host, 'unknown') AS PeerService,
            peer_kind AS PeerKind,
            multiIf(rpc = 'grpc', 'grpc',
                    http_method != '' OR status != 0,
                    multiIf(http_version IN ('2', '2.0'), 'http/2', http_version IN ('3', '3.0', 'QUIC'), 'http/3', http_version = '1.0', 'http/1.0', 'http/1.1'),
                    {First("rpc", "messaging", "db_system", $"lower({A("network.protocol.name")})", "'unknown'")}) AS Protocol,
            {First("http_method", A("rpc.method"))} AS Method,
            if(caller,
               {First(WithPort("server.address", "server.port"), WithPort("net.peer.name", "net.peer.port"), A("http.host"), UrlAuthority(First(A("url.full"), A("http.url"))))},
               {First(WithPort("server.address", "server.port"), A("http.host"), WithPort("net.host.name", "net.host.port"))}) AS Authority,
            {First(A("url.path"), $"cutQueryStringAndFragment({A("http.target")})", $"path({First(A("url.full"), A("http.url"))})", A("http.route"),
                $"if({A("rpc.method")} = '', '', concat('/', {A("rpc.service")}, '/', {A("rpc.method")}))")} AS Path,
            status AS ResponseCode,
            toInt16OrDefault({A("rpc.grpc.status_code")}, toInt16(-1)) AS GrpcStatus,
            Duration,
            toUInt64OrZero({First(A("http.request.body.size"), A("http.request_content_length"))}) AS BytesReceived,
            toUInt64OrZero({First(A("http.response.body.size"), A("http.response_content_length"))}) AS BytesSent,
            -- A server that answers 4xx did its job (semantic conventions): only its caller may call that an error.
            (StatusCode = 'Error' AND NOT (NOT caller AND status BETWEEN 400 AND 499)) OR status >= 500 AS Error{adjusted}
        FROM `{database}`.{OtelSchema.Traces.Name}
        WHERE SpanKind IN ('Server', 'Client', 'Producer', 'Consumer')
        """;
    }

    /// <summary>host[:port] of a URL, '' when it has no host.</summary>
    private static string UrlAuthority(string url) =>
        $"if(domain({url}) = '', '', concat(domain({url}), if(port({url}) = 0, '', concat(':', toString(port({url}))))))";

    private static string A(string key) => $"SpanAttributes['{key}']";

    private static string R(string key) => $"ResourceAttributes['{key}']";

    /// <summary>The first of the expressions that is not empty, or '' (end the list with a literal for another default).</summary>
    private static string First(params string[] expressions) => $"arrayFirst(v -> v != '', [{string.Join(", ", expressions)}])";

    /// <summary>host:port when both attributes are there, the host alone when only it is, else ''.</summary>
    private static string WithPort(string host, string port) =>
        $"if({A(host)} = '', '', concat({A(host)}, if({A(port)} = '', '', concat(':', {A(port)}))))";
}
