using System.CommandLine;
using Observe.Collector.Hosting;

namespace Observe.Collector.Cli;

/// <summary><c>observe up</c>: runs every module in one process.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Data directory of the embedded store (Store:DataPath). Default: ./data" };
        var storeUrl = new Option<string?>("--store-url") { Description = "Use a ClickHouse server over HTTP instead of the embedded store (Store:Url), e.g. http://localhost:8123" };
        var listen = new Option<string?>("--listen") { Description = "Address to bind (Collector:ListenAddress). Default: 127.0.0.1" };
        var grpcPort = new Option<int?>("--otlp-grpc-port") { Description = "OTLP/gRPC port (Collector:OtlpGrpcPort). Default: 4317" };
        var httpPort = new Option<int?>("--otlp-http-port") { Description = "OTLP/HTTP port (Collector:OtlpHttpPort). Default: 4318" };
        var apiPort = new Option<int?>("--http-port") { Description = "HTTP API port (Collector:HttpPort). Default: 8080" };
        var slo = new Option<string?>("--slo") { Description = "Directory (or file) of SLO YAML, reloaded when it changes (Slo:Directory). Default: none" };
        var command = new Command("up", "Run Observe: OTLP receivers, ingest pipeline and HTTP API on the configured store.")
        {
            data, storeUrl, listen, grpcPort, httpPort, apiPort, slo,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new Dictionary<string, string?>();
            void Put(string key, object? value)
            {
                if (value is not null)
                {
                    settings[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            Put("Store:DataPath", parse.GetValue(data));
            Put("Store:Url", parse.GetValue(storeUrl));
            Put("Collector:ListenAddress", parse.GetValue(listen));
            Put("Collector:OtlpGrpcPort", parse.GetValue(grpcPort));
            Put("Collector:OtlpHttpPort", parse.GetValue(httpPort));
            Put("Collector:HttpPort", parse.GetValue(apiPort));
            Put("Slo:Directory", parse.GetValue(slo));
            await using var app = await ObserveApp.BuildAsync(settings, cancellationToken: cancellationToken).ConfigureAwait(false);
            await app.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
