using System.Text;
using Microsoft.AspNetCore.Builder;
using Observe.Collector.Hosting;
using Observe.Store;

namespace Observe.Collector.Tests;

/// <summary>A real Observe process (Kestrel on loopback ports) writing into its own database of the test engine.</summary>
public sealed class ObserveServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ObserveServer(WebApplication app, IClickHouseTransport store, string database, int grpcPort, int httpPort, int apiPort)
    {
        _app = app;
        Store = store;
        Database = database;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        ApiPort = apiPort;
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        Otlp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    }

    public IClickHouseTransport Store { get; }
    public string Database { get; }
    public int GrpcPort { get; }
    public int HttpPort { get; }
    public int ApiPort { get; }

    /// <summary>The HTTP API (:8080 in production).</summary>
    public HttpClient Api { get; }

    /// <summary>OTLP/HTTP (:4318 in production).</summary>
    public HttpClient Otlp { get; }

    /// <summary>
    /// Starts Observe on the shared test engine, or, when <paramref name="settings"/> name a
    /// Store:Url, on the server there (assertions still read the shared engine behind it).
    /// </summary>
    public static async Task<ObserveServer> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var database = EmbeddedEngine.NewDatabase("collector");
        int grpc = Loopback.FreePort(), http = Loopback.FreePort(), api = Loopback.FreePort();
        var configuration = new Dictionary<string, string?>
        {
            ["Collector:OtlpGrpcPort"] = grpc.ToString(),
            ["Collector:OtlpHttpPort"] = http.ToString(),
            ["Collector:HttpPort"] = api.ToString(),
            ["Store:Database"] = database,
            ["Ingest:MaxBatchDelay"] = "00:00:00.005",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        var viaServer = configuration.ContainsKey("Store:Url");
        var app = await ObserveApp.BuildAsync(configuration, viaServer ? null : EmbeddedEngine.Shared);
        await app.StartAsync();
        return new ObserveServer(app, EmbeddedEngine.Shared, database, grpc, http, api);
    }

    /// <summary>Runs SQL in this server's database (write <c>{db}</c> for it) and returns TSV.</summary>
    public async Task<string> QueryAsync(string sql) =>
        Encoding.UTF8.GetString(await Store.QueryAsync(sql.Replace("{db}", $"`{Database}`"), "TabSeparated")).TrimEnd('\n');

    public async Task<long> CountAsync(string table) => long.Parse(await QueryAsync($"SELECT count() FROM {{db}}.{table}"));

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        Otlp.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
