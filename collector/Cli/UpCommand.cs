using System.CommandLine;
using Observe.Collector.Hosting;

namespace Observe.Collector.Cli;

/// <summary><c>observe up</c>: runs every module in one process.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var flags = HostFlags.StoreAndApi()
            .Int("--otlp-grpc-port", "Collector:OtlpGrpcPort", "OTLP/gRPC port (Collector:OtlpGrpcPort). Default: 4317")
            .Int("--otlp-http-port", "Collector:OtlpHttpPort", "OTLP/HTTP port (Collector:OtlpHttpPort). Default: 4318")
            .String("--slo", "Slo:Directory", "Directory (or file) of SLO YAML, reloaded when it changes (Slo:Directory). Default: none")
            .Cluster()
            .Switch("--demo", "Demo:Enabled", "Run the built-in demo mesh: Bookinfo-like traffic in two zones, a looping scenario, and the autoscaler scaling a simulated cluster (Demo:Enabled). Default: off");
        var command = new Command("up", "Run Observe: OTLP receivers, ingest pipeline and HTTP API on the configured store, and the autoscaler controller when a cluster is configured.");
        flags.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var app = await ObserveApp.BuildAsync(flags.Settings(parse), cancellationToken: cancellationToken).ConfigureAwait(false);
            await app.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
