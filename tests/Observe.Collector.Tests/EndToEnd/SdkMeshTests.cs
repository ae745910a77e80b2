using System.Text.Json;
using Xunit.Abstractions;
using static Observe.Collector.Tests.EndToEnd.SdkMesh;

namespace Observe.Collector.Tests.EndToEnd;

/// <summary>
/// Three services in their own processes, traced by nothing but .NET 10's built-in activities and
/// the OpenTelemetry SDK's OTLP exporter, send to a real Observe (see <see cref="SdkMesh"/>):
/// frontend → checkout → payments, and checkout → the PostgreSQL database "orders". What Observe
/// stores must be exactly those calls: first the spans, then the service graph paired from them.
/// </summary>
public sealed class SdkMeshTests(ITestOutputHelper output)
{
    /// <summary>Spans per request: frontend server and client, checkout server, client and database client, payments server.</summary>
    private const int SpansPerRequest = 6;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Spans_of_three_sdk_services_arrive_with_their_resources_and_parents_across_processes()
    {
        await using var mesh = await StartAsync(output);
        var observe = mesh.Observe;
        // A flush exports what had ended; a server span may end just after its response was read.
        Assert.True(await Loopback.EventuallyAsync(async () => await observe.CountAsync("otel_traces") >= Requests * SpansPerRequest, Timeout),
            $"otel_traces holds {await observe.CountAsync("otel_traces")} of {Requests * SpansPerRequest} spans");

        // Exactly these spans, from the framework's own sources and the sample's database source;
        // nothing of the /flush calls.
        Assert.Equal(
            $"checkout\tClient\tMeshSample.Database\t{Requests}\n" +
            $"checkout\tClient\tSystem.Net.Http\t{Requests}\n" +
            $"checkout\tServer\tMicrosoft.AspNetCore\t{Requests}\n" +
            $"frontend\tClient\tSystem.Net.Http\t{Requests}\n" +
            $"frontend\tServer\tMicrosoft.AspNetCore\t{Requests}\n" +
            $"payments\tServer\tMicrosoft.AspNetCore\t{Requests}",
            await observe.QueryAsync("SELECT ServiceName, SpanKind, ScopeName, count() FROM {db}.otel_traces GROUP BY ALL ORDER BY ALL"));
        Assert.Equal($"{Requests}\t{SpansPerRequest}\t{SpansPerRequest}",
            await observe.QueryAsync("SELECT count(), min(Spans), max(Spans) FROM (SELECT TraceId, count() AS Spans FROM {db}.otel_traces GROUP BY TraceId)"));

        // Each process's resource, as the SDK sent it.
        Assert.Equal(
            string.Join('\n', new[] { Checkout, Frontend, Payments }.Select(s => $"{s.Name}\t{s.Namespace}\t{s.Namespace}\t{s.Version}\t{s.Zone}\t{s.Name}")),
            await observe.QueryAsync("""
                SELECT DISTINCT ServiceName, ResourceAttributes['service.namespace'], ResourceAttributes['k8s.namespace.name'],
                       ResourceAttributes['service.version'], ResourceAttributes['cloud.availability_zone'], ResourceAttributes['service.name']
                FROM {db}.otel_traces ORDER BY ServiceName
                """));

        // The trees: frontend's server spans are roots (the test sent no trace context); every
        // client span is the child of its own service's server span; every server span but the
        // roots is the child of the client span that called it, in another process, same trace.
        Assert.Equal($"frontend\tServer\t{Requests}",
            await observe.QueryAsync("SELECT ServiceName, SpanKind, count() FROM {db}.otel_traces WHERE ParentSpanId = '' GROUP BY ALL"));
        Assert.Equal(
            $"checkout\tClient\tpayments\tServer\tMicrosoft.AspNetCore\t{Requests}\n" +
            $"checkout\tServer\tcheckout\tClient\tMeshSample.Database\t{Requests}\n" +
            $"checkout\tServer\tcheckout\tClient\tSystem.Net.Http\t{Requests}\n" +
            $"frontend\tClient\tcheckout\tServer\tMicrosoft.AspNetCore\t{Requests}\n" +
            $"frontend\tServer\tfrontend\tClient\tSystem.Net.Http\t{Requests}",
            await observe.QueryAsync("""
                SELECT parent.ServiceName, parent.SpanKind, child.ServiceName, child.SpanKind, child.ScopeName, count()
                FROM {db}.otel_traces AS child
                INNER JOIN {db}.otel_traces AS parent ON parent.TraceId = child.TraceId AND parent.SpanId = child.ParentSpanId
                GROUP BY ALL ORDER BY ALL
                """));

        // The HTTP attributes .NET 10 sets: HttpClient all of them; ASP.NET Core the request's
        // (with its OpenTelemetry switch off), the sample's middleware the outcome and route.
        string Server(MeshSampleProcess s) =>
            $"{s.Name}\tServer\tGET\t200\t/work\t/work\thttp\t127.0.0.1\t{s.BaseAddress.Port}\t\t\tUnset\t{Requests}";
        string Client(MeshSampleProcess caller, MeshSampleProcess callee) =>
            $"{caller.Name}\tClient\tGET\t200\t\t\t\t127.0.0.1\t{callee.BaseAddress.Port}\t{callee.Url("/work")}\t1.1\tUnset\t{Requests}";
        Assert.Equal(
            string.Join('\n',
                Client(mesh[Checkout.Name], mesh[Payments.Name]),
                Server(mesh[Checkout.Name]),
                Client(mesh[Frontend.Name], mesh[Checkout.Name]),
                Server(mesh[Frontend.Name]),
                Server(mesh[Payments.Name])),
            await observe.QueryAsync("""
                SELECT ServiceName, SpanKind, SpanAttributes['http.request.method'], SpanAttributes['http.response.status_code'],
                       SpanAttributes['url.path'], SpanAttributes['http.route'], SpanAttributes['url.scheme'],
                       SpanAttributes['server.address'], SpanAttributes['server.port'], SpanAttributes['url.full'],
                       SpanAttributes['network.protocol.version'], StatusCode, count()
                FROM {db}.otel_traces WHERE ScopeName != 'MeshSample.Database'
                GROUP BY ALL ORDER BY ServiceName, SpanKind
                """));

        // The database call: a client span with the database conventions, old and new names.
        Assert.Equal($"checkout\tSELECT {Database}\tpostgresql\tpostgresql\t{Database}\t{Database}\tSELECT\t{Requests}",
            await observe.QueryAsync("""
                SELECT ServiceName, SpanName, SpanAttributes['db.system'], SpanAttributes['db.system.name'], SpanAttributes['db.name'],
                       SpanAttributes['db.namespace'], SpanAttributes['db.operation.name'], count()
                FROM {db}.otel_traces WHERE ScopeName = 'MeshSample.Database' GROUP BY ALL
                """));
    }

    [Fact]
    public async Task Spans_of_three_sdk_services_become_the_service_graph_with_exact_counts()
    {
        await using var mesh = await StartAsync(output);
        var observe = mesh.Observe;
        // Each call once, from its span pair (or a client span alone for the database, which sends
        // no spans): the root server spans are called by the virtual "user", the database is a
        // node of its own named by db.namespace / db.name, its protocol the db.system.
        const string unknown = "unknown";
        string Row(string sourceKind, (string Name, string Namespace, string Version, string Zone) source,
                   string destinationKind, (string Name, string Namespace, string Version, string Zone) destination, string protocol) =>
            $"span\t{sourceKind}\t{source.Name}\t{source.Namespace}\t{source.Version}\t{source.Zone}\t" +
            $"{destinationKind}\t{destination.Name}\t{destination.Namespace}\t{destination.Version}\t{destination.Zone}\t{protocol}\t{Requests}\t0";
        var expected = string.Join('\n',
            Row("workload", Checkout, "database", (Database, unknown, unknown, unknown), "postgresql"),
            Row("workload", Checkout, "workload", Payments, "http/1.1"),
            Row("workload", Frontend, "workload", Checkout, "http/1.1"),
            Row("user", ("user", unknown, unknown, unknown), "workload", Frontend, "http/1.1"));

        // Pairing runs on an interval, and rows reach the rollups a moment after mesh_requests.
        var edges = "";
        await Loopback.EventuallyAsync(async () => (edges = await EdgesAsync(observe)) == expected, Timeout);
        Assert.True(expected == edges,
            $"mesh_edges_1m after {Timeout.TotalSeconds} s:\n{edges}\nexpected:\n{expected}\n" +
            $"otel_traces: {await observe.CountAsync("otel_traces")} spans, mesh_requests: {await observe.CountAsync("mesh_requests")} rows");

        // The same graph as the topology API draws it, grouped by app with zones. The API reads
        // the 10 s rollup, which its own materialized view fills: it is polled like the 1 m one,
        // and what it drew last is in the message if it never matches.
        const string expectedGraph = """
            nodes: database:orders, user:user, workload:checkout, workload:frontend, workload:payments
            edges: checkout>orders postgresql 20 healthy, checkout>payments http/1.1 20 healthy, frontend>checkout http/1.1 20 healthy, user>frontend http/1.1 20 healthy
            cross-zone: checkout>payments, frontend>checkout
            """;
        var drawn = "";
        await Loopback.EventuallyAsync(async () => (drawn = await GraphAsync(observe)) == expectedGraph, Timeout);
        Assert.True(expectedGraph == drawn, $"/api/v1/topology after {Timeout.TotalSeconds} s:\n{drawn}\nexpected:\n{expectedGraph}");
    }

    /// <summary>
    /// The topology API's graph as three lines: its nodes (kind:name), its edges (source>target
    /// protocol requests health) and its cross-zone edges. The three services run in zones a, b
    /// and c; the database's and the user's zones are unknown, so their edges are not cross-zone.
    /// </summary>
    private static async Task<string> GraphAsync(ObserveServer observe)
    {
        var body = await observe.Api.GetStringAsync("/api/v1/topology?groupBy=app&from=" + DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds());
        using var graph = System.Text.Json.JsonDocument.Parse(body);
        var nodes = graph.RootElement.GetProperty("nodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("id").GetString()!, n => (Kind: n.GetProperty("kind").GetString(), Name: n.GetProperty("name").GetString()));
        var edges = graph.RootElement.GetProperty("edges").EnumerateArray().ToList();
        string Name(JsonElement edge, string end) => nodes.TryGetValue(edge.GetProperty(end).GetString()!, out var node) ? node.Name! : "?";
        string Path(JsonElement e) => $"{Name(e, "source")}>{Name(e, "target")}";
        string List(IEnumerable<string> items) => string.Join(", ", items.Order(StringComparer.Ordinal));
        return $"""
            nodes: {List(nodes.Values.Select(n => $"{n.Kind}:{n.Name}"))}
            edges: {List(edges.Select(e => $"{Path(e)} {e.GetProperty("protocol").GetString()} {e.GetProperty("traffic").GetProperty("requests").GetInt64()} {e.GetProperty("health").GetString()}"))}
            cross-zone: {List(edges.Where(e => e.GetProperty("crossZone").GetBoolean()).Select(Path))}
            """;
    }

    private static Task<string> EdgesAsync(ObserveServer observe) => observe.QueryAsync("""
        SELECT Origin, SourceKind, SourceWorkload, SourceNamespace, SourceVersion, SourceZone,
               DestinationKind, DestinationWorkload, DestinationNamespace, DestinationVersion, DestinationZone,
               Protocol, sum(Requests), sum(Errors)
        FROM {db}.mesh_edges_1m GROUP BY ALL ORDER BY SourceWorkload, DestinationWorkload
        """);
}
