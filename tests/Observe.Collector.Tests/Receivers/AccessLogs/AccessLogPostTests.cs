using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Observe.Collector.Tests.Receivers.AccessLogs;

/// <summary>
/// POST /api/v1/accesslogs end to end: golden Istio lines written by hand from the documented
/// formats become mesh reports and, paired, requests counted once; bad lines are counted, kept
/// raw and reported, and nothing else in their request is lost.
/// </summary>
public sealed class AccessLogPostTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ObserveServer _server = null!;
    private readonly string _now = DateTimeOffset.UtcNow.AddSeconds(-30).ToString("yyyy-MM-ddTHH:mm:ss.fff'Z'");

    public async Task InitializeAsync() => _server = await ObserveServer.StartAsync(new Dictionary<string, string?>
    {
        ["Mesh:Pairing:Interval"] = "00:00:00.020",
        ["Mesh:Pairing:Window"] = "00:00:00.300",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>The caller's (outbound) report of a request from productpage to reviews v2.</summary>
    private string Outbound(string id) =>
        $"[{_now}] \"GET /reviews/0 HTTP/1.1\" 200 - via_upstream - \"-\" 0 295 7 6 \"-\" \"python-requests/2.31\" \"{id}\" \"reviews:9080\" " +
        "\"10.0.2.7:9080\" outbound|9080|v2|reviews.default.svc.cluster.local 10.0.1.4:51234 10.96.0.17:9080 10.0.1.4:40000 - default";

    /// <summary>The callee's (inbound) report of the same request, over Istio mTLS.</summary>
    private string Inbound(string id, int status = 200, string flags = "-") =>
        $"[{_now}] \"GET /reviews/0 HTTP/1.1\" {status} {flags} via_upstream - \"-\" 0 295 5 4 \"-\" \"python-requests/2.31\" \"{id}\" \"reviews:9080\" " +
        "\"10.0.2.7:9080\" inbound|9080|| 127.0.0.6:45555 10.0.2.7:9080 10.0.1.4:51234 outbound_.9080_._.reviews.default.svc.cluster.local default";

    private string Tcp() =>
        $"[{_now}] \"- - -\" 0 - - - \"-\" 1200 5400 4000 - \"-\" \"-\" \"-\" \"-\" \"10.0.9.9:3306\" outbound|3306||mysql.db.svc.cluster.local " +
        "10.0.1.4:40112 10.96.3.3:3306 10.0.1.4:40110 - -";

    private const string AllAbsent = "[-] \"- - -\" - - - - \"-\" - - - - \"-\" \"-\" \"-\" \"-\" \"-\" - - - - - -";

    [Fact]
    public async Task Both_reports_of_a_request_count_once_and_one_sided_reports_still_count()
    {
        // Each proxy posts its own lines, naming itself.
        var productpage = await PostAsync(string.Join("\n", Outbound("req-1"), Outbound("req-2"), Tcp()),
            "?format=istio-text&workload=productpage-v1&namespace=default&service=productpage&version=v1&zone=zone-a&address=10.0.1.4");
        var reviews = await PostAsync(string.Join("\n", Inbound("req-1"), Inbound("req-3", 503, "UF"), AllAbsent),
            "?workload=reviews-v2&namespace=default&service=reviews&version=v2&zone=zone-b&address=10.0.2.7");
        Assert.Equal((3, 0), (productpage.GetProperty("parsed").GetInt32(), productpage.GetProperty("unparsed").GetInt32()));
        Assert.Equal((3, 0), (reviews.GetProperty("parsed").GetInt32(), reviews.GetProperty("unparsed").GetInt32()));
        Assert.Equal(6, await _server.CountAsync("mesh_reports"));

        // req-1 is reported twice and counted once; req-2 (caller only), req-3 (callee only), TCP and the empty line
        // (a proxy that forwarded nowhere: its own workload answered) once each.
        Assert.True(await Loopback.EventuallyAsync(async () => await _server.CountAsync("mesh_requests") >= 5, Patience));
        Assert.Equal(
            "req-1\tdestination\tproductpage-v1\tzone-a\treviews-v2\tzone-b\thttp/1.1\t200\tfalse\ttrue\n" +
            "req-2\tsource\tproductpage-v1\tzone-a\tunknown\tunknown\thttp/1.1\t200\tfalse\tfalse\n" +
            "req-3\tdestination\tproductpage-v1\tzone-a\treviews-v2\tzone-b\thttp/1.1\t503\ttrue\ttrue",
            await _server.QueryAsync("""
                SELECT RequestId, Reporter, SourceWorkload, SourceZone, DestinationWorkload, DestinationZone, Protocol, ResponseCode, Error, Mtls
                FROM {db}.mesh_requests WHERE RequestId != '' ORDER BY RequestId
                """));
        Assert.Equal("mysql\tdb\ttcp\t1200\t5400\nreviews\tdefault\ttcp\t0\t0",
            await _server.QueryAsync("SELECT DestinationService, DestinationNamespace, Protocol, BytesReceived, BytesSent FROM {db}.mesh_requests WHERE RequestId = '' ORDER BY DestinationService"));
        // The rollups are written right after the rows they roll up, by the same insert.
        Assert.True(await Loopback.EventuallyAsync(async () => await _server.QueryAsync("SELECT sum(Requests), sum(Errors) FROM {db}.mesh_edges_1m") == "5\t1", Patience));
        // Every line is also kept raw.
        Assert.Equal("6", await _server.QueryAsync($"SELECT count() FROM {{db}}.otel_logs WHERE ScopeName = 'observe.accesslog'"));
    }

    [Fact]
    public async Task Istio_json_and_nginx_json_are_detected_per_line_and_gzip_is_accepted()
    {
        var istio = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["start_time"] = _now, ["method"] = "POST", ["path"] = "/ratings/1", ["protocol"] = "HTTP/2", ["response_code"] = 200,
            ["response_flags"] = "-", ["bytes_received"] = 12, ["bytes_sent"] = 80, ["duration"] = 3, ["request_id"] = "json-1",
            ["authority"] = "ratings:9080", ["upstream_host"] = "10.0.3.3:9080", ["upstream_cluster"] = "outbound|9080|v1|ratings.default.svc.cluster.local",
            ["grpc_status"] = "14", ["source_workload"] = "reviews-v2",
        });
        var nginx = $$"""{"time":"{{_now}}","remote_addr":"10.0.0.1","request_method":"GET","request_uri":"/","server_protocol":"HTTP/1.1","status":"404","body_bytes_sent":10,"request_length":70,"request_time":"0.001","upstream_addr":"","host":"shop"}""";
        using var gzipped = new MemoryStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(istio + "\r\n" + nginx + "\n"));
        }
        using var content = new ByteArrayContent(gzipped.ToArray());
        content.Headers.ContentEncoding.Add("gzip");

        var response = await _server.Api.PostAsync("/api/v1/accesslogs", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"parsed":2,"unparsed":0,"errors":[]}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("json-1\tsource\treviews-v2\tratings\tv1\tgrpc\t14\ttrue\n\tunknown\tunknown\tshop\tunknown\thttp/1.1\t-1\tfalse",
            await _server.QueryAsync("SELECT RequestId, Reporter, SourceWorkload, DestinationService, DestinationVersion, Protocol, GrpcStatus, Error FROM {db}.mesh_reports ORDER BY RequestId DESC"));
        Assert.Equal("envoy-json\nnginx-json", await _server.QueryAsync("SELECT LogAttributes['observe.accesslog.format'] FROM {db}.otel_logs ORDER BY 1"));
    }

    [Fact]
    public async Task Bad_lines_are_counted_kept_raw_and_reported_and_the_good_ones_are_kept()
    {
        var tenMegabytes = "{\"start_time\":\"" + _now + "\",\"path\":\"/" + new string('a', 10 * 1024 * 1024) + "\"}";
        var body = new MemoryStream();
        void Line(byte[] bytes)
        {
            body.Write(bytes);
            body.WriteByte((byte)'\n');
        }
        Line(Encoding.UTF8.GetBytes(Outbound("good-1")));
        Line(Encoding.UTF8.GetBytes(Outbound("cut")[..60])); // truncated
        Line(Encoding.UTF8.GetBytes($$"""{"start_time":"{{_now}}","response_code":"abc"}""")); // wrong type
        Line(Encoding.UTF8.GetBytes("time=2026-11-21 status=200 path=/")); // unknown format
        Line(Encoding.UTF8.GetBytes(tenMegabytes)); // over AccessLogs:MaxLineBytes below
        Line([.. Encoding.UTF8.GetBytes($"[{_now}] \"GET /caf"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(" HTTP/1.1\" 200")]); // invalid UTF-8
        Line(Encoding.UTF8.GetBytes(Outbound("good-2")));

        await using var server = await ObserveServer.StartAsync(new Dictionary<string, string?> { ["AccessLogs:MaxLineBytes"] = (1024 * 1024).ToString() });
        var response = await server.Api.PostAsync("/api/v1/accesslogs", new ByteArrayContent(body.ToArray()));
        var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((2, 5), (result.GetProperty("parsed").GetInt32(), result.GetProperty("unparsed").GetInt32()));
        Assert.Equal(
            [
                (2, "expected 22 fields of Istio's default text format, found 5"),
                (3, "'response_code': expected a non-negative number, got string 'abc'"),
                (4, "unknown format: neither Istio's text format (starts with '[') nor a JSON object (starts with '{')"),
                (5, "the line is longer than the line limit; its first 1048576 bytes are kept"),
                (6, "not valid UTF-8 at byte 36"),
            ],
            result.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("error").GetString()!)).ToArray());
        Assert.Equal("good-1\ngood-2", await server.QueryAsync("SELECT RequestId FROM {db}.mesh_reports ORDER BY RequestId"));

        // All seven lines are kept raw, byte for byte (the long one up to the limit).
        Assert.Equal("7\t5", await server.QueryAsync(
            "SELECT count(), countIf(LogAttributes['observe.accesslog.parse_error'] != '') FROM {db}.otel_logs WHERE ScopeName = 'observe.accesslog'"));
        Assert.Equal("1048576", await server.QueryAsync("SELECT length(Body) FROM {db}.otel_logs WHERE Body LIKE '{\"start_time%' ORDER BY length(Body) DESC LIMIT 1"));
        Assert.Equal("C328", await server.QueryAsync("SELECT hex(substring(Body, 37, 2)) FROM {db}.otel_logs WHERE LogAttributes['observe.accesslog.parse_error'] LIKE 'not valid UTF-8%'"));

        var stats = JsonDocument.Parse(await server.Api.GetStringAsync("/api/v1/stats")).RootElement.GetProperty("ingest");
        Assert.Equal(5, stats.GetProperty("totals").GetProperty("unparsed.accesslogs").GetInt32());
        Assert.Equal(7, stats.GetProperty("totals").GetProperty("received.accesslogs").GetInt32());
        Assert.Equal("not valid UTF-8 at byte 36", stats.GetProperty("accessLogs").GetProperty("recentErrors")[0].GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_format_name_or_encoding_is_refused_naming_what_is_accepted()
    {
        var response = await _server.Api.PostAsync("/api/v1/accesslogs?format=apache", new StringContent(Outbound("x")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("format 'apache' is not known; use one of istio-text, istio-json, envoy-json, nginx-json", await response.Content.ReadAsStringAsync());

        using var content = new StringContent(Outbound("x"));
        content.Headers.ContentEncoding.Add("br");
        response = await _server.Api.PostAsync("/api/v1/accesslogs", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);

        using var broken = new ByteArrayContent([0x1f, 0x8b, 0x08, 0x00, 0x01]);
        broken.Headers.ContentEncoding.Add("gzip");
        response = await _server.Api.PostAsync("/api/v1/accesslogs", broken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await _server.CountAsync("mesh_reports"));
    }

    private async Task<JsonElement> PostAsync(string lines, string query)
    {
        var response = await _server.Api.PostAsync("/api/v1/accesslogs" + query, new StringContent(lines));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement;
    }
}
