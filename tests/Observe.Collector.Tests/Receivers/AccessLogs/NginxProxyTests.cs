using System.Text.Json;
using Observe.Collector.Receivers.AccessLogs;

namespace Observe.Collector.Tests.Receivers.AccessLogs;

/// <summary>Lines a real nginx writes with the shipped log_format, read by the nginx JSON parser.</summary>
public sealed class NginxProxyTests
{
    private const string UserAgent = "observe-tests/1.0";
    private static readonly TimeSpan LogTimeout = TimeSpan.FromSeconds(10);

    private sealed record Sent(string Method, string PathAndQuery, int Status, string Workload, int RequestBytes, long ResponseBytes);

    [Fact]
    public async Task Each_proxied_request_is_one_line_with_its_status_route_upstream_bytes_and_request_id()
    {
        var before = DateTimeOffset.UtcNow;
        await using var nginx = await NginxProxy.StartAsync("catalog", "orders");
        using var client = new HttpClient { BaseAddress = nginx.BaseAddress };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);

        // The request id the upstream saw (nginx's $request_id, forwarded) keys what was sent.
        var sent = new Dictionary<string, Sent>();
        async Task SendAsync(HttpMethod method, string pathAndQuery, string? body = null)
        {
            using var request = new HttpRequestMessage(method, pathAndQuery);
            if (body is not null)
            {
                request.Content = new StringContent(body);
            }
            using var response = await client.SendAsync(request);
            var content = await response.Content.ReadAsByteArrayAsync();
            var id = Assert.Single(response.Headers.GetValues(NginxProxy.UpstreamRequestIdHeader));
            sent.Add(id, new Sent(method.Method, pathAndQuery, (int)response.StatusCode,
                Assert.Single(response.Headers.GetValues(NginxProxy.UpstreamHeader)), body?.Length ?? 0, content.Length));
        }
        for (var i = 0; i < 7; i++)
        {
            await SendAsync(HttpMethod.Get, "/catalog/items");
        }
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(HttpMethod.Get, "/catalog/items?status=503");
        }
        for (var i = 0; i < 4; i++)
        {
            await SendAsync(HttpMethod.Post, "/orders/", $$"""{"order":{{i}},"items":["book","pen"]}""");
        }
        for (var i = 0; i < 2; i++)
        {
            await SendAsync(HttpMethod.Get, "/orders/x?status=500");
        }
        var after = DateTimeOffset.UtcNow;

        Assert.Equal(16, sent.Count);
        Assert.Equal(
            [("GET", "/catalog/items", 200, "catalog", 7), ("GET", "/catalog/items?status=503", 503, "catalog", 3),
             ("POST", "/orders/", 200, "orders", 4), ("GET", "/orders/x?status=500", 500, "orders", 2)],
            sent.Values.GroupBy(s => (s.Method, s.PathAndQuery, s.Status, s.Workload)).Select(g => (g.Key.Method, g.Key.PathAndQuery, g.Key.Status, g.Key.Workload, g.Count())));

        var lines = await nginx.AccessLogLinesAsync(16, LogTimeout);
        Assert.Equal(16, lines.Count);
        var entries = lines.Select(line => JsonLineFormat.ParseNginx(JsonDocument.Parse(line).RootElement)).ToList();

        // Every line is one request sent, each request once.
        Assert.Equal(sent.Keys.Order(), entries.Select(e => e.RequestId!).Order());
        foreach (var entry in entries)
        {
            var request = sent[entry.RequestId!];
            Assert.Matches("^[0-9a-f]{32}$", entry.RequestId);
            Assert.Equal((request.Method, request.PathAndQuery, "HTTP/1.1", request.Status), (entry.Method, entry.Path, entry.Protocol, entry.ResponseCode));
            Assert.Equal(nginx[request.Workload].Address, entry.UpstreamHost);
            Assert.Equal(request.Workload, nginx.WorkloadsByAddress[entry.UpstreamHost!]);
            Assert.Equal((ulong)request.ResponseBytes, entry.BytesSent);
            Assert.True(entry.BytesSent > 0);
            // request_length counts the request line and headers too.
            Assert.True(entry.BytesReceived > (ulong)request.RequestBytes, $"request_length {entry.BytesReceived} for a {request.RequestBytes}-byte body");
            Assert.NotNull(entry.UpstreamServiceTime);
            // Not bounded by request_time: nginx measures the two on different clocks, and the
            // upstream's can come out a millisecond longer than the whole request.
            Assert.InRange(entry.UpstreamServiceTime.Value, TimeSpan.Zero, after - before);
            Assert.InRange(entry.Duration, TimeSpan.Zero, after - before);
            // $time_iso8601 has whole seconds.
            Assert.InRange(entry.StartTime, before.AddSeconds(-1), after.AddSeconds(1));
            Assert.Equal(TimeSpan.Zero, entry.StartTime.Offset);
            Assert.Equal(("127.0.0.1", "127.0.0.1", $"127.0.0.1:{nginx.Port}"), (entry.Authority, entry.DownstreamRemoteAddress, entry.DownstreamLocalAddress));
            Assert.Equal(UserAgent, entry.UserAgent);
            Assert.Null(entry.ForwardedFor);
        }
        Assert.Equal(5, entries.Count(e => e.ResponseCode >= 500));
        Assert.Equal(11, entries.Count(e => e.ResponseCode == 200));
        Assert.Equal(10, entries.Count(e => e.UpstreamHost == nginx["catalog"].Address));
        Assert.Equal(6, entries.Count(e => e.UpstreamHost == nginx["orders"].Address));
        Assert.Equal(4, entries.Count(e => e.Method == "POST"));
    }
}
