using System.Text;
using Observe.Store;
using Observe.Store.Mesh;
using Observe.Store.RowBinary;
using Observe.Store.Schema;
using Observe.Topology.Spans;

namespace Observe.Topology.Tests.Spans;

/// <summary>
/// Spans stored as real otel_traces rows (one insert per call of <see cref="WriteAsync"/>, i.e.
/// one block of span_calls) become mesh requests through the real engine. The engine stamps each
/// staged span's arrival; "the lag has passed" is the pairing's clock moved ahead of the engine's
/// (<see cref="LetTheLagPass"/>), so nothing waits.
/// </summary>
public sealed class SpanPairingTests : IAsyncLifetime
{
    private readonly IClickHouseTransport _engine = EmbeddedEngine.Shared;
    private readonly StoreOptions _store = new() { Database = EmbeddedEngine.NewDatabase("spans") };
    private readonly SpanPairingOptions _options = new() { Lag = TimeSpan.FromSeconds(30) };
    private readonly ShiftedTime _time = new();
    private readonly string _trace = Guid.NewGuid().ToString("N");
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(2);

    private static readonly Dictionary<string, string> Frontend = new()
    {
        ["service.name"] = "frontend", ["service.version"] = "v1", ["k8s.deployment.name"] = "frontend-v1",
        ["k8s.namespace.name"] = "shop", ["k8s.cluster.name"] = "c1", ["cloud.availability_zone"] = "zone-a",
    };

    private static readonly Dictionary<string, string> Reviews = new()
    {
        ["service.name"] = "reviews", ["service.version"] = "v2", ["service.namespace"] = "shop",
        ["k8s.statefulset.name"] = "reviews-v2", ["k8s.cluster.name"] = "c1", ["cloud.availability_zone"] = "zone-b",
    };

    private static readonly Dictionary<string, string> HttpCall = new()
    {
        ["http.request.method"] = "GET", ["server.address"] = "reviews", ["server.port"] = "9080", ["url.path"] = "/reviews/1",
        ["http.response.status_code"] = "200", ["network.protocol.version"] = "2",
    };

    public Task InitializeAsync() => ClickHouseStore.MigrateAsync(_engine, _store);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_client_span_and_its_server_span_are_one_request_from_the_callers_service_to_the_callees()
    {
        await WriteAsync(Client(1, parent: 0, Frontend, HttpCall, millis: 25));
        await WriteAsync(Server(2, parent: 1, Reviews, HttpCall, millis: 20));

        var progress = await Pairing().PairAsync();

        Assert.Equal(2UL, progress.Spans);
        Assert.Equal(0UL, progress.Singles);
        Assert.Equal(
            "span\tunknown\tfrontend-v1\tshop\tfrontend\tv1\tc1\tzone-a\tworkload\treviews-v2\tshop\treviews\tv2\tc1\tzone-b\tworkload\t" +
            "http/2\tGET\treviews:9080\t/reviews/1\t200\t-1\t20000000\tfalse\t2\t0",
            await QueryAsync($$"""
                SELECT Origin, Reporter, {{Peer("Source")}}, {{Peer("Destination")}},
                       Protocol, Method, Authority, Path, ResponseCode, GrpcStatus, Duration, Error, SpansThrough, SpanSinglesThrough
                FROM {db}.mesh_requests
                """));
        Assert.Equal($"{_trace}\t{Start(2)}", await QueryAsync("SELECT TraceId, toUnixTimestamp64Nano(Timestamp) FROM {db}.mesh_requests"));
        Assert.Equal("paired\t0000000000000001\t0000000000000002", await OutcomesAsync());
    }

    [Fact]
    public async Task A_server_span_that_arrives_first_waits_for_its_client_span()
    {
        var pairing = Pairing();
        await WriteAsync(Server(2, parent: 1, Reviews, HttpCall));
        await pairing.PairAsync();
        Assert.Equal("", await OutcomesAsync());

        await WriteAsync(Client(1, parent: 0, Frontend, HttpCall));
        await pairing.PairAsync();

        Assert.Equal("paired\t0000000000000001\t0000000000000002", await OutcomesAsync());
        Assert.Equal("frontend-v1\treviews-v2", await QueryAsync("SELECT SourceWorkload, DestinationWorkload FROM {db}.mesh_requests"));
    }

    [Fact]
    public async Task A_client_span_that_arrives_first_waits_for_its_server_span_and_nothing_is_left_once_the_lag_passes()
    {
        var pairing = Pairing();
        await WriteAsync(Client(1, parent: 0, Frontend, HttpCall));
        await pairing.PairAsync();
        Assert.Equal("", await OutcomesAsync());

        await WriteAsync(Server(2, parent: 1, Reviews, HttpCall));
        await pairing.PairAsync();
        LetTheLagPass();
        var progress = await pairing.PairAsync();

        Assert.Equal(progress.Spans, progress.Singles);
        Assert.Equal("paired\t0000000000000001\t0000000000000002", await OutcomesAsync());
        Assert.Equal("1", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));
    }

    [Fact]
    public async Task Both_spans_of_a_call_in_one_insert_are_paired_in_one_step()
    {
        await WriteAsync(Client(1, parent: 0, Frontend, HttpCall), Server(2, parent: 1, Reviews, HttpCall));

        await Pairing().PairAsync();

        Assert.Equal("paired\t0000000000000001\t0000000000000002", await OutcomesAsync());
        Assert.Equal("1", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));
    }

    [Fact]
    public async Task Two_collectors_writing_different_halves_of_the_same_traces_count_each_call_once()
    {
        // Collector A receives the client spans, collector B the server spans; each round they
        // insert concurrently, B one call behind A, and the pairing runs between rounds.
        var pairing = Pairing();
        const int Calls = 6;
        for (var round = 0; round <= Calls; round++)
        {
            var a = round < Calls ? WriteAsync(Client(10 * round + 1, parent: 0, Frontend, HttpCall)) : Task.CompletedTask;
            var b = round > 0 ? WriteAsync(Server(10 * (round - 1) + 2, parent: 10 * (round - 1) + 1, Reviews, HttpCall)) : Task.CompletedTask;
            await Task.WhenAll(a, b);
            await pairing.PairAsync();
        }
        LetTheLagPass();
        await pairing.PairAsync();

        Assert.Equal($"paired\t{Calls}", await QueryAsync("SELECT Outcome, count() FROM {db}.span_call_outcomes GROUP BY Outcome"));
        Assert.Equal($"{Calls}", await QueryAsync("SELECT uniqExact(CallerSpanId, CalleeSpanId) FROM {db}.span_call_outcomes"));
        Assert.Equal($"frontend-v1\treviews-v2\t{Calls}", await QueryAsync("SELECT SourceWorkload, DestinationWorkload, count() FROM {db}.mesh_requests GROUP BY ALL"));
    }

    [Fact]
    public async Task A_root_server_span_is_a_request_from_the_user_at_once()
    {
        await WriteAsync(Server(1, parent: 0, Frontend, HttpCall));

        await Pairing().PairAsync();

        Assert.Equal("user\t\t0000000000000001", await OutcomesAsync());
        Assert.Equal("user\tunknown\tuser\tuser\tfrontend-v1\tworkload",
            await QueryAsync("SELECT SourceWorkload, SourceNamespace, SourceService, SourceKind, DestinationWorkload, DestinationKind FROM {db}.mesh_requests"));
    }

    [Fact]
    public async Task A_gateway_named_so_is_a_gateway_in_spans_as_in_its_proxys_access_logs()
    {
        var gateway = new Dictionary<string, string>(Frontend) { ["service.name"] = "istio-ingressgateway", ["k8s.deployment.name"] = "istio-ingressgateway" };
        await WriteAsync(Server(1, parent: 0, gateway, HttpCall), Client(2, parent: 1, gateway, HttpCall), Server(3, parent: 2, Reviews, HttpCall));

        await Pairing().PairAsync();

        Assert.Equal("istio-ingressgateway\treviews-v2\tgateway\tworkload\nuser\tistio-ingressgateway\tuser\tgateway",
            await QueryAsync("SELECT SourceWorkload, DestinationWorkload, SourceKind, DestinationKind FROM {db}.mesh_requests ORDER BY SourceWorkload"));
    }

    [Fact]
    public async Task A_root_consumer_span_naming_its_broker_is_a_request_from_the_broker()
    {
        await WriteAsync(Server(1, parent: 0, Reviews, new() { ["messaging.system"] = "rabbitmq", ["messaging.destination.name"] = "ratings" }) with { Kind = "Consumer" });

        await Pairing().PairAsync();

        Assert.Equal("user\t\t0000000000000001", await OutcomesAsync());
        Assert.Equal("ratings\trabbitmq\tmessaging\treviews-v2\trabbitmq",
            await QueryAsync("SELECT SourceWorkload, SourceService, SourceKind, DestinationWorkload, Protocol FROM {db}.mesh_requests"));
    }

    [Fact]
    public async Task A_database_client_span_is_a_request_to_the_database_at_once_and_never_waits_for_a_server()
    {
        await WriteAsync(Client(1, parent: 0, Reviews, new() { ["db.system"] = "postgresql", ["db.namespace"] = "orders", ["server.address"] = "pg" }, millis: 3));

        await Pairing().PairAsync();

        Assert.Equal("virtual\t0000000000000001\t", await OutcomesAsync());
        Assert.Equal("reviews-v2\tshop\torders\tpostgresql\tdatabase\tpostgresql\t3000000",
            await QueryAsync("SELECT SourceWorkload, SourceNamespace, DestinationWorkload, DestinationService, DestinationKind, Protocol, Duration FROM {db}.mesh_requests"));
    }

    [Fact]
    public async Task Client_spans_naming_a_peer_become_requests_to_virtual_peers_once_the_lag_has_passed()
    {
        var pairing = Pairing();
        await WriteAsync(
            Client(1, parent: 0, Frontend, new() { ["peer.service"] = "payments", ["rpc.system"] = "grpc", ["rpc.service"] = "pay.Payments", ["rpc.method"] = "Charge", ["rpc.grpc.status_code"] = "0" }),
            Client(2, parent: 0, Frontend, new() { ["messaging.system"] = "kafka", ["messaging.destination.name"] = "orders" }, kind: "Producer"),
            Client(3, parent: 0, Frontend, new() { ["http.request.method"] = "POST", ["url.full"] = "https://api.example.com:8443/v1/pay?k=1", ["http.response.status_code"] = "503" }));
        await pairing.PairAsync();
        Assert.Equal("", await OutcomesAsync());

        LetTheLagPass();
        await pairing.PairAsync();

        Assert.Equal(
            "payments\tunknown\tpayments\tworkload\tgrpc\tCharge\t/pay.Payments/Charge\t0\t0\tfalse\n" +
            "orders\tunknown\tkafka\tmessaging\tkafka\t\t\t0\t-1\tfalse\n" +
            "api.example.com\tunknown\tapi.example.com\texternal\thttp/1.1\tPOST\t/v1/pay\t503\t-1\ttrue",
            await QueryAsync("""
                SELECT DestinationWorkload, DestinationNamespace, DestinationService, DestinationKind, Protocol, Method, Path, ResponseCode, GrpcStatus, Error
                FROM {db}.mesh_requests ORDER BY Timestamp
                """));
        Assert.Equal("api.example.com:8443", await QueryAsync("SELECT Authority FROM {db}.mesh_requests WHERE DestinationKind = 'external'"));
        Assert.Equal("virtual\t3", await QueryAsync("SELECT Outcome, count() FROM {db}.span_call_outcomes GROUP BY Outcome"));
    }

    [Fact]
    public async Task A_client_span_naming_no_peer_is_unpaired_once_the_lag_has_passed()
    {
        var pairing = Pairing();
        await WriteAsync(Client(1, parent: 0, Frontend, new() { ["http.request.method"] = "GET" }));
        LetTheLagPass();
        await pairing.PairAsync();

        Assert.Equal("unpaired\t0000000000000001\t", await OutcomesAsync());
        Assert.Equal("0", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));
        Assert.Equal(new SpanPairingOutcomes(0, 0, 0, 1, 0), await pairing.OutcomesAsync());
    }

    [Fact]
    public async Task A_server_span_whose_client_span_never_comes_is_unpaired_once_the_lag_has_passed()
    {
        var pairing = Pairing();
        await WriteAsync(Server(2, parent: 1, Reviews, HttpCall));
        await pairing.PairAsync();
        Assert.Equal("", await OutcomesAsync());

        LetTheLagPass();
        await pairing.PairAsync();

        Assert.Equal("unpaired\t\t0000000000000002", await OutcomesAsync());
        Assert.Equal("0", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));
    }

    [Fact]
    public async Task A_span_whose_partner_was_already_given_up_on_is_late_and_the_call_is_not_counted_again()
    {
        var pairing = Pairing();
        await WriteAsync(Client(1, parent: 0, Frontend, HttpCall));
        LetTheLagPass();
        await pairing.PairAsync();
        Assert.Equal("virtual\t0000000000000001\t", await OutcomesAsync());

        // The server span comes after its client span was counted as a request to "reviews".
        _time.Shift = TimeSpan.Zero;
        await WriteAsync(Server(2, parent: 1, Reviews, HttpCall));
        await pairing.PairAsync();
        LetTheLagPass();
        await pairing.PairAsync();

        Assert.Equal("late\t\t0000000000000002\nvirtual\t0000000000000001\t", await OutcomesAsync());
        Assert.Equal("reviews\texternal", await QueryAsync("SELECT DestinationWorkload, DestinationKind FROM {db}.mesh_requests"));
        Assert.Equal(new SpanPairingOutcomes(0, 0, 1, 0, 1), await pairing.OutcomesAsync());
    }

    [Fact]
    public async Task A_restarted_pairing_resumes_from_the_stored_marks_without_counting_twice()
    {
        await WriteAsync(Client(1, parent: 0, Frontend, HttpCall), Server(2, parent: 1, Reviews, HttpCall), Server(3, parent: 0, Frontend, HttpCall));
        var first = await Pairing().PairAsync();
        await WriteAsync(Server(5, parent: 4, Reviews, HttpCall));
        await WriteAsync(Client(4, parent: 0, Frontend, HttpCall));

        // A new process: the marks come back from span_call_outcomes.
        var restarted = Pairing();
        var second = await restarted.PairAsync();
        Assert.Equal(first.Spans + 2, second.Spans);
        LetTheLagPass();
        await restarted.PairAsync();
        await Pairing().PairAsync();

        Assert.Equal(
            "paired\t0000000000000001\t0000000000000002\npaired\t0000000000000004\t0000000000000005\nuser\t\t0000000000000003",
            await OutcomesAsync());
        Assert.Equal("3", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));
    }

    [Fact]
    public async Task A_backlog_is_worked_off_in_bounded_steps()
    {
        for (var i = 1; i <= 5; i++)
        {
            await WriteAsync(Server(i, parent: 0, Frontend, HttpCall));
        }
        var pairing = Pairing(new SpanPairingOptions { MaxBlocksPerStep = 2 });

        await pairing.PairAsync();
        Assert.Equal("2", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));
        await pairing.PairAsync();
        await pairing.PairAsync();
        Assert.Equal("5", await QueryAsync("SELECT count() FROM {db}.mesh_requests"));
        Assert.Equal(pairing.Progress!.Newest, pairing.Progress.Spans);
    }

    [Fact]
    public async Task Span_requests_reach_the_edge_and_workload_rollups_with_origin_span()
    {
        await WriteAsync(Client(1, parent: 0, Frontend, HttpCall), Server(2, parent: 1, Reviews, HttpCall), Server(3, parent: 0, Frontend, HttpCall));

        await Pairing().PairAsync();

        const string Edges = "SELECT SourceWorkload, DestinationWorkload, Origin, sum(Requests) FROM {db}.mesh_edges_10s GROUP BY ALL ORDER BY ALL";
        const string Expected = "frontend-v1\treviews-v2\tspan\t1\nuser\tfrontend-v1\tspan\t1";
        Assert.True(await Loopback.EventuallyAsync(async () => await QueryAsync(Edges) == Expected, TimeSpan.FromSeconds(10)), await QueryAsync(Edges));
        Assert.Equal("frontend-v1\tspan\t1\nreviews-v2\tspan\t1",
            await QueryAsync("SELECT DestinationWorkload, Origin, sum(Requests) FROM {db}.mesh_workloads_1m GROUP BY ALL ORDER BY ALL"));
    }

    [Fact]
    public async Task Errors_follow_the_callee_and_a_4xx_answer_is_not_a_failure_of_the_call()
    {
        Dictionary<string, string> Answer(string code) => new(HttpCall) { ["http.response.status_code"] = code };
        await WriteAsync(
            Client(1, parent: 0, Frontend, Answer("404"), status: "Error"), Server(2, parent: 1, Reviews, Answer("404"), status: "Error"),
            Client(3, parent: 0, Frontend, Answer("500"), status: "Error"), Server(4, parent: 3, Reviews, Answer("500"), status: "Error"),
            Client(5, parent: 0, Frontend, Answer("200"), status: "Error"), Server(6, parent: 5, Reviews, Answer("200")));

        await Pairing().PairAsync();

        Assert.Equal("404\tfalse\n500\ttrue\n200\ttrue", await QueryAsync("SELECT ResponseCode, Error FROM {db}.mesh_requests ORDER BY Timestamp"));
    }

    [Fact]
    public async Task Older_semantic_conventions_name_the_same_call()
    {
        var old = new Dictionary<string, string>
        {
            ["http.method"] = "GET", ["net.peer.name"] = "reviews", ["net.peer.port"] = "9080", ["http.target"] = "/reviews/1?x=1",
            ["http.status_code"] = "200", ["http.flavor"] = "2.0", ["http.response_content_length"] = "512",
        };
        await WriteAsync(Client(1, parent: 0, new() { ["service.name"] = "frontend" }, old), Server(2, parent: 1, new() { ["service.name"] = "reviews" }, old));

        await Pairing().PairAsync();

        Assert.Equal("frontend\tunknown\tunknown\treviews\thttp/2\tGET\treviews:9080\t/reviews/1\t200\t512",
            await QueryAsync("SELECT SourceWorkload, SourceNamespace, SourceVersion, DestinationWorkload, Protocol, Method, Authority, Path, ResponseCode, BytesSent FROM {db}.mesh_requests"));
    }

    [Fact]
    public async Task A_sampled_span_counts_as_the_requests_it_stands_for_in_the_requests_and_every_rollup()
    {
        // Sampled at a quarter (rejection threshold 0xc0000000000000 of 2^56), as both sides of the call say.
        const string Quarter = "ot=th:c;rv:abcdefabcdef12,vendor=1";
        await WriteAsync(Server(1, parent: 0, Frontend, HttpCall) with { TraceState = Quarter },
            Client(2, parent: 1, Frontend, HttpCall) with { TraceState = Quarter },
            Server(3, parent: 2, Reviews, HttpCall, status: "Error") with { TraceState = Quarter });
        await WriteAsync(Server(4, parent: 0, Reviews, HttpCall));

        await Pairing().PairAsync();

        Assert.Equal("frontend-v1\treviews-v2\t4\nuser\tfrontend-v1\t4\nuser\treviews-v2\t1",
            await QueryAsync("SELECT SourceWorkload, DestinationWorkload, AdjustedCount FROM {db}.mesh_requests ORDER BY ALL"));
        Assert.Equal(
            // Every span took 10 ms: the buckets from 10 ms on count it.
            "frontend-v1\treviews-v2\t4\t4\t[0,0,0,4,4,4,4,4,4,4,4,4,4,4,4]\n" +
            "user\tfrontend-v1\t4\t0\t[0,0,0,4,4,4,4,4,4,4,4,4,4,4,4]\n" +
            "user\treviews-v2\t1\t0\t[0,0,0,1,1,1,1,1,1,1,1,1,1,1,1]",
            await QueryAsync("""
                SELECT SourceWorkload, DestinationWorkload, sum(Requests), sum(Errors), sumForEachMerge(LatencyBuckets)
                FROM {db}.mesh_edges_10s GROUP BY ALL ORDER BY ALL
                """));
        Assert.Equal("frontend-v1\t4\nreviews-v2\t5", await QueryAsync("SELECT DestinationWorkload, sum(Requests) FROM {db}.mesh_workloads_1m GROUP BY ALL ORDER BY ALL"));
        Assert.Equal("frontend-v1\t4\nreviews-v2\t5", await QueryAsync("SELECT DestinationWorkload, sum(Requests) FROM {db}.mesh_sli_1m GROUP BY ALL ORDER BY ALL"));
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("ot=th:0", 1)]
    [InlineData("ot=th:8", 2)]
    [InlineData("ot=rv:abcdefabcdef12;th:c", 4)]
    [InlineData("vendor=x, ot=th:e6666666666666 ,other=y", 10)]
    [InlineData("ot=p:8;th:fff", 4096)]
    [InlineData("ot=th:zz", 1)]
    [InlineData("ot=th:123456789abcdef", 1)]
    [InlineData("xot=th:8", 1)]
    [InlineData("ot=xth:8", 1)]
    public async Task The_adjusted_count_is_read_from_the_trace_states_ot_threshold(string traceState, int expected)
    {
        await WriteAsync(Server(1, parent: 0, Frontend, HttpCall) with { TraceState = traceState });

        Assert.Equal($"{expected}", await QueryAsync("SELECT AdjustedCount FROM {db}.span_calls"));
    }

    [Fact]
    public async Task An_adjusted_count_that_is_no_whole_number_is_kept_true_in_sums()
    {
        // Sampled at three quarters (threshold 0x40000000000000): 1⅓ requests a span, 4,000 for 3,000 spans.
        await WriteAsync([.. Enumerable.Range(1, 3000).Select(i => Server(i, parent: 0, Frontend, HttpCall) with { TraceState = "ot=th:4" })]);

        var counts = await QueryAsync("SELECT sum(AdjustedCount), min(AdjustedCount), max(AdjustedCount) FROM {db}.span_calls");

        var fields = counts.Split('\t').Select(int.Parse).ToArray();
        Assert.InRange(fields[0], 3_850, 4_150); // 4,000 ± 5.8 standard deviations
        Assert.Equal((1, 2), (fields[1], fields[2]));
    }

    [Fact]
    public void Options_name_what_is_wrong()
    {
        var e = Assert.Throws<ArgumentException>(() => new SpanPairingOptions { Lag = TimeSpan.Zero }.Validate());
        Assert.Contains("Topology:Spans:Lag", e.Message);
        e = Assert.Throws<ArgumentException>(() => new SpanPairingOptions { Interval = TimeSpan.Zero }.Validate());
        Assert.Contains("Topology:Spans:Interval", e.Message);
        e = Assert.Throws<ArgumentException>(() => new SpanPairingOptions { MaxBlocksPerStep = 0 }.Validate());
        Assert.Contains("Topology:Spans:MaxBlocksPerStep", e.Message);
        new SpanPairingOptions().Validate();
    }

    private SpanPairing Pairing(SpanPairingOptions? options = null) => new(_engine, _store.Database, options ?? _options, _time);

    /// <summary>Moves the pairing's clock past the lag of every span stored so far.</summary>
    private void LetTheLagPass() => _time.Shift = _options.Lag + TimeSpan.FromMinutes(1);

    private static string Peer(string side) => string.Join(", ", new[] { "Workload", "Namespace", "Service", "Version", "Cluster", "Zone", "Kind" }.Select(f => side + f));

    private sealed record Span(int Id, int Parent, string Kind, Dictionary<string, string> Resource, Dictionary<string, string> Attributes, int Millis, string Status)
    {
        public string TraceState { get; init; } = "";
    }

    private static Span Client(int id, int parent, Dictionary<string, string> resource, Dictionary<string, string> attributes, int millis = 10, string status = "Unset", string kind = "Client") =>
        new(id, parent, kind, resource, attributes, millis, status);

    private static Span Server(int id, int parent, Dictionary<string, string> resource, Dictionary<string, string> attributes, int millis = 10, string status = "Unset") =>
        new(id, parent, "Server", resource, attributes, millis, status);

    private static string SpanId(int id) => id == 0 ? "" : id.ToString("x16");

    /// <summary>Span n starts n ms after the test's start (recent: older rows than the retention are dropped at insert).</summary>
    private long Start(int id) => (_start + TimeSpan.FromMilliseconds(id)).ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>One insert into otel_traces, in its column order.</summary>
    private async Task WriteAsync(params Span[] spans)
    {
        using var w = new RowBinaryWriter();
        foreach (var span in spans)
        {
            w.DateTime64Nanos((ulong)Start(span.Id));
            w.String(_trace);
            w.String(SpanId(span.Id));
            w.String(SpanId(span.Parent));
            w.String(span.TraceState);
            w.String($"span {span.Id}");
            w.String(span.Kind);
            w.String(span.Resource.GetValueOrDefault("service.name", ""));
            Map(w, span.Resource);
            w.String("test");
            w.String("1");
            Map(w, span.Attributes);
            w.UInt64((ulong)span.Millis * 1_000_000);
            w.String(span.Status);
            w.String("");
            for (var i = 0; i < 7; i++)
            {
                w.Count(0); // no events, no links
            }
        }
        await _engine.InsertRowBinaryAsync($"`{_store.Database}`.{OtelSchema.Traces.Name}", OtelSchema.Traces.Columns, w.WrittenMemory);
    }

    private static void Map(RowBinaryWriter w, Dictionary<string, string> map)
    {
        w.Count(map.Count);
        foreach (var (key, value) in map)
        {
            w.String(key);
            w.String(value);
        }
    }

    private Task<string> OutcomesAsync() =>
        QueryAsync("SELECT Outcome, CallerSpanId, CalleeSpanId FROM {db}.span_call_outcomes ORDER BY Outcome, CallerSpanId, CalleeSpanId");

    private async Task<string> QueryAsync(string sql) =>
        Encoding.UTF8.GetString(await _engine.QueryAsync(sql.Replace("{db}", $"`{_store.Database}`"), "TabSeparated")).TrimEnd('\n');

    /// <summary>The system clock, moved ahead by <see cref="Shift"/>.</summary>
    private sealed class ShiftedTime : TimeProvider
    {
        public TimeSpan Shift { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
    }
}
