using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Observe.Collector.Tests.Receivers.Otlp;

/// <summary>
/// The OpenTelemetry .NET SDK's own OTLP exporter sends to a running Observe; what arrives in the
/// tables must match what was sent, field by field.
/// </summary>
public sealed class OtlpSdkEndToEndTests : IAsyncLifetime
{
    private ObserveServer _server = null!;

    public async Task InitializeAsync() => _server = await ObserveServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<OtlpExportProtocol> Protocols => new() { OtlpExportProtocol.Grpc, OtlpExportProtocol.HttpProtobuf };

    private void Configure(OtlpExporterOptions options, OtlpExportProtocol protocol, string path)
    {
        options.Protocol = protocol;
        options.Endpoint = protocol == OtlpExportProtocol.Grpc
            ? new Uri($"http://127.0.0.1:{_server.GrpcPort}")
            : new Uri($"http://127.0.0.1:{_server.HttpPort}{path}");
        options.ExportProcessorType = ExportProcessorType.Simple;
        options.TimeoutMilliseconds = 30_000;
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Spans_with_events_links_and_status_arrive_field_by_field(OtlpExportProtocol protocol)
    {
        var service = $"checkout-{protocol}";
        var sourceName = $"observe.e2e.{protocol}";
        using var source = new ActivitySource(sourceName, "2.1.0");
        using (var provider = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
                   .AddSource(sourceName)
                   .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service, serviceVersion: "1.4.2").AddAttributes([new("k8s.namespace.name", "shop")]))
                   .AddOtlpExporter(o => Configure(o, protocol, "/v1/traces"))
                   .Build())
        {
            var linked = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "vendor=x");
            Activity server, client;
            using (server = source.StartActivity("GET /cart", ActivityKind.Server, default(ActivityContext), links: [new ActivityLink(linked, new ActivityTagsCollection { ["link.reason"] = "retry" })])!)
            {
                server.SetTag("http.request.method", "GET");
                server.SetTag("http.response.status_code", 503);
                server.SetTag("retry", true);
                server.SetTag("ratio", 0.25);
                server.SetTag("tags", new[] { "a", "b" });
                server.AddEvent(new ActivityEvent("cache miss", tags: new ActivityTagsCollection { ["key"] = "cart:42", ["attempt"] = 2 }));
                using (client = source.StartActivity("SELECT carts", ActivityKind.Client)!)
                {
                    client.SetTag("db.system", "postgresql");
                }
                server.SetStatus(ActivityStatusCode.Error, "upstream unavailable");
            }
            Assert.True(provider.ForceFlush(30_000));

            var rows = await _server.QueryAsync($$"""
                SELECT TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, ScopeName, ScopeVersion, StatusCode, StatusMessage,
                       Duration, toUnixTimestamp64Nano(Timestamp), ResourceAttributes['service.version'], ResourceAttributes['k8s.namespace.name'],
                       SpanAttributes['http.response.status_code'], SpanAttributes['retry'], SpanAttributes['ratio'], SpanAttributes['tags'],
                       `Events.Name`, `Events.Attributes`[1]['key'], `Events.Attributes`[1]['attempt'],
                       `Links.TraceId`, `Links.SpanId`, `Links.TraceState`, `Links.Attributes`[1]['link.reason']
                FROM {db}.otel_traces WHERE ServiceName = '{{service}}' ORDER BY Timestamp
                """);
            var lines = rows.Split('\n').Select(l => l.Split('\t')).ToArray();
            Assert.Equal(2, lines.Length);
            var s = lines[0];
            Assert.Equal(server.TraceId.ToHexString(), s[0]);
            Assert.Equal(server.SpanId.ToHexString(), s[1]);
            Assert.Equal("", s[2]);
            Assert.Equal(["GET /cart", "Server", service, sourceName, "2.1.0", "Error", "upstream unavailable"], s[3..10]);
            Assert.Equal((ulong)server.Duration.Ticks * 100, ulong.Parse(s[10]));
            Assert.Equal((server.StartTimeUtc - DateTime.UnixEpoch).Ticks * 100, long.Parse(s[11]));
            Assert.Equal(["1.4.2", "shop", "503", "true", "0.25", "[\"a\",\"b\"]"], s[12..18]);
            Assert.Equal(["['cache miss']", "cart:42", "2"], s[18..21]);
            Assert.Equal($"['{linked.TraceId.ToHexString()}']", s[21]);
            Assert.Equal($"['{linked.SpanId.ToHexString()}']", s[22]);
            Assert.Equal("['vendor=x']", s[23]);
            Assert.Equal("retry", s[24]);

            var c = lines[1];
            Assert.Equal(server.TraceId.ToHexString(), c[0]);
            Assert.Equal(client.SpanId.ToHexString(), c[1]);
            Assert.Equal(server.SpanId.ToHexString(), c[2]);
            Assert.Equal(["SELECT carts", "Client"], c[3..5]);
            Assert.Equal("Unset", c[8]);

            // The lookup table, filled by its materialized view per insert, covers the trace's time range.
            Assert.Equal("1", await _server.QueryAsync(
                $"SELECT min(Start) <= toDateTime('{server.StartTimeUtc:yyyy-MM-dd HH:mm:ss}', 'UTC') AND max(End) >= toDateTime('{client.StartTimeUtc:yyyy-MM-dd HH:mm:ss}', 'UTC') FROM {{db}}.otel_traces_trace_id_ts WHERE TraceId = '{server.TraceId.ToHexString()}'"));
        }
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Counter_histogram_and_gauge_arrive_as_sum_histogram_and_gauge_rows(OtlpExportProtocol protocol)
    {
        var service = $"meter-{protocol}";
        var meterName = $"observe.e2e.metrics.{protocol}";
        using var meter = new Meter(meterName, "0.3.0");
        var requests = meter.CreateCounter<long>("http.requests", "{request}", "Requests handled");
        var latency = meter.CreateHistogram<double>("http.latency", "ms");
        var depth = meter.CreateGauge<long>("queue.depth");
        using var provider = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
            .AddMeter(meterName)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
            .AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter, protocol, "/v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000;
            })
            .Build();
        requests.Add(2, new KeyValuePair<string, object?>("route", "/cart"));
        requests.Add(1, new KeyValuePair<string, object?>("route", "/cart"));
        latency.Record(5);
        latency.Record(15);
        depth.Record(7);
        Assert.True(provider.ForceFlush(30_000));

        Assert.Equal("http.requests\tRequests handled\t{request}\t3\ttrue\t2\t/cart\t" + meterName + "\t0.3.0",
            await _server.QueryAsync($"SELECT MetricName, MetricDescription, MetricUnit, Value, IsMonotonic, AggregationTemporality, Attributes['route'], ScopeName, ScopeVersion FROM {{db}}.otel_metrics_sum WHERE ServiceName = '{service}'"));
        var histogram = (await _server.QueryAsync($"SELECT Count, Sum, Min, Max, length(BucketCounts) = length(ExplicitBounds) + 1, arraySum(BucketCounts), MetricUnit FROM {{db}}.otel_metrics_histogram WHERE ServiceName = '{service}'")).Split('\t');
        Assert.Equal(["2", "20", "5", "15", "1", "2", "ms"], histogram);
        Assert.Equal("queue.depth\t7", await _server.QueryAsync($"SELECT MetricName, Value FROM {{db}}.otel_metrics_gauge WHERE ServiceName = '{service}'"));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Log_records_arrive_with_severity_body_attributes_and_trace_context(OtlpExportProtocol protocol)
    {
        var service = $"logger-{protocol}";
        using var source = new ActivitySource($"observe.e2e.logs.{protocol}");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using (var factory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(o =>
               {
                   o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service));
                   o.IncludeFormattedMessage = true;
                   o.AddOtlpExporter(e => Configure(e, protocol, "/v1/logs"));
               })))
        {
            var logger = factory.CreateLogger("Observe.E2E.Orders");
            using var activity = source.StartActivity("order")!;
            logger.LogWarning("Order {OrderId} is late by {Minutes} minutes", 42, 7.5);
            activity.Stop();
            var row = (await FlushAndReadAsync(service)).Split('\t');
            Assert.Equal(activity.TraceId.ToHexString(), row[0]);
            Assert.Equal(activity.SpanId.ToHexString(), row[1]);
            Assert.Equal("1", row[2]);
            Assert.Equal(["Warning", "13"], row[3..5]);
            Assert.Equal("Order 42 is late by 7.5 minutes", row[5]);
            Assert.Equal(["42", "7.5", "Observe.E2E.Orders"], row[6..9]);
        }
    }

    /// <summary>The simple processor exports each record as it is logged; wait until it is committed.</summary>
    private async Task<string> FlushAndReadAsync(string service)
    {
        var query = $"SELECT TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, Body, LogAttributes['OrderId'], LogAttributes['Minutes'], ScopeName FROM {{db}}.otel_logs WHERE ServiceName = '{service}'";
        string row = "";
        Assert.True(await Loopback.EventuallyAsync(async () => (row = await _server.QueryAsync(query)).Length > 0, TimeSpan.FromSeconds(30)));
        return row;
    }
}
