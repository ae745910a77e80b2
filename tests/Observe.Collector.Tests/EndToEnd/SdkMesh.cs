using System.Diagnostics;
using Xunit.Abstractions;

namespace Observe.Collector.Tests.EndToEnd;

/// <summary>
/// A real Observe and three MeshSample processes exporting to it over OTLP with the
/// OpenTelemetry SDK: frontend → checkout → payments, and checkout → the PostgreSQL database
/// "orders". <see cref="StartAsync"/> sends <see cref="Requests"/> requests into frontend from
/// outside (no trace context) and flushes the three services.
/// </summary>
public sealed class SdkMesh : IAsyncDisposable
{
    public const int Requests = 20;

    /// <summary>Name, namespace, version, zone: each distinct enough that a swap shows.</summary>
    public static readonly (string Name, string Namespace, string Version, string Zone) Frontend = ("frontend", "web", "v1", "zone-a");
    public static readonly (string Name, string Namespace, string Version, string Zone) Checkout = ("checkout", "shop", "v2", "zone-b");
    public static readonly (string Name, string Namespace, string Version, string Zone) Payments = ("payments", "shop", "v3", "zone-c");
    public const string Database = "orders";

    private readonly ITestOutputHelper _output;
    private readonly List<MeshSampleProcess> _services = [];

    private SdkMesh(ITestOutputHelper output, ObserveServer observe)
    {
        _output = output;
        Observe = observe;
    }

    public ObserveServer Observe { get; }

    /// <summary>The three services, once started (in the order callees first).</summary>
    public IReadOnlyList<MeshSampleProcess> Services => _services;

    public MeshSampleProcess this[string name] => _services.Single(s => s.Name == name);

    public static async Task<SdkMesh> StartAsync(ITestOutputHelper output)
    {
        var mesh = new SdkMesh(output, await ObserveServer.StartAsync(new Dictionary<string, string?>
        {
            // Pairs, root spans and database calls are classified as soon as a step sees them;
            // the lag (kept at its default) only delays spans whose partner is missing.
            ["Topology:Spans:Interval"] = "00:00:00.020",
        }));
        try
        {
            // Callees first: a caller is told its callee's address, known once the callee listens.
            var payments = await mesh.StartServiceAsync(Payments);
            var checkout = await mesh.StartServiceAsync(Checkout, "--calls", payments.Url("/work"), "--database", Database);
            var frontend = await mesh.StartServiceAsync(Frontend, "--calls", checkout.Url("/work"));
            await DriveAsync(frontend);
            foreach (var service in mesh._services)
            {
                await FlushAsync(service);
            }
            return mesh;
        }
        catch
        {
            await mesh.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the services (their output goes to the test's output), then Observe.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(_services))
        {
            await service.DisposeAsync();
            _output.WriteLine(service.Output);
        }
        await Observe.DisposeAsync();
    }

    /// <summary>Payments exports over OTLP/HTTP, the others over OTLP/gRPC: both of the SDK's transports in one mesh.</summary>
    private async Task<MeshSampleProcess> StartServiceAsync((string Name, string Namespace, string Version, string Zone) service, params string[] arguments)
    {
        string[] otlp = service == Payments
            ? ["--otlp", $"http://127.0.0.1:{Observe.HttpPort}/v1/traces", "--protocol", "http"]
            : ["--otlp", $"http://127.0.0.1:{Observe.GrpcPort}", "--protocol", "grpc"];
        var process = await MeshSampleProcess.StartAsync(service.Name,
        [
            .. otlp,
            "--namespace", service.Namespace, "--version", service.Version, "--zone", service.Zone,
            .. arguments,
        ]);
        _services.Add(process);
        return process;
    }

    /// <summary>
    /// Requests from outside the mesh: the test's own HttpClient must not send a traceparent
    /// (it would, were anything in this process listening to System.Net.Http), so frontend's
    /// server spans are roots, as for a user's browser.
    /// </summary>
    private static async Task DriveAsync(MeshSampleProcess frontend)
    {
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator() })
        {
            BaseAddress = frontend.BaseAddress,
        };
        for (var i = 0; i < Requests; i++)
        {
            using var response = await client.GetAsync("/work");
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"request {i} to frontend: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    /// <summary>Exports what the service has recorded now, instead of waiting for its batch timer.</summary>
    private static async Task FlushAsync(MeshSampleProcess service)
    {
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator() })
        {
            BaseAddress = service.BaseAddress,
        };
        using var response = await client.PostAsync("/flush", null);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"flushing {service.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
