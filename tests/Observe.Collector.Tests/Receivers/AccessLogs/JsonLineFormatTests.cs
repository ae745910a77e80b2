using Observe.Topology.AccessLogs;
using System.Text.Json;
using Observe.Collector.Receivers.AccessLogs;

namespace Observe.Collector.Tests.Receivers.AccessLogs;

/// <summary>JSON lines written by hand in Istio's JSON encoding and in the README's nginx log_format.</summary>
public sealed class JsonLineFormatTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void Istio_json_keys_map_to_the_same_fields_as_the_text_format()
    {
        var entry = JsonLineFormat.ParseEnvoy(Json("""
            {"start_time":"2026-11-21T10:15:02.409Z","method":"POST","path":"/ratings/1","protocol":"HTTP/2","response_code":503,
             "response_flags":"UF,URX","response_code_details":"upstream_reset_before_response_started{connection_failure}",
             "connection_termination_details":null,"upstream_transport_failure_reason":"-","bytes_received":"120","bytes_sent":91,
             "duration":27,"upstream_service_time":"-","x_forwarded_for":null,"user_agent":"grpc-go/1.60","request_id":"r-1",
             "authority":"ratings:9080","upstream_host":"10.1.2.3:9080","upstream_cluster":"outbound|9080||ratings.shop.svc.cluster.local",
             "upstream_local_address":"-","downstream_local_address":"10.0.0.9:9080","downstream_remote_address":"10.1.0.4:51234",
             "requested_server_name":null,"route_name":"default"}
            """));
        Assert.Equal(("POST", "/ratings/1", "HTTP/2", 503), (entry.Method, entry.Path, entry.Protocol, entry.ResponseCode));
        Assert.Equal(["UF", "URX"], entry.ResponseFlags);
        Assert.Equal((120UL, 91UL, TimeSpan.FromMilliseconds(27)), (entry.BytesReceived, entry.BytesSent, entry.Duration));
        Assert.Null(entry.UpstreamServiceTime);
        Assert.Null(entry.UpstreamTransportFailureReason);
        Assert.Equal("outbound|9080||ratings.shop.svc.cluster.local", entry.UpstreamCluster);
        Assert.Equal("r-1", entry.RequestId);
    }

    [Fact]
    public void Nginx_json_lines_give_seconds_as_durations_and_the_last_upstream_tried()
    {
        var entry = JsonLineFormat.ParseNginx(Json("""
            {"time":"2026-11-21T10:15:02+00:00","remote_addr":"127.0.0.1","request_method":"GET","request_uri":"/api/cart?id=3",
             "server_protocol":"HTTP/1.1","status":502,"body_bytes_sent":157,"request_length":85,"request_time":0.012,
             "upstream_addr":"127.0.0.1:9001, 127.0.0.1:9002","upstream_status":"502, 502","upstream_response_time":"0.004, 0.007",
             "host":"shop.local","http_user_agent":"curl/8","http_x_request_id":"abc","http_x_forwarded_for":"-",
             "server_addr":"127.0.0.1","server_port":"8088"}
            """));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 15, 2, TimeSpan.Zero), entry.StartTime);
        Assert.Equal(("GET", "/api/cart?id=3", "HTTP/1.1", 502), (entry.Method, entry.Path, entry.Protocol, entry.ResponseCode));
        Assert.Equal(TimeSpan.FromMilliseconds(12), entry.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(7), entry.UpstreamServiceTime);
        Assert.Equal("127.0.0.1:9002", entry.UpstreamHost);
        Assert.Equal(("shop.local", "abc", "127.0.0.1:8088"), (entry.Authority, entry.RequestId, entry.DownstreamLocalAddress));
        Assert.Null(entry.ForwardedFor);
    }

    [Theory]
    [InlineData("""{"start_time":"2026-11-21T10:15:02Z","response_code":"abc"}""", "'response_code': expected a non-negative number, got string 'abc'")]
    [InlineData("""{"start_time":"2026-11-21T10:15:02Z","duration":true}""", "'duration': expected a non-negative number, got boolean true")]
    [InlineData("""{"start_time":"2026-11-21T10:15:02Z","method":["GET"]}""", "'method': expected a string, got array")]
    [InlineData("""{"method":"GET"}""", "'start_time' is required")]
    [InlineData("""{"start_time":"soon"}""", "'start_time': 'soon' is not a time")]
    public void Wrong_types_and_missing_keys_name_the_key(string line, string error) =>
        Assert.Equal(error, Assert.Throws<AccessLogFormatException>(() => JsonLineFormat.ParseEnvoy(Json(line))).Message);
}
