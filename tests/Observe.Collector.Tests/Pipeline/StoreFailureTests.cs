using System.Net;
using Google.Protobuf;
using Observe.Collector.Bench;
using Observe.Collector.Tests.Receivers.Otlp;

namespace Observe.Collector.Tests.Pipeline;

/// <summary>
/// Observe on a ClickHouse server (Store:Url) that goes down, comes back, or is too slow: senders
/// are told to retry, memory stays bounded, and nothing answered with success is missing.
/// </summary>
public sealed class StoreFailureTests : IAsyncLifetime
{
    private const string TraceMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private ClickHouseHttpBridge _bridge = null!;

    public async Task InitializeAsync() => _bridge = await ClickHouseHttpBridge.StartAsync(EmbeddedEngine.Shared);

    public async Task DisposeAsync() => await _bridge.DisposeAsync();

    private Task<ObserveServer> StartObserveAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Store:Url"] = _bridge.Url, ["Store:QueryTimeout"] = "00:00:05", ["Ingest:RetryAfter"] = "00:00:02" };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
        return ObserveServer.StartAsync(settings);
    }

    private static ByteArrayContent Protobuf(int spans, string service)
    {
        var content = new ByteArrayContent(OtlpRequests.Spans(service, spans, OtlpRequests.NowNanos()).ToByteArray());
        content.Headers.ContentType = new("application/x-protobuf");
        return content;
    }

    [Fact]
    public async Task Store_down_is_503_and_UNAVAILABLE_with_a_retry_hint_and_recovers_when_it_returns()
    {
        await using var server = await StartObserveAsync();
        using var grpc = new GrpcUnaryClient(new Uri($"http://127.0.0.1:{server.GrpcPort}"));
        Assert.Equal(HttpStatusCode.OK, (await server.Otlp.PostAsync("/v1/traces", Protobuf(2, "before"))).StatusCode);

        await _bridge.StopAsync();
        using (var down = await server.Otlp.PostAsync("/v1/traces", Protobuf(3, "during")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), down.Headers.RetryAfter!.Delta);
            var status = Google.Rpc.Status.Parser.ParseFrom(await down.Content.ReadAsByteArrayAsync());
            Assert.StartsWith("the store is unavailable (ClickHouse server at " + _bridge.Url + " is unreachable", status.Message);
        }
        var unavailable = await grpc.CallAsync(TraceMethod, OtlpRequests.Spans("during", 3, OtlpRequests.NowNanos()).ToByteArray());
        Assert.Equal(14, unavailable.Status);
        var details = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(Pad(unavailable.Headers.GetValues("grpc-status-details-bin").Single())));
        Assert.Equal(TimeSpan.FromSeconds(2), details.Details.Single().Unpack<Google.Rpc.RetryInfo>().RetryDelay.ToTimeSpan());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await server.Api.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Api.GetAsync("/healthz")).StatusCode);

        await _bridge.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.Otlp.PostAsync("/v1/traces", Protobuf(4, "after"))).StatusCode);
        Assert.Equal(0, (await grpc.CallAsync(TraceMethod, OtlpRequests.Spans("after-grpc", 1, OtlpRequests.NowNanos()).ToByteArray())).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.Api.GetAsync("/readyz")).StatusCode);
        Assert.Equal("after\t4\nafter-grpc\t1\nbefore\t2",
            await server.QueryAsync("SELECT ServiceName, count() FROM {db}.otel_traces GROUP BY ServiceName ORDER BY ServiceName"));
    }

    [Fact]
    public async Task A_slow_store_fills_the_bounded_queue_and_further_requests_are_refused()
    {
        await using var server = await StartObserveAsync(new()
        {
            ["Ingest:MaxBatchBytes"] = "4096",
            ["Ingest:MaxQueuedBytes"] = "8192",
            ["Ingest:Writers"] = "1",
        });
        _bridge.HoldInserts();
        // Requests are accepted and wait for the held insert until their rows pass the byte
        // bound; past it a request is refused at once, while the accepted ones keep waiting.
        var sent = new List<Task<HttpResponseMessage>>();
        var refusedEarly = false;
        for (var i = 0; i < 20 && !refusedEarly; i++)
        {
            var request = server.Otlp.PostAsync("/v1/traces", Protobuf(15, "held"));
            sent.Add(request);
            refusedEarly = await Task.WhenAny(request, Task.Delay(TimeSpan.FromSeconds(1))) == request
                && (await request).StatusCode == HttpStatusCode.ServiceUnavailable;
        }
        Assert.True(refusedEarly, "no request was refused while the store held every insert");

        _bridge.ReleaseInserts();
        var answers = await Task.WhenAll(sent);
        var ok = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
        var refused = answers.Where(a => a.StatusCode != HttpStatusCode.OK).ToList();
        Assert.InRange(ok, 2, 10);
        foreach (var answer in refused)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            var status = Google.Rpc.Status.Parser.ParseFrom(await answer.Content.ReadAsByteArrayAsync());
            Assert.Equal("the ingest queue is full (8192 bytes wait for the store); retry later", status.Message);
        }
        // Every acknowledged span is stored; none of a refused request's.
        Assert.Equal((ok * 15).ToString(), await server.QueryAsync("SELECT count() FROM {db}.otel_traces"));
    }

    private static string Pad(string base64) => base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
}
