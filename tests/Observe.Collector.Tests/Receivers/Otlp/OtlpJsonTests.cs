using System.Net;
using System.Text;
using System.Text.Json;

namespace Observe.Collector.Tests.Receivers.Otlp;

/// <summary>OTLP/JSON written by hand from the specification, with the encoding's quirks.</summary>
public sealed class OtlpJsonTests : IAsyncLifetime
{
    private ObserveServer _server = null!;

    public async Task InitializeAsync() => _server = await ObserveServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private readonly long _start = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>A recent time (older rows would fall outside retention), fixed for the test.</summary>
    private string Now(int plusMillis = 0) => (_start + plusMillis * 1_000_000L).ToString();

    private async Task<(HttpStatusCode Status, string ContentType, JsonElement Body)> PostAsync(string path, string json)
    {
        using var response = await _server.Otlp.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType!.MediaType!, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Hex_ids_integer_enums_string_and_number_int64_and_unknown_fields_are_understood()
    {
        var json = $$"""
            {
              "resourceSpans": [{
                "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "json-svc" } }], "futureField": 1 },
                "scopeSpans": [{
                  "scope": { "name": "hand-written" },
                  "spans": [{
                    "traceId": "5B8EFFF798038103D269B633813FC60C",
                    "spanId": "eee19b7ec3c1b174",
                    "parentSpanId": "",
                    "name": "charge",
                    "kind": 3,
                    "startTimeUnixNano": "{{Now()}}",
                    "endTimeUnixNano": {{Now(250)}},
                    "attributes": [
                      { "key": "retries", "value": { "intValue": "3" } },
                      { "key": "big", "value": { "intValue": 9007199254740993 } },
                      { "key": "payload", "value": { "bytesValue": "AAEC" } },
                      { "key": "nested", "value": { "kvlistValue": { "values": [
                          { "key": "z", "value": { "boolValue": false } },
                          { "key": "a", "value": { "doubleValue": 1e-7 } } ] } } }
                    ],
                    "status": { "code": 2, "message": "card declined" },
                    "somethingNew": { "x": [1, 2] }
                  }]
                }]
              }]
            }
            """;
        var (status, contentType, body) = await PostAsync("/v1/traces", json);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", contentType);
        Assert.False(body.TryGetProperty("partialSuccess", out _));
        Assert.Equal("5b8efff798038103d269b633813fc60c\teee19b7ec3c1b174\tClient\tError\tcard declined\t250000000\t3\t9007199254740993\tAAEC\t{\"a\":1e-7,\"z\":false}",
            await _server.QueryAsync("SELECT TraceId, SpanId, SpanKind, StatusCode, StatusMessage, Duration, SpanAttributes['retries'], SpanAttributes['big'], SpanAttributes['payload'], SpanAttributes['nested'] FROM {db}.otel_traces"));
    }

    [Fact]
    public async Task Span_with_a_wrong_length_id_is_rejected_alone_with_partial_success()
    {
        var json = $$"""
            { "resourceSpans": [{ "scopeSpans": [{ "spans": [
              { "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "name": "good", "startTimeUnixNano": "{{Now()}}", "endTimeUnixNano": "{{Now(1)}}" },
              { "traceId": "5b8efff798", "spanId": "eee19b7ec3c1b174", "name": "short id", "startTimeUnixNano": "{{Now()}}", "endTimeUnixNano": "{{Now(1)}}" }
            ] }] }] }
            """;
        var (status, _, body) = await PostAsync("/v1/traces", json);

        Assert.Equal(HttpStatusCode.OK, status);
        var partial = body.GetProperty("partialSuccess");
        Assert.Equal("1", partial.GetProperty("rejectedSpans").ToString());
        Assert.Equal("1 span rejected: resourceSpans[0].scopeSpans[0].spans[1]: trace_id must be 16 bytes and not all zero, got 5 bytes",
            partial.GetProperty("errorMessage").GetString());
        Assert.Equal("good", await _server.QueryAsync("SELECT SpanName FROM {db}.otel_traces"));
    }

    [Fact]
    public async Task Logs_and_metrics_in_json_land_in_their_tables()
    {
        var logs = $$"""
            { "resourceLogs": [{ "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "json-logs" } }] },
              "scopeLogs": [{ "scope": { "name": "s", "attributes": [{ "key": "team", "value": { "stringValue": "pay" } }] }, "logRecords": [
                { "observedTimeUnixNano": "{{Now()}}", "severityNumber": 17, "severityText": "ERROR",
                  "body": { "kvlistValue": { "values": [{ "key": "msg", "value": { "stringValue": "disk full" } }, { "key": "code", "value": { "intValue": 28 } }] } },
                  "traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0102030405060708", "flags": 257, "eventName": "disk.full" }
              ] }] }] }
            """;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/v1/logs", logs)).Status);
        Assert.Equal("ERROR\t17\t{\"code\":28,\"msg\":\"disk full\"}\t0102030405060708090a0b0c0d0e0f10\t1\tdisk.full\tpay\t1",
            await _server.QueryAsync("SELECT SeverityText, SeverityNumber, Body, TraceId, TraceFlags, EventName, ScopeAttributes['team'], Timestamp > now() - 60 FROM {db}.otel_logs"));

        var metrics = $$"""
            { "resourceMetrics": [{ "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "json-metrics" } }] },
              "scopeMetrics": [{ "metrics": [
                { "name": "jobs", "sum": { "aggregationTemporality": 1, "isMonotonic": true, "dataPoints": [
                  { "asInt": "12", "timeUnixNano": "{{Now()}}", "startTimeUnixNano": "{{Now(-1000)}}", "attributes": [{ "key": "queue", "value": { "stringValue": "q1" } }],
                    "exemplars": [{ "asDouble": 2.5, "timeUnixNano": "{{Now()}}", "traceId": "0102030405060708090a0b0c0d0e0f10" }] } ] } },
                { "name": "rpc.duration", "summary": { "dataPoints": [
                  { "count": "4", "sum": 10.5, "timeUnixNano": "{{Now()}}", "quantileValues": [{ "quantile": 0.5, "value": 2 }, { "quantile": 0.99, "value": 4.5 }] } ] } },
                { "name": "sizes", "exponentialHistogram": { "aggregationTemporality": 2, "dataPoints": [
                  { "count": "3", "sum": 7, "scale": 1, "zeroCount": "1", "timeUnixNano": "{{Now()}}", "positive": { "offset": -1, "bucketCounts": ["1", "1"] } } ] } }
              ] }] }] }
            """;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/v1/metrics", metrics)).Status);
        Assert.Equal("jobs\t12\t1\ttrue\tq1\t[2.5]\t['0000000000000000']\t['0102030405060708090a0b0c0d0e0f10']",
            await _server.QueryAsync("SELECT MetricName, Value, AggregationTemporality, IsMonotonic, Attributes['queue'], `Exemplars.Value`, `Exemplars.SpanId`, `Exemplars.TraceId` FROM {db}.otel_metrics_sum"));
        Assert.Equal("4\t10.5\t[0.5,0.99]\t[2,4.5]",
            await _server.QueryAsync("SELECT Count, Sum, `ValueAtQuantiles.Quantile`, `ValueAtQuantiles.Value` FROM {db}.otel_metrics_summary"));
        Assert.Equal("3\t1\t1\t-1\t[1,1]\t2",
            await _server.QueryAsync("SELECT Count, Scale, ZeroCount, PositiveOffset, PositiveBucketCounts, AggregationTemporality FROM {db}.otel_metrics_exponential_histogram"));
    }

    [Fact]
    public async Task An_empty_request_succeeds()
    {
        var (status, _, body) = await PostAsync("/v1/traces", "{}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Equal(0, await _server.CountAsync("otel_traces"));
    }
}
