using System.Buffers.Binary;
using System.Net;
using System.Text.Json;
using Envoy.Config.Core.V3;
using SocketAddress = Envoy.Config.Core.V3.SocketAddress;
using Envoy.Data.Accesslog.V3;
using Envoy.Service.Accesslog.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Observe.Collector.Tests.Receivers.AccessLogs;

/// <summary>
/// Envoy's gRPC access-log service: a client stream built from the proto as Envoy sends it (the
/// node in the first message only), over h2c on the OTLP gRPC port; and a stream that breaks off.
/// </summary>
public sealed class EnvoyAlsTests : IAsyncLifetime
{
    private ObserveServer _server = null!;
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow.AddSeconds(-20);

    public async Task InitializeAsync() => _server = await ObserveServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Entries_of_a_stream_become_reports_of_the_proxy_its_first_message_names()
    {
        var first = new StreamAccessLogsMessage
        {
            Identifier = new StreamAccessLogsMessage.Types.Identifier { Node = ReviewsNode(), LogName = "envoy-als" },
            HttpLogs = new StreamAccessLogsMessage.Types.HTTPAccessLogEntries { LogEntry = { Inbound("als-1", 200) } },
        };
        var grpc = Inbound("als-2", 200);
        grpc.Response.ResponseTrailers["grpc-status"] = "14";
        grpc.ProtocolVersion = HTTPAccessLogEntry.Types.HTTPVersion.Http2;
        var second = new StreamAccessLogsMessage { HttpLogs = new StreamAccessLogsMessage.Types.HTTPAccessLogEntries { LogEntry = { grpc } } };
        var third = new StreamAccessLogsMessage
        {
            TcpLogs = new StreamAccessLogsMessage.Types.TCPAccessLogEntries
            {
                LogEntry =
                {
                    new TCPAccessLogEntry
                    {
                        CommonProperties = new AccessLogCommon
                        {
                            StartTime = Timestamp.FromDateTimeOffset(_start),
                            UpstreamCluster = "inbound|3306||",
                            ResponseFlags = new ResponseFlags { UpstreamConnectionFailure = true },
                        },
                        ConnectionProperties = new ConnectionProperties { ReceivedBytes = 10, SentBytes = 0 },
                    },
                },
            },
        };

        var (status, trailers) = await StreamAsync(Frames(first, second, third), breakOff: false);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("0", trailers);
        Assert.Equal(
            "als-1\tdestination\tproductpage-v1\tv1\treviews-v2\treviews\tv2\teast\tzone-b\thttp/1.1\t200\t-1\t[]\tfalse\ttrue\n" +
            "als-2\tdestination\tproductpage-v1\tv1\treviews-v2\treviews\tv2\teast\tzone-b\tgrpc\t200\t14\t[]\ttrue\ttrue\n" +
            "\tdestination\tunknown\tunknown\treviews-v2\treviews\tv2\teast\tzone-b\ttcp\t0\t-1\t['UF']\ttrue\tfalse",
            await _server.QueryAsync("""
                SELECT RequestId, Reporter, SourceWorkload, SourceVersion, DestinationWorkload, DestinationService, DestinationVersion,
                       DestinationCluster, DestinationZone, Protocol, ResponseCode, GrpcStatus, ResponseFlags, Error, Mtls
                FROM {db}.mesh_reports ORDER BY RequestId = '', RequestId
                """));
        // Raw copies, as JSON of the entries, beside them.
        var raw = await _server.QueryAsync("SELECT Body FROM {db}.otel_logs WHERE LogAttributes['observe.accesslog.transport'] = 'als' AND Body LIKE '%als-1%'");
        Assert.Equal("als-1", JsonDocument.Parse(raw).RootElement.GetProperty("request").GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task A_stream_that_breaks_off_keeps_every_whole_message_and_counts_the_broken_one()
    {
        var first = new StreamAccessLogsMessage
        {
            Identifier = new StreamAccessLogsMessage.Types.Identifier { Node = ReviewsNode(), LogName = "envoy-als" },
            HttpLogs = new StreamAccessLogsMessage.Types.HTTPAccessLogEntries { LogEntry = { Inbound("kept-1", 200) } },
        };
        var second = new StreamAccessLogsMessage { HttpLogs = new StreamAccessLogsMessage.Types.HTTPAccessLogEntries { LogEntry = { Inbound("kept-2", 503) } } };
        var lost = Frames(new StreamAccessLogsMessage { HttpLogs = new StreamAccessLogsMessage.Types.HTTPAccessLogEntries { LogEntry = { Inbound("cut", 200) } } });
        var frames = Frames(first, second);

        // The proxy goes away in the middle of its third message, after the first two were received whole.
        var received = Loopback.EventuallyAsync(async () => await _server.CountAsync("mesh_reports") == 2, TimeSpan.FromSeconds(20));
        await StreamAsync(frames, breakOff: true, beforeBreak: async () =>
        {
            Assert.True(await received, $"reports: {await _server.CountAsync("mesh_reports")}; stats: {await _server.Api.GetStringAsync("/api/v1/stats")}");
            return lost[..(lost.Length / 2)];
        });

        Assert.True(await Loopback.EventuallyAsync(async () =>
        {
            var stats = JsonDocument.Parse(await _server.Api.GetStringAsync("/api/v1/stats")).RootElement.GetProperty("ingest");
            return stats.GetProperty("totals").TryGetProperty("unparsed.accesslogs", out var unparsed) && unparsed.GetInt32() == 1;
        }, TimeSpan.FromSeconds(20)), await _server.Api.GetStringAsync("/api/v1/stats"));
        Assert.Equal("kept-1\t200\nkept-2\t503", await _server.QueryAsync("SELECT RequestId, ResponseCode FROM {db}.mesh_reports ORDER BY RequestId"));
    }

    private static Node ReviewsNode()
    {
        var labels = new Struct();
        labels.Fields["app"] = Value.ForString("reviews");
        labels.Fields["version"] = Value.ForString("v2");
        labels.Fields["pod-template-hash"] = Value.ForString("5d8f7c9b6");
        var metadata = new Struct();
        metadata.Fields["NAMESPACE"] = Value.ForString("default");
        metadata.Fields["WORKLOAD_NAME"] = Value.ForString("reviews-v2");
        metadata.Fields["CLUSTER_ID"] = Value.ForString("east");
        metadata.Fields["INSTANCE_IPS"] = Value.ForString("10.0.2.7,fe80::1");
        metadata.Fields["LABELS"] = Value.ForStruct(labels);
        return new Node
        {
            Id = "sidecar~10.0.2.7~reviews-v2-5d8f7c9b6-x2x7k.default~default.svc.cluster.local",
            Cluster = "reviews.default",
            Metadata = metadata,
            Locality = new Locality { Region = "eu", Zone = "zone-b" },
        };
    }

    private HTTPAccessLogEntry Inbound(string requestId, uint status)
    {
        var peer = new Struct();
        peer.Fields["WORKLOAD_NAME"] = Value.ForString("productpage-v1");
        peer.Fields["NAMESPACE"] = Value.ForString("default");
        var peerLabels = new Struct();
        peerLabels.Fields["service.istio.io/canonical-revision"] = Value.ForString("v1");
        peer.Fields["LABELS"] = Value.ForStruct(peerLabels);
        return new HTTPAccessLogEntry
        {
            ProtocolVersion = HTTPAccessLogEntry.Types.HTTPVersion.Http11,
            CommonProperties = new AccessLogCommon
            {
                StartTime = Timestamp.FromDateTimeOffset(_start),
                Duration = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(9)),
                UpstreamCluster = "inbound|9080||",
                DownstreamRemoteAddress = new Address { SocketAddress = new SocketAddress { Address = "10.0.1.4", PortValue = 51234 } },
                DownstreamLocalAddress = new Address { SocketAddress = new SocketAddress { Address = "10.0.2.7", PortValue = 9080 } },
                UpstreamRemoteAddress = new Address { SocketAddress = new SocketAddress { Address = "127.0.0.1", PortValue = 9080 } },
                TlsProperties = new TLSProperties
                {
                    TlsVersion = TLSProperties.Types.TLSVersion.Tlsv13,
                    TlsSniHostname = "outbound_.9080_._.reviews.default.svc.cluster.local",
                    PeerCertificateProperties = new TLSProperties.Types.CertificateProperties
                    {
                        SubjectAltName = { new TLSProperties.Types.CertificateProperties.Types.SubjectAltName { Uri = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage" } },
                    },
                },
                FilterStateObjects = { ["downstream_peer"] = Any.Pack(peer) },
            },
            Request = new HTTPRequestProperties { RequestMethod = RequestMethod.Get, Path = "/reviews/0", Authority = "reviews:9080", RequestId = requestId },
            Response = new HTTPResponseProperties { ResponseCode = status, ResponseBodyBytes = 295 },
        };
    }

    private static byte[] Frames(params StreamAccessLogsMessage[] messages)
    {
        using var stream = new MemoryStream();
        foreach (var message in messages)
        {
            var header = new byte[5];
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)message.CalculateSize());
            stream.Write(header);
            message.WriteTo(stream);
        }
        return stream.ToArray();
    }

    /// <summary>Sends the bytes as one client stream; with <paramref name="breakOff"/>, the client resets the stream after them.</summary>
    private async Task<(HttpStatusCode Status, string? GrpcStatus)> StreamAsync(byte[] body, bool breakOff, Func<Task<byte[]>>? beforeBreak = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{_server.GrpcPort}/envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StreamingBody(body, breakOff, beforeBreak),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        // Breaking off is cancelling the call once the body is written: the client resets the HTTP/2 stream.
        using var breaking = new CancellationTokenSource();
        ((StreamingBody)request.Content).Written = breaking.Cancel;
        ((StreamingBody)request.Content).Broken = breaking.Token;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, breakOff ? breaking.Token : default);
            var grpcStatus = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.Single()
                : response.Headers.TryGetValues("grpc-status", out values) ? values.Single() : null;
            return (response.StatusCode, grpcStatus);
        }
        catch (Exception e) when (breakOff && e is HttpRequestException or OperationCanceledException)
        {
            return (default, null);
        }
    }

    /// <summary>Writes the frames, then either completes or fails, which makes the client reset the HTTP/2 stream.</summary>
    private sealed class StreamingBody(byte[] body, bool breakOff, Func<Task<byte[]>>? beforeBreak) : HttpContent
    {
        public Action? Written { get; set; }

        public CancellationToken Broken { get; set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body);
            await stream.FlushAsync();
            if (breakOff)
            {
                if (beforeBreak is not null)
                {
                    await stream.WriteAsync(await beforeBreak());
                    await stream.FlushAsync();
                }
                // Hold the stream open (as a proxy mid-message would) until the reset ends it.
                Written?.Invoke();
                await Task.Delay(Timeout.Infinite, Broken);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
