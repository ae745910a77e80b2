using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry.Proto.Trace.V1;
using Observe.Collector.Tests.Receivers.Otlp;

namespace Observe.Collector.Tests.Api;

public sealed class ObserveApiTests : IAsyncLifetime
{
    private ObserveServer _server = null!;
    private readonly ulong _now = OtlpRequests.NowNanos();

    public async Task InitializeAsync()
    {
        _server = await ObserveServer.StartAsync();
        // Two services; one trace of three spans across them, one error, known durations.
        var request = OtlpRequests.Spans("cart", 3, _now);
        var spans = request.ResourceSpans[0].ScopeSpans[0].Spans;
        var traceId = ByteString.CopyFrom(Convert.FromHexString("0af7651916cd43dd8448eb211c80319c"));
        for (var i = 0; i < 3; i++)
        {
            spans[i].TraceId = traceId;
            spans[i].EndTimeUnixNano = spans[i].StartTimeUnixNano + (ulong)(i + 1) * 10_000_000;
        }
        spans[1].ParentSpanId = spans[0].SpanId;
        spans[2].Status = new Status { Code = Status.Types.StatusCode.Error };
        request.ResourceSpans[0].Resource.Attributes.Add(new OpenTelemetry.Proto.Common.V1.KeyValue { Key = "cloud.availability_zone", Value = new() { StringValue = "a" } });
        request.ResourceSpans[0].Resource.Attributes.Add(new OpenTelemetry.Proto.Common.V1.KeyValue { Key = "service.version", Value = new() { StringValue = "v1" } });
        var other = OtlpRequests.Spans("payment", 2, _now);
        request.ResourceSpans.Add(other.ResourceSpans);
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new("application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, (await _server.Otlp.PostAsync("/v1/traces", content)).StatusCode);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Health_and_readiness()
    {
        Assert.Equal("ok\n", await _server.Api.GetStringAsync("/healthz"));
        var ready = await _server.Api.GetFromJsonAsync<JsonElement>("/readyz");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Stats_counts_rows_per_table_and_what_was_ingested()
    {
        var stats = await _server.Api.GetFromJsonAsync<JsonElement>("/api/v1/stats");
        Assert.Equal(5, stats.GetProperty("tables").GetProperty("otel_traces").GetInt64());
        Assert.Equal(0, stats.GetProperty("tables").GetProperty("otel_logs").GetInt64());
        Assert.Equal(5, stats.GetProperty("ingest").GetProperty("totals").GetProperty("written.otel_traces").GetInt64());
    }

    [Fact]
    public async Task A_trace_is_returned_with_its_spans_in_time_order()
    {
        var trace = await _server.Api.GetFromJsonAsync<JsonElement>("/api/v1/traces/0AF7651916CD43DD8448EB211C80319C");
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", trace.GetProperty("traceId").GetString());
        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(["op-0", "op-1", "op-2"], spans.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(spans[0].GetProperty("spanId").GetString(), spans[1].GetProperty("parentSpanId").GetString());
        Assert.Equal([10_000_000UL, 20_000_000UL, 30_000_000UL], spans.Select(s => s.GetProperty("durationNanos").GetUInt64()));
        Assert.Equal("cart", spans[0].GetProperty("service").GetString());
    }

    [Fact]
    public async Task Unknown_and_malformed_trace_ids_are_404_and_400()
    {
        var unknown = await _server.Api.GetAsync("/api/v1/traces/11111111111111111111111111111111");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("no spans of trace 11111111111111111111111111111111 are stored", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        var malformed = await _server.Api.GetAsync("/api/v1/traces/xyz");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("trace id 'xyz' must be 32 hex digits, not all zero", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Trace_search_finds_slow_and_failed_traces_of_a_service_newest_first()
    {
        var window = Window(1000);
        var all = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/traces?service=cart&{window}");
        var found = all.GetProperty("traces").EnumerateArray().ToList();
        var cart = Assert.Single(found);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", cart.GetProperty("traceId").GetString());
        Assert.Equal("op-2", cart.GetProperty("name").GetString()); // the slowest matching span names the trace
        Assert.Equal(30.0, cart.GetProperty("durationMs").GetDouble());
        Assert.True(cart.GetProperty("error").GetBoolean());
        Assert.Equal(3, cart.GetProperty("spanCount").GetInt64());

        var slow = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/traces?service=cart&minDurationMs=25&{window}");
        Assert.Equal(30.0, Assert.Single(slow.GetProperty("traces").EnumerateArray()).GetProperty("durationMs").GetDouble());
        var tooSlow = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/traces?service=cart&minDurationMs=31&{window}");
        Assert.Empty(tooSlow.GetProperty("traces").EnumerateArray());

        var payments = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/traces?service=payment&{window}");
        Assert.Equal(2, payments.GetProperty("traces").GetArrayLength());
        var failedPayments = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/traces?service=payment&errorsOnly=true&{window}");
        Assert.Empty(failedPayments.GetProperty("traces").EnumerateArray());
        // Without k8s.* attributes a span's workload is its service, as the span pairing has it.
        var byWorkload = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/traces?workload=payment&{window}");
        Assert.Equal(2, byWorkload.GetProperty("traces").GetArrayLength());
        var inZone = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/traces?workload=cart&version=v1&zone=a&{window}");
        Assert.Equal("cart", Assert.Single(inZone.GetProperty("traces").EnumerateArray()).GetProperty("service").GetString());
        var otherZone = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/traces?service=cart&zone=b&{window}");
        Assert.Empty(otherZone.GetProperty("traces").EnumerateArray());
        var otherVersion = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/traces?service=cart&version=v2&{window}");
        Assert.Empty(otherVersion.GetProperty("traces").EnumerateArray());
        var one = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/traces?limit=1&{window}");
        Assert.Equal(1, one.GetProperty("traces").GetArrayLength());
    }

    [Theory]
    [InlineData("minDurationMs=-1", "minDurationMs='-1' must be a number of milliseconds, 0 or more")]
    [InlineData("errorsOnly=yes", "errorsOnly='yes' must be true or false")]
    [InlineData("limit=0", "limit='0' must be a whole number from 1 to 200")]
    [InlineData("limit=201", "limit='201' must be a whole number from 1 to 200")]
    public async Task Bad_trace_searches_are_400_naming_the_parameter(string query, string error)
    {
        var response = await _server.Api.GetAsync($"/api/v1/traces?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    private string Window(long millisEitherSide) =>
        $"from={(long)(_now / 1_000_000) - millisEitherSide}&to={(long)(_now / 1_000_000) + millisEitherSide}";

    [Fact]
    public async Task Services_summarise_spans_errors_and_latency_in_a_window()
    {
        var fromMs = (long)(_now / 1_000_000) - 1000;
        var to = DateTimeOffset.FromUnixTimeMilliseconds((long)(_now / 1_000_000) + 1000).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var answer = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services?from={fromMs}&to={to}");
        var services = answer.GetProperty("services").EnumerateArray().ToDictionary(s => s.GetProperty("service").GetString()!);
        Assert.Equal(["cart", "payment"], services.Keys.Order());
        Assert.Equal(3, services["cart"].GetProperty("spans").GetInt64());
        Assert.Equal(1, services["cart"].GetProperty("errors").GetInt64());
        Assert.InRange(services["cart"].GetProperty("p50Millis").GetDouble(), 19.0, 21.0);
        Assert.InRange(services["cart"].GetProperty("p99Millis").GetDouble(), 29.0, 31.0);

        var empty = await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services?from={fromMs - 100_000}&to={fromMs - 50_000}");
        Assert.Empty(empty.GetProperty("services").EnumerateArray());
    }

    [Theory]
    [InlineData("from=yesterday", "from='yesterday' is not an RFC 3339 time or unix milliseconds")]
    [InlineData("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from (2026-01-02T00:00:00.0000000+00:00) must be before to (2026-01-01T00:00:00.0000000+00:00)")]
    public async Task Bad_service_windows_are_400_naming_the_parameter(string query, string error)
    {
        var response = await _server.Api.GetAsync($"/api/v1/services?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Api_routes_answer_only_on_the_api_port()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Otlp.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Api.PostAsync("/v1/traces", new ByteArrayContent([]))).StatusCode);
    }
}
