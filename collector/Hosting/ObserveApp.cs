using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Observe.Autoscaler.Kubernetes;
using Observe.Collector.Api;
using Observe.Collector.Control;
using Observe.Collector.Demo;
using Observe.Collector.Live;
using Observe.Collector.Pipeline;
using Observe.Collector.Receivers.AccessLogs;
using Observe.Collector.Receivers.AccessLogs.Tail;
using Observe.Collector.Receivers.Otlp;
using Observe.Collector.Slos;
using Observe.Autoscaler.Control;
using Observe.Autoscaler.Slo;
using Observe.Autoscaler.Slo.Evaluation;
using Observe.Store.Mesh;
using Observe.Topology.Graph;
using Observe.Topology.Mesh;
using Observe.Topology.Spans;
using Observe.Store;

namespace Observe.Collector.Hosting;

/// <summary>
/// Builds the Observe process: the store (opened and migrated before anything listens), the ingest
/// pipeline, the OTLP receivers and the HTTP API, each on its own port.
/// </summary>
public static class ObserveApp
{
    /// <param name="configure">Extra configuration (command-line flags, tests), applied last.</param>
    /// <param name="store">An engine to use instead of opening one from configuration (tests share one).</param>
    public static async Task<WebApplication> BuildAsync(
        IEnumerable<KeyValuePair<string, string?>> configure, IClickHouseTransport? store = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddJsonFile("appsettings.json", optional: true);
        builder.Configuration.AddEnvironmentVariables("OBSERVE_");
        builder.Configuration.AddInMemoryCollection(configure);

        var collector = Bind<CollectorOptions>(builder.Configuration, "Collector");
        var storeOptions = Bind<StoreOptions>(builder.Configuration, "Store");
        var ingest = Bind<IngestOptions>(builder.Configuration, "Ingest");
        var otlp = Bind<OtlpOptions>(builder.Configuration, "Otlp");
        var accessLogs = Bind<AccessLogOptions>(builder.Configuration, "AccessLogs");
        var peers = Bind<PeerOptions>(builder.Configuration, "Mesh:Peers");
        var pairing = Bind<MeshPairingOptions>(builder.Configuration, "Mesh:Pairing");
        var spanPairing = Bind<SpanPairingOptions>(builder.Configuration, "Topology:Spans");
        var tail = Bind<TailOptions>(builder.Configuration, "AccessLogs:Tail");
        var health = Bind<HealthOptions>(builder.Configuration, "Topology:Health");
        var graphLimits = Bind<GraphLimits>(builder.Configuration, "Topology:Limits");
        var live = Bind<LiveOptions>(builder.Configuration, "Topology:Live");
        var ui = Bind<UiOptions>(builder.Configuration, "Ui");
        var sloOptions = Bind<SloOptions>(builder.Configuration, "Slo");
        collector.Validate();
        ingest.Validate();
        otlp.Validate();
        accessLogs.Validate();
        peers.Validate();
        pairing.Validate();
        spanPairing.Validate();
        tail.Validate();
        health.Validate();
        graphLimits.Validate();
        live.Validate();
        sloOptions.Validate();
        var kubernetes = Bind<KubernetesOptions>(builder.Configuration, "Kubernetes");
        var controllerSettings = Bind<ControllerSettings>(builder.Configuration, "Controller");
        kubernetes.Validate();
        controllerSettings.Validate();
        var demo = Bind<DemoOptions>(builder.Configuration, "Demo");
        demo.Validate();
        if (demo.Enabled)
        {
            if (kubernetes.Configured)
            {
                throw new ArgumentException("Demo:Enabled (--demo) scales a simulated cluster; it cannot be combined with a Kubernetes cluster (Kubernetes:Kubeconfig, Kubernetes:InCluster).");
            }
            if (!collector.Receivers)
            {
                throw new ArgumentException("Demo:Enabled (--demo) sends its traffic to this process's receivers; it runs only where they do (observe up).");
            }
            // The SLO view shows the demo's objectives unless the user named SLO files of their own.
            sloOptions.Directory ??= DemoResources.Directory;
        }

        var ownsStore = store is null;
        store ??= ClickHouseStore.Open(storeOptions);
        try
        {
            await MigrateWhenReachableAsync(store, storeOptions, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (ownsStore)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = IPAddress.Parse(collector.ListenAddress);
            kestrel.Limits.MaxRequestBodySize = null; // the receivers enforce Otlp:MaxRequestBytes themselves, with a clear answer
            kestrel.Limits.Http2.InitialConnectionWindowSize = 8 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 4 * 1024 * 1024;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 256;
            if (collector.Receivers)
            {
                kestrel.Listen(address, collector.OtlpGrpcPort, o => o.Protocols = HttpProtocols.Http2);
                kestrel.Listen(address, collector.OtlpHttpPort, o => o.Protocols = HttpProtocols.Http1);
            }
            kestrel.Listen(address, collector.HttpPort, o => o.Protocols = HttpProtocols.Http1);
        });

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(collector);
        services.AddSingleton(storeOptions);
        services.AddSingleton(ingest);
        services.AddSingleton(otlp);
        services.AddSingleton(new StoreHandle(store, ownsStore));
        services.AddSingleton(store);
        services.AddSingleton<IngestCounters>();
        services.AddSingleton(sp => new GroupCommitter(store, storeOptions.Database, ingest, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IngestCounters>()));
        services.AddSingleton(accessLogs);
        services.AddSingleton(pairing);
        services.AddSingleton(sp => new MeshRequestResolver(peers, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IMeshRequestResolver>(sp => sp.GetRequiredService<MeshRequestResolver>());
        services.AddSingleton<AccessLogErrors>();
        services.AddSingleton<AccessLogIngest>();
        services.AddSingleton<AccessLogHttpEndpoint>();
        services.AddSingleton<EnvoyAlsEndpoint>();
        services.AddSingleton<OtlpAccessLogs>();
        services.AddSingleton(new MeshReportPairing(store, storeOptions.Database, pairing));
        if (collector.Receivers)
        {
            // Pairing and tailing belong to the collectors; a controller-only process on the same
            // store would pair the same reports a second time.
            services.AddHostedService<MeshPairingService>();
        }
        services.AddSingleton(spanPairing);
        services.AddSingleton(sp => new SpanPairing(store, storeOptions.Database, spanPairing, sp.GetRequiredService<TimeProvider>()));
        if (collector.Receivers)
        {
            services.AddHostedService<SpanPairingService>();
        }
        services.AddSingleton(tail);
        services.AddSingleton(sp => new LogFileTail(tail, tail.StatePathOr(storeOptions.DataPath), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LogFileTail>>()));
        if (collector.Receivers)
        {
            services.AddHostedService<AccessLogTailService>();
        }
        services.AddSingleton<OtlpExport>();
        services.AddSingleton<OtlpGrpcEndpoint>();
        services.AddSingleton<OtlpHttpEndpoint>();
        services.AddSingleton(new TelemetryQueries(store, storeOptions.Database));
        services.AddSingleton<ObserveApi>();
        services.AddSingleton<IGraphReader>(new GraphReader(store, storeOptions.Database, health, graphLimits));
        services.AddSingleton<TopologyApi>();
        services.AddSingleton(live);
        services.AddSingleton<LiveTopology>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveTopology>());
        services.AddSignalR().AddJsonProtocol(o =>
        {
            foreach (var converter in TopologyApi.Json.Converters)
            {
                o.PayloadSerializerOptions.Converters.Add(converter);
            }
        });
        services.AddSingleton(sloOptions);
        services.AddSingleton(new SloEvaluator(store, storeOptions.Database, sloOptions.Settle, sloOptions.ColdReadBudget));
        services.AddSingleton(new SloHistory(store, storeOptions.Database));
        services.AddSingleton<ISelectorCatalog>(new StoreSelectorCatalog(store, storeOptions.Database));
        services.AddSingleton(sp => new SloEvaluationService(sloOptions,
            sloOptions.Directory is { } directory
                ? new SloCatalog(directory, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SloCatalog>>(), sloOptions.ReloadInterval)
                : null,
            sp.GetRequiredService<SloEvaluator>(), sp.GetRequiredService<SloHistory>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SloEvaluationService>>()));
        services.AddHostedService(sp => sp.GetRequiredService<SloEvaluationService>());
        services.AddSingleton<SloApi>();
        services.AddSingleton<IScalingDecisionLog>(new StoreDecisionLog(store, storeOptions.Database));
        // IControllerStates is registered only where a controller runs; ScalingApi takes it optionally.
        if (demo.Enabled)
        {
            services.AddSingleton(demo);
            services.AddSingleton<DemoMesh>();
            services.AddHostedService<DemoService>();
            AddController(services, sp => sp.GetRequiredService<DemoMesh>().Cluster, controllerSettings, store, storeOptions, sloOptions);
            services.AddSingleton(sp => new DemoApi(sp.GetRequiredService<DemoMesh>()));
        }
        else
        {
            if (kubernetes.Configured)
            {
                var endpoint = kubernetes.Kubeconfig is { } path ? KubernetesConnection.FromKubeconfig(path, kubernetes.Context)
                    : kubernetes.InCluster ? KubernetesConnection.InCluster()
                    : KubernetesConnection.Discover();
                services.AddSingleton(sp => new KubernetesClient(endpoint, new KubernetesClientOptions(), sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<KubernetesClient>>()));
                AddController(services, sp => sp.GetRequiredService<KubernetesClient>(), controllerSettings, store, storeOptions, sloOptions);
            }
            services.AddSingleton(new DemoApi());
        }
        services.AddSingleton<ScalingApi>();
        services.AddSingleton(ui);
        services.AddSingleton<UiFiles>();
        services.AddHostedService<ShutdownOrder>();

        var app = builder.Build();
        var ports = new Dictionary<ListenerRole, int>
        {
            [ListenerRole.OtlpGrpc] = collector.OtlpGrpcPort,
            [ListenerRole.OtlpHttp] = collector.OtlpHttpPort,
            [ListenerRole.Api] = collector.HttpPort,
        };
        app.UseWebSockets();
        app.UseRouting();
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ListenerRole>() is { } role && ports[role] != context.Connection.LocalPort)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });

        var grpc = app.Services.GetRequiredService<OtlpGrpcEndpoint>();
        var http = app.Services.GetRequiredService<OtlpHttpEndpoint>();
        foreach (var signal in OtlpSignals.All)
        {
            app.MapPost(signal.GrpcMethod, context => grpc.HandleAsync(context, signal)).WithMetadata(ListenerRole.OtlpGrpc);
            app.MapPost(signal.HttpPath, context => http.HandleAsync(context, signal)).WithMetadata(ListenerRole.OtlpHttp);
        }
        var als = app.Services.GetRequiredService<EnvoyAlsEndpoint>();
        app.MapPost(EnvoyAlsEndpoint.Path, als.HandleAsync).WithMetadata(ListenerRole.OtlpGrpc);
        var accessLogEndpoint = app.Services.GetRequiredService<AccessLogHttpEndpoint>();
        app.MapPost(AccessLogHttpEndpoint.Path, (Delegate)accessLogEndpoint.HandleAsync).WithMetadata(ListenerRole.Api);
        var api = app.Services.GetRequiredService<ObserveApi>().Map(app);
        app.Services.GetRequiredService<TopologyApi>().Map(api);
        app.Services.GetRequiredService<SloApi>().Map(api);
        app.Services.GetRequiredService<ScalingApi>().Map(api);
        app.Services.GetRequiredService<DemoApi>().Map(api);
        app.Services.GetRequiredService<UiFiles>().Map(api);
        api.WithMetadata(ListenerRole.Api);
        app.MapHub<TopologyHub>(TopologyHub.Path).WithMetadata(ListenerRole.Api);

        app.Logger.LogInformation("Store: {Store}, database {Database}", store.Description, storeOptions.Database);
        return app;
    }

    /// <summary>
    /// The autoscaler controller, one code path for every cluster: the Kubernetes client of a
    /// configured cluster or the demo's simulated one; its own SLO evaluator (the policies' SLOs
    /// are resources, not files), the store's signals and decision log, and the loop that holds the Lease.
    /// </summary>
    private static void AddController(IServiceCollection services, Func<IServiceProvider, IKubernetesApi> cluster, ControllerSettings settings,
        IClickHouseTransport store, StoreOptions storeOptions, SloOptions sloOptions)
    {
        services.AddSingleton(sp => new ScalingController(
            cluster(sp),
            new StoreWorkloadSignals(store, storeOptions.Database),
            new EvaluatedSloSignals(new SloEvaluator(store, storeOptions.Database, sloOptions.Settle, sloOptions.ColdReadBudget, forgetUnlisted: false), sp.GetRequiredService<ILogger<EvaluatedSloSignals>>()),
            sp.GetRequiredService<IScalingDecisionLog>(),
            settings,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IControllerStates>(sp => sp.GetRequiredService<ScalingController>());
        services.AddHostedService<ControllerService>();
    }

    /// <summary>
    /// A ClickHouse server may come up after Observe (e.g. in a cluster): an unreachable store is
    /// retried with growing pauses for up to Store:StartupWait, saying so each time.
    /// </summary>
    private static async Task MigrateWhenReachableAsync(IClickHouseTransport store, StoreOptions options, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + options.StartupWait;
        var pause = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await ClickHouseStore.MigrateAsync(store, options, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (StoreUnavailableException e) when (DateTimeOffset.UtcNow + pause < deadline)
            {
                Console.Error.WriteLine($"observe: {e.Message}; retrying in {pause.TotalSeconds:0} s (Store:StartupWait {options.StartupWait})");
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromSeconds(Math.Min(pause.TotalSeconds * 2, 15));
            }
        }
    }

    private static T Bind<T>(IConfiguration configuration, string section) where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"Configuration section '{section}' is invalid: {e.Message}", e);
        }
        return options;
    }

    /// <summary>The store this process opened, closed after everything that writes to it has stopped.</summary>
    internal sealed record StoreHandle(IClickHouseTransport Store, bool Owned);

    /// <summary>
    /// After the listeners have stopped (StoppedAsync runs once every StopAsync has), let waiting
    /// batches commit, then close the store.
    /// </summary>
    private sealed class ShutdownOrder(GroupCommitter committer, StoreHandle handle) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StoppedAsync(CancellationToken cancellationToken)
        {
            await committer.DisposeAsync().ConfigureAwait(false);
            if (handle.Owned)
            {
                await handle.Store.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
