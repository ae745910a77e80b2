using System.Net;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Observe.Collector.Tests.Receivers.AccessLogs;

/// <summary>
/// OTLP logs as Istio's envoyOtelAls provider sends them (built from the proto): no resource by
/// default, the body in Istio's text format, the provider's labels as attributes. They are stored
/// as logs and also become mesh reports; ordinary application logs do not.
/// </summary>
public sealed class OtlpAccessLogTests : IAsyncLifetime
{
    private ObserveServer _server = null!;
    private readonly string _now = DateTimeOffset.UtcNow.AddSeconds(-10).ToString("yyyy-MM-ddTHH:mm:ss.fff'Z'");

    public async Task InitializeAsync() => _server = await ObserveServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Envoy_access_log_bodies_become_mesh_reports_with_labels_and_resource_identity()
    {
        var line = $"[{_now}] \"GET /details/0 HTTP/1.1\" 200 - via_upstream - \"-\" 0 178 3 2 \"-\" \"curl/8\" \"otel-1\" \"details:9080\" " +
            "\"10.0.4.4:9080\" inbound|9080|| 127.0.0.6:41000 10.0.4.4:9080 10.0.1.4:50000 outbound_.9080_._.details.default.svc.cluster.local default";
        var istio = new ResourceLogs
        {
            ScopeLogs =
            {
                new ScopeLogs
                {
                    LogRecords =
                    {
                        new LogRecord
                        {
                            TimeUnixNano = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000,
                            Body = new AnyValue { StringValue = line },
                            Attributes =
                            {
                                new KeyValue { Key = "destination_workload", Value = new AnyValue { StringValue = "details-v1" } },
                                new KeyValue { Key = "destination_workload_namespace", Value = new AnyValue { StringValue = "default" } },
                                new KeyValue { Key = "source_workload", Value = new AnyValue { StringValue = "productpage-v1" } },
                            },
                        },
                        new LogRecord { Body = new AnyValue { StringValue = $"[{_now}] \"GET /details/0 HTTP/1.1\" 2OO cut short" } },
                    },
                },
            },
        };
        // With Envoy's built-in labels on, the resource names the node.
        var envoy = new ResourceLogs
        {
            Resource = new Resource
            {
                Attributes =
                {
                    new KeyValue { Key = "log_name", Value = new AnyValue { StringValue = "otel_envoy_accesslog" } },
                    new KeyValue { Key = "node_name", Value = new AnyValue { StringValue = "sidecar~10.0.1.4~productpage-v1-6b746f74dc-9stvs.default~default.svc.cluster.local" } },
                    new KeyValue { Key = "zone_name", Value = new AnyValue { StringValue = "zone-a" } },
                },
            },
            ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord { Body = new AnyValue { StringValue = line.Replace("inbound|9080||", "outbound|9080||details.default.svc.cluster.local").Replace("otel-1", "otel-2").Replace("outbound_.9080_._.details.default.svc.cluster.local", "-") } } } } },
        };
        var application = new ResourceLogs
        {
            ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord { Body = new AnyValue { StringValue = "user 42 logged in" } } } } },
        };
        var request = new ExportLogsServiceRequest { ResourceLogs = { istio, envoy, application } };
        using var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new("application/x-protobuf");

        var response = await _server.Otlp.PostAsync("/v1/logs", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, await _server.CountAsync("otel_logs"));
        Assert.Equal(
            "otel-1\tdestination\tproductpage-v1\tdetails-v1\tdefault\ttrue\n" +
            "otel-2\tsource\tproductpage-v1\tunknown\tdefault\tfalse",
            await _server.QueryAsync("SELECT RequestId, Reporter, SourceWorkload, DestinationWorkload, DestinationNamespace, Mtls FROM {db}.mesh_reports ORDER BY RequestId"));
        Assert.Equal("zone-a", await _server.QueryAsync("SELECT SourceZone FROM {db}.mesh_reports WHERE RequestId = 'otel-2'"));
        var stats = System.Text.Json.JsonDocument.Parse(await _server.Api.GetStringAsync("/api/v1/stats")).RootElement.GetProperty("ingest");
        Assert.Equal(1, stats.GetProperty("totals").GetProperty("unparsed.accesslogs").GetInt32());
        Assert.Equal("resourceLogs[0].scopeLogs[0].logRecords[1]", stats.GetProperty("accessLogs").GetProperty("recentErrors")[0].GetProperty("where").GetString());
    }
}
