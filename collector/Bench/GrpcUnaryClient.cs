using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace Observe.Collector.Bench;

/// <summary>The answer to one unary gRPC call: HTTP status, gRPC status and message, and the reply bytes.</summary>
internal sealed record GrpcReply(HttpStatusCode HttpStatus, int? Status, string? Message, byte[] Payload, HttpResponseHeaders Headers, HttpResponseHeaders Trailers);

/// <summary>
/// A minimal unary gRPC client over HTTP/2 cleartext (prior knowledge), for the load generator and
/// for tests that need to send what a well-behaved client would not.
/// </summary>
internal sealed class GrpcUnaryClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = false })
    {
        BaseAddress = baseAddress,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Frames <paramref name="message"/> (gzip-compressed when asked) and calls <paramref name="method"/>.</summary>
    public Task<GrpcReply> CallAsync(string method, ReadOnlyMemory<byte> message, bool gzip = false, CancellationToken cancellationToken = default)
    {
        var payload = gzip ? Gzip(message.Span) : message;
        var frame = new byte[5 + payload.Length];
        frame[0] = gzip ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame.AsMemory(5));
        return SendAsync(method, frame, gzip ? "gzip" : null, cancellationToken);
    }

    /// <summary>Sends <paramref name="body"/> as it is, framing and all.</summary>
    public async Task<GrpcReply> SendAsync(string method, byte[] body, string? encoding = null, CancellationToken cancellationToken = default, string contentType = "application/grpc")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (encoding is not null)
        {
            request.Headers.Add("grpc-encoding", encoding);
        }
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        // A trailers-only answer carries the status in the headers.
        var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
        var message = Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message");
        var payload = bytes.Length >= 5 ? bytes.AsSpan(5).ToArray() : [];
        return new GrpcReply(response.StatusCode, status is null ? null : int.Parse(status, System.Globalization.CultureInfo.InvariantCulture),
            message is null ? null : Uri.UnescapeDataString(message), payload, response.Headers, response.TrailingHeaders);
    }

    public void Dispose() => _http.Dispose();

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static byte[] Gzip(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }
}
