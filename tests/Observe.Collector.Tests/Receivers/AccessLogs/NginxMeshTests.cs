namespace Observe.Collector.Tests.Receivers.AccessLogs;

/// <summary>
/// A real proxy end to end: nginx from Debian in front of two upstream apps writes its JSON
/// access log; Observe tails the file, resolves the upstreams through configured mappings, and
/// the mesh requests, errors and edges come out exactly as sent.
/// </summary>
public sealed class NginxMeshTests
{
    [Fact]
    public async Task Requests_through_nginx_become_mesh_requests_with_exact_counts_errors_and_edges()
    {
        await using var nginx = await NginxProxy.StartAsync("catalog", "orders");
        var state = Path.Combine(Path.GetTempPath(), $"observe-tail-{Guid.NewGuid():N}.json");
        await using var observe = await ObserveServer.StartAsync(new Dictionary<string, string?>
        {
            ["AccessLogs:Tail:Files:0:Path"] = nginx.AccessLogPath,
            ["AccessLogs:Tail:Files:0:Format"] = "nginx-json",
            ["AccessLogs:Tail:Files:0:Workload"] = "nginx",
            ["AccessLogs:Tail:Files:0:Namespace"] = "edge",
            ["AccessLogs:Tail:StatePath"] = state,
            ["AccessLogs:Tail:PollInterval"] = "00:00:00.020",
            ["Mesh:Peers:Mappings:0:Address"] = nginx["catalog"].Address,
            ["Mesh:Peers:Mappings:0:Workload"] = "catalog",
            ["Mesh:Peers:Mappings:0:Namespace"] = "shop",
            ["Mesh:Peers:Mappings:1:Address"] = nginx["orders"].Address,
            ["Mesh:Peers:Mappings:1:Workload"] = "orders",
            ["Mesh:Peers:Mappings:1:Namespace"] = "shop",
            ["Mesh:Pairing:Interval"] = "00:00:00.020",
            ["Mesh:Pairing:Window"] = "00:00:00.200",
        });
        using var client = new HttpClient { BaseAddress = nginx.BaseAddress };
        async Task SendAsync(int times, HttpMethod method, string path)
        {
            for (var i = 0; i < times; i++)
            {
                using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? new StringContent("{\"order\":1}") : null };
                using var response = await client.SendAsync(request);
            }
        }
        await SendAsync(7, HttpMethod.Get, "/catalog/items");
        await SendAsync(3, HttpMethod.Get, "/catalog/items?status=503");
        await SendAsync(4, HttpMethod.Post, "/orders/");
        await SendAsync(2, HttpMethod.Get, "/orders/x?status=500");
        await SendAsync(1, HttpMethod.Get, "/nowhere"); // nginx's own 404, no upstream

        // The rollups are written right after the rows they roll up (the same insert): wait for them.
        Assert.True(await Loopback.EventuallyAsync(async () => await observe.QueryAsync("SELECT sum(Requests) FROM {db}.mesh_edges_1m") == "17", TimeSpan.FromSeconds(30)),
            $"mesh_requests: {await observe.CountAsync("mesh_requests")}, reports: {await observe.CountAsync("mesh_reports")}");

        Assert.Equal(
            "nginx\tedge\tcatalog\tshop\t10\t3\n" +
            "nginx\tedge\torders\tshop\t6\t2\n" +
            "unknown\tunknown\tnginx\tedge\t1\t0",
            await observe.QueryAsync("""
                SELECT SourceWorkload, SourceNamespace, DestinationWorkload, DestinationNamespace, sum(Requests), sum(Errors)
                FROM {db}.mesh_edges_1m GROUP BY ALL ORDER BY SourceWorkload, DestinationWorkload
                """));
        Assert.Equal("17\t17", await observe.QueryAsync("SELECT count(), uniqExact(RequestId) FROM {db}.mesh_requests"));
        Assert.Equal("17", await observe.QueryAsync("SELECT count() FROM {db}.otel_logs WHERE LogAttributes['log.file.path'] != ''"));
        File.Delete(state);
    }
}
