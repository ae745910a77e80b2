using System.Net;
using System.Text.Json;
using Observe.Collector.Api;
using Observe.Store.Mesh;
using Observe.Store.RowBinary;

namespace Observe.Collector.Tests.Api;

/// <summary>GET /api/v1/topology and /api/v1/topology/replay over HTTP: parameters, answer shape, and errors that say what to write.</summary>
public sealed class TopologyApiTests : IAsyncLifetime
{
    private ObserveServer _server = null!;
    private readonly DateTimeOffset _minute = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60 - 600);

    public async Task InitializeAsync()
    {
        _server = await ObserveServer.StartAsync();
        var frontend = new MeshPeer("frontend", "web", "frontend", "v1", "c1", "zone-a");
        var cart = new MeshPeer("cart-v2", "web", "cart", "v2", "c1", "zone-a");
        using var w = new RowBinaryWriter();
        for (var i = 0; i < 60; i++)
        {
            MeshRequestRows.Write(w, new MeshRequest(_minute.AddSeconds(i), frontend, cart, MeshReporter.Destination, MeshOrigin.AccessLog,
                "grpc", "POST", "cart:7070", "/cart.Cart/Get", 200, (short)(i < 6 ? 14 : 0), [], TimeSpan.FromMilliseconds(4), 10, 20, true, i < 6));
        }
        await _server.Store.InsertRowBinaryAsync($"`{_server.Database}`.{MeshSchema.Requests.Name}", MeshSchema.Requests.Columns, w.WrittenMemory);
        Assert.True(await Loopback.EventuallyAsync(async () => await _server.QueryAsync("SELECT sum(Requests) FROM {db}.mesh_edges_10s") == "60", TimeSpan.FromSeconds(10)));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_graph_of_a_window_names_nodes_edges_signals_and_health()
    {
        var graph = await GetAsync($"/api/v1/topology?from={_minute.ToUnixTimeMilliseconds()}&to={Uri.EscapeDataString(_minute.AddMinutes(1).ToString("O"))}&groupBy=version");

        Assert.Equal("version", graph.GetProperty("groupBy").GetString());
        var edge = Assert.Single(graph.GetProperty("edges").EnumerateArray());
        Assert.Equal(("grpc", 1.0, 0.1, "degraded"), (edge.GetProperty("protocol").GetString(), edge.GetProperty("traffic").GetProperty("requestsPerSecond").GetDouble(),
            edge.GetProperty("traffic").GetProperty("errorRatio").GetDouble(), edge.GetProperty("health").GetString()));
        var cart = graph.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "cart");
        Assert.Equal(("v2", "zone-a", 4.0), (cart.GetProperty("version").GetString(), cart.GetProperty("zone").GetString(), cart.GetProperty("inbound").GetProperty("p99").GetDouble()));
    }

    [Fact]
    public async Task A_replay_answers_a_dictionary_then_columns_per_frame()
    {
        var replay = await GetAsync($"/api/v1/topology/replay?from={_minute.ToUnixTimeMilliseconds()}&to={_minute.AddMinutes(1).ToUnixTimeMilliseconds()}&step=20s&window=30s");

        Assert.Equal(("20s", "30s"), (replay.GetProperty("step").GetString(), replay.GetProperty("window").GetString()));
        Assert.Equal(2, replay.GetProperty("nodes").GetArrayLength());
        var edges = replay.GetProperty("edges");
        Assert.Equal(1, edges.GetArrayLength());
        var frames = replay.GetProperty("frames").EnumerateArray().ToList();
        // Frames at +20 s, +40 s, +60 s; each holds the 30 s before it (the first only 20 s of the range).
        Assert.Equal([20, 30, 30], frames.Select(f => f.GetProperty("edges").GetProperty("requests")[0].GetInt32()));
        Assert.Equal(_minute.AddSeconds(20), frames[0].GetProperty("time").GetDateTimeOffset());
        Assert.Equal([0, 0, 0], frames.Select(f => f.GetProperty("edges").GetProperty("index")[0].GetInt32()));
    }

    [Theory]
    [InlineData("/api/v1/topology?groupBy=planet", "groupBy='planet' must be one of workload, version, app, service")]
    [InlineData("/api/v1/topology?from=yesterday", "from='yesterday' is not an RFC 3339 time or unix milliseconds")]
    [InlineData("/api/v1/topology?from=2000&to=1000", "must be before to")]
    [InlineData("/api/v1/topology?byZone=maybe", "byZone='maybe' must be true or false")]
    [InlineData("/api/v1/topology/replay?step=15s", "step must be a whole number of 10 s")]
    [InlineData("/api/v1/topology/replay?step=ten", "step='ten' is not a duration such as 10s or 1m")]
    [InlineData("/api/v1/topology/replay?window=5s", "window must be a whole number of 10 s")]
    [InlineData("/api/v1/topology/replay?from=0&step=10s", "at most 10000 are allowed (Topology:Limits:MaxReplayFrames)")]
    public async Task Bad_parameters_are_refused_with_what_to_write(string path, string message)
    {
        using var response = await _server.Api.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await _server.Api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }
}

/// <summary>Durations in query strings (step, window) and answers.</summary>
public sealed class DurationParameterTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("1m", 60_000)]
    [InlineData("250ms", 250)]
    [InlineData("6h", 21_600_000)]
    [InlineData("7d", 604_800_000)]
    public void Durations_read_and_write_the_same_way(string text, long millis)
    {
        Assert.True(DurationParameter.TryParse(text, out var duration));
        Assert.Equal(millis, (long)duration.TotalMilliseconds);
        Assert.Equal(text, DurationParameter.Format(duration));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("1.5m")]
    [InlineData("10 s")]
    public void Malformed_durations_are_not_read(string text) => Assert.False(DurationParameter.TryParse(text, out _));
}
