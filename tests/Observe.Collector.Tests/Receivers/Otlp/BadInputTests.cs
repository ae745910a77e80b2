using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Observe.Collector.Bench;

namespace Observe.Collector.Tests.Receivers.Otlp;

/// <summary>
/// Each kind of bad request gets the right status and a message naming the problem; nothing from
/// it is written, and the process goes on serving good requests.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private const string TraceMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private const long Limit = 256 * 1024;
    private ObserveServer _server = null!;
    private GrpcUnaryClient _grpc = null!;

    public async Task InitializeAsync()
    {
        _server = await ObserveServer.StartAsync(new Dictionary<string, string?> { ["Otlp:MaxRequestBytes"] = Limit.ToString() });
        _grpc = new GrpcUnaryClient(new Uri($"http://127.0.0.1:{_server.GrpcPort}"));
    }

    public async Task DisposeAsync()
    {
        _grpc.Dispose();
        await _server.DisposeAsync();
    }

    private static byte[] ValidRequest(int spans = 3) => OtlpRequests.Spans("bad-input", spans, OtlpRequests.NowNanos()).ToByteArray();

    private async Task<(HttpStatusCode Status, string Message)> PostAsync(byte[] body, string contentType, string? encoding = null)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }
        using var response = await _server.Otlp.PostAsync("/v1/traces", content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var message = response.Content.Headers.ContentType?.MediaType switch
        {
            "application/x-protobuf" => Google.Rpc.Status.Parser.ParseFrom(bytes).Message,
            "application/json" when response.StatusCode != HttpStatusCode.OK => System.Text.Json.JsonDocument.Parse(bytes).RootElement.GetProperty("message").GetString()!,
            _ => Encoding.UTF8.GetString(bytes),
        };
        return (response.StatusCode, message);
    }

    /// <summary>After every case: nothing was stored, and a good request still goes through.</summary>
    private async Task AssertNothingStoredAndStillServingAsync()
    {
        Assert.Equal(0, await _server.CountAsync("otel_traces"));
        Assert.Equal(HttpStatusCode.OK, (await _server.Api.GetAsync("/healthz")).StatusCode);
        var good = await _grpc.CallAsync(TraceMethod, ValidRequest(1));
        Assert.Equal(0, good.Status);
        Assert.Equal(1, await _server.CountAsync("otel_traces"));
        await _server.QueryAsync("TRUNCATE TABLE {db}.otel_traces");
    }

    [Fact]
    public async Task Truncated_protobuf_is_400_and_INVALID_ARGUMENT()
    {
        var body = ValidRequest();
        var truncated = body[..(body.Length - 7)];

        var http = await PostAsync(truncated, "application/x-protobuf");
        Assert.Equal(HttpStatusCode.BadRequest, http.Status);
        Assert.StartsWith("the body is not a valid protobuf ExportTraceServiceRequest", http.Message);

        var grpc = await _grpc.CallAsync(TraceMethod, truncated);
        Assert.Equal(3, grpc.Status);
        Assert.StartsWith("the body is not a valid protobuf ExportTraceServiceRequest", grpc.Message);
        await AssertNothingStoredAndStillServingAsync();
    }

    [Fact]
    public async Task Wrong_content_type_is_415()
    {
        var http = await PostAsync(ValidRequest(), "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, http.Status);
        Assert.Equal("Content-Type must be application/x-protobuf or application/json, got 'text/plain'", http.Message);

        var grpc = await _grpc.SendAsync(TraceMethod, ValidRequest(), contentType: "application/json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, grpc.HttpStatus);

        var encoded = await PostAsync(ValidRequest(), "application/x-protobuf", "br");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, encoded.Status);
        Assert.Equal("Content-Encoding 'br' is not supported; use gzip or none", encoded.Message);
        await AssertNothingStoredAndStillServingAsync();
    }

    [Fact]
    public async Task Gzip_bomb_is_stopped_at_the_limit_while_decompressing()
    {
        // 64 MiB of zeros compress to about 64 KiB: small on the wire, far over the limit inflated.
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 64; i++)
            {
                gzip.Write(zeros);
            }
        }
        var bomb = compressed.ToArray();
        Assert.True(bomb.Length < Limit);

        var http = await PostAsync(bomb, "application/x-protobuf", "gzip");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, http.Status);
        Assert.Equal($"the request decompresses to more than the limit of {Limit} bytes", http.Message);

        var frame = new byte[5 + bomb.Length];
        frame[0] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)bomb.Length);
        bomb.CopyTo(frame, 5);
        var grpc = await _grpc.SendAsync(TraceMethod, frame, "gzip");
        Assert.Equal(8, grpc.Status);
        Assert.Equal($"the request decompresses to more than the limit of {Limit} bytes", grpc.Message);
        await AssertNothingStoredAndStillServingAsync();
    }

    [Fact]
    public async Task Oversize_request_is_413_and_RESOURCE_EXHAUSTED()
    {
        var big = ValidRequest(6000);
        Assert.True(big.Length > Limit);

        var http = await PostAsync(big, "application/x-protobuf");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, http.Status);
        Assert.Equal($"the request body is {big.Length} bytes, over the limit of {Limit} bytes", http.Message);

        var grpc = await _grpc.CallAsync(TraceMethod, big);
        Assert.Equal(8, grpc.Status);
        Assert.Equal($"the request message is {big.Length} bytes, over the limit of {Limit} bytes", grpc.Message);
        await AssertNothingStoredAndStillServingAsync();
    }

    [Fact]
    public async Task Invalid_utf8_is_400_naming_where()
    {
        var json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"bad?\"}}]}}]}"u8.ToArray();
        var invalidAt = Array.IndexOf(json, (byte)'?');
        json[invalidAt] = 0xFF;
        var http = await PostAsync(json, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, http.Status);
        Assert.Equal($"the body is not valid UTF-8 (first invalid byte at offset {invalidAt})", http.Message);

        // A protobuf string field holding bytes that are not UTF-8 (proto3 requires UTF-8).
        var request = OtlpRequests.Spans("bad-input", 1, OtlpRequests.NowNanos());
        var bytes = request.ToByteArray();
        var name = Encoding.UTF8.GetBytes("op-0");
        var at = bytes.AsSpan().IndexOf(name);
        bytes[at + 2] = 0xC3; // a lead byte followed by '0' is not UTF-8
        var grpc = await _grpc.CallAsync(TraceMethod, bytes);
        Assert.Equal(3, grpc.Status);
        Assert.Equal("ExportTraceServiceRequest.resource_spans[0].scope_spans[0].spans[0].name is not valid UTF-8 (protobuf string fields must be UTF-8)", grpc.Message);
        var proto = await PostAsync(bytes, "application/x-protobuf");
        Assert.Equal(HttpStatusCode.BadRequest, proto.Status);
        await AssertNothingStoredAndStillServingAsync();
    }

    [Fact]
    public async Task Malformed_ids_are_named_by_their_path()
    {
        var json = Encoding.UTF8.GetBytes("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"not-hex","spanId":"eee19b7ec3c1b174","name":"x"}]}]}]}""");
        var http = await PostAsync(json, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, http.Status);
        Assert.Contains("resourceSpans[0].scopeSpans[0].spans[0].traceId: 'not-hex' is not a hex-encoded id", http.Message);

        var request = OtlpRequests.Spans("bad-input", 2, OtlpRequests.NowNanos());
        request.ResourceSpans[0].ScopeSpans[0].Spans[0].SpanId = ByteString.CopyFrom(new byte[8]);
        request.ResourceSpans[0].ScopeSpans[0].Spans[1].TraceId = ByteString.CopyFrom(1, 2, 3);
        var grpc = await _grpc.CallAsync(TraceMethod, request.ToByteArray());
        Assert.Equal(0, grpc.Status);
        var reply = ExportTraceServiceResponse.Parser.ParseFrom(grpc.Payload);
        Assert.Equal(2, reply.PartialSuccess.RejectedSpans);
        Assert.Equal("2 spans rejected: resourceSpans[0].scopeSpans[0].spans[0]: span_id must be 8 bytes and not all zero, got 8 zero bytes; " +
                     "resourceSpans[0].scopeSpans[0].spans[1]: trace_id must be 16 bytes and not all zero, got 3 bytes", reply.PartialSuccess.ErrorMessage);
        await AssertNothingStoredAndStillServingAsync();
    }

    [Fact]
    public async Task Empty_bodies_get_the_answer_their_encoding_implies()
    {
        // An empty protobuf body is a valid, empty request: it succeeds and stores nothing.
        var proto = await PostAsync([], "application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, proto.Status);

        var json = await PostAsync([], "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, json.Status);
        Assert.Contains("the body is empty", json.Message);

        var grpc = await _grpc.SendAsync(TraceMethod, []);
        Assert.Equal(13, grpc.Status);
        Assert.Equal("the call carried no request message", grpc.Message);

        var emptyMessage = await _grpc.CallAsync(TraceMethod, ReadOnlyMemory<byte>.Empty);
        Assert.Equal(0, emptyMessage.Status);
        await AssertNothingStoredAndStillServingAsync();
    }
}
