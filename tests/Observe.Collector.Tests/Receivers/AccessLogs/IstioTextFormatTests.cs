using Observe.Topology.AccessLogs;
using Observe.Collector.Receivers.AccessLogs;

namespace Observe.Collector.Tests.Receivers.AccessLogs;

/// <summary>Lines written by hand in Istio's documented default text format.</summary>
public sealed class IstioTextFormatTests
{
    [Fact]
    public void An_outbound_http_line_yields_every_field()
    {
        var entry = IstioTextFormat.Parse(
            "[2026-11-21T10:15:02.409Z] \"GET /reviews/0 HTTP/1.1\" 200 - via_upstream - \"-\" 0 358 12 11 \"-\" \"curl/8.4.0\" " +
            "\"84961386-6d84-929d-98bd-c5aee93b5c88\" \"reviews:9080\" \"10.44.1.27:9080\" outbound|9080|v2|reviews.default.svc.cluster.local " +
            "10.44.1.23:37652 10.0.45.184:9080 10.44.1.23:46520 - default");

        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 15, 2, 409, TimeSpan.Zero), entry.StartTime);
        Assert.Equal(("GET", "/reviews/0", "HTTP/1.1"), (entry.Method, entry.Path, entry.Protocol));
        Assert.Equal(200, entry.ResponseCode);
        Assert.Empty(entry.ResponseFlags);
        Assert.Equal("via_upstream", entry.ResponseCodeDetails);
        Assert.Null(entry.ConnectionTerminationDetails);
        Assert.Null(entry.UpstreamTransportFailureReason);
        Assert.Equal((0UL, 358UL), (entry.BytesReceived, entry.BytesSent));
        Assert.Equal(TimeSpan.FromMilliseconds(12), entry.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(11), entry.UpstreamServiceTime);
        Assert.Null(entry.ForwardedFor);
        Assert.Equal("curl/8.4.0", entry.UserAgent);
        Assert.Equal("84961386-6d84-929d-98bd-c5aee93b5c88", entry.RequestId);
        Assert.Equal("reviews:9080", entry.Authority);
        Assert.Equal("10.44.1.27:9080", entry.UpstreamHost);
        Assert.Equal("outbound|9080|v2|reviews.default.svc.cluster.local", entry.UpstreamCluster);
        Assert.Equal(("10.44.1.23:37652", "10.0.45.184:9080", "10.44.1.23:46520"), (entry.UpstreamLocalAddress, entry.DownstreamLocalAddress, entry.DownstreamRemoteAddress));
        Assert.Null(entry.RequestedServerName);
        Assert.Equal("default", entry.RouteName);
    }

    [Fact]
    public void A_tcp_line_with_flags_and_every_optional_field_absent()
    {
        var entry = IstioTextFormat.Parse(
            "[2026-11-21T10:15:03.000Z] \"- - -\" 0 UF,URX - - \"-\" 0 0 1002 - \"-\" \"-\" \"-\" \"-\" \"-\" - - - - - -");
        Assert.Null(entry.Method);
        Assert.Null(entry.Protocol);
        Assert.Equal(0, entry.ResponseCode);
        Assert.Equal(["UF", "URX"], entry.ResponseFlags);
        Assert.Equal(TimeSpan.FromMilliseconds(1002), entry.Duration);
        Assert.Null(entry.UpstreamServiceTime);
        Assert.Null(entry.RequestId);
        Assert.Null(entry.UpstreamCluster);
        Assert.Null(entry.RouteName);
    }

    [Theory]
    [InlineData("[2026-11-21T10:15:03.000Z] \"GET / HTTP/1.1\" 200", "expected 22 fields of Istio's default text format, found 3")]
    [InlineData("[2026-11-21T10:15:03.000Z \"GET / HTTP/1.1\" 200", "field 1 opens with [ but the line ends before its closing ]")]
    [InlineData("[yesterday] \"GET / HTTP/1.1\" 200 - - - \"-\" 0 0 1 - \"-\" \"-\" \"-\" \"-\" \"-\" - - - - - -", "START_TIME: 'yesterday' is not a time")]
    [InlineData("[2026-11-21T10:15:03.000Z] \"GET / HTTP/1.1\" 2x0 - - - \"-\" 0 0 1 - \"-\" \"-\" \"-\" \"-\" \"-\" - - - - - -", "RESPONSE_CODE: '2x0' is not a number")]
    [InlineData("[2026-11-21T10:15:03.000Z] \"GET /\" 200 - - - \"-\" 0 0 1 - \"-\" \"-\" \"-\" \"-\" \"-\" - - - - - -", "request line: expected \"METHOD PATH PROTOCOL\", got \"GET /\"")]
    public void Malformed_lines_name_what_is_wrong(string line, string error) =>
        Assert.Equal(error, Assert.Throws<AccessLogFormatException>(() => IstioTextFormat.Parse(line)).Message);
}
