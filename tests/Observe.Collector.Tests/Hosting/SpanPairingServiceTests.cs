using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Observe.Collector.Tests.Receivers.Otlp;

namespace Observe.Collector.Tests.Hosting;

/// <summary>The running process pairs the spans it receives into requests and reports how it stands.</summary>
public sealed class SpanPairingServiceTests
{
    [Fact]
    public async Task Spans_received_over_otlp_become_requests_and_the_stats_count_the_outcomes()
    {
        await using var server = await ObserveServer.StartAsync(new Dictionary<string, string?> { ["Topology:Spans:Interval"] = "00:00:00.050" });
        var trace = ByteString.CopyFrom(Convert.FromHexString("4bf92f3577b34da6a3ce929d0e0e4736"));
        var now = OtlpRequests.NowNanos();
        Span Make(int id, int parent, Span.Types.SpanKind kind) => new()
        {
            TraceId = trace,
            SpanId = ByteString.CopyFrom(Convert.FromHexString($"{id:x16}")),
            ParentSpanId = parent == 0 ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString($"{parent:x16}")),
            Name = $"span-{id}",
            Kind = kind,
            StartTimeUnixNano = now,
            EndTimeUnixNano = now + 5_000_000,
        };
        // frontend receives a request from outside (root server span) and calls reviews.
        var request = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                Service("frontend", Make(1, 0, Span.Types.SpanKind.Server), Make(2, 1, Span.Types.SpanKind.Client)),
                Service("reviews", Make(3, 2, Span.Types.SpanKind.Server)),
            },
        };
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new("application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, (await server.Otlp.PostAsync("/v1/traces", content)).StatusCode);

        const string Edges = "SELECT SourceWorkload, DestinationWorkload, Origin, sum(Requests) FROM {db}.mesh_edges_10s GROUP BY ALL ORDER BY ALL";
        const string Expected = "frontend\treviews\tspan\t1\nuser\tfrontend\tspan\t1";
        Assert.True(await Loopback.EventuallyAsync(async () => await server.QueryAsync(Edges) == Expected, TimeSpan.FromSeconds(20)), await server.QueryAsync(Edges));

        var pairing = (await server.Api.GetFromJsonAsync<JsonElement>("/api/v1/stats")).GetProperty("ingest").GetProperty("spans").GetProperty("pairing");
        var outcomes = pairing.GetProperty("outcomes");
        Assert.Equal([1, 1, 0, 0, 0], new[] { "paired", "user", "virtual", "unpaired", "late" }.Select(o => outcomes.GetProperty(o).GetInt64()));
        Assert.Equal(1UL, pairing.GetProperty("spansThrough").GetUInt64());
        Assert.Equal(0UL, pairing.GetProperty("spanSinglesThrough").GetUInt64());
        Assert.Equal(1UL, pairing.GetProperty("newestSpan").GetUInt64());
    }

    private static ResourceSpans Service(string name, params Span[] spans)
    {
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = name } });
        return new ResourceSpans { Resource = resource, ScopeSpans = { new ScopeSpans { Spans = { spans } } } };
    }
}
