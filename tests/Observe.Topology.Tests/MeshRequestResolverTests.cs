using Observe.Store.Mesh;
using Observe.Topology.AccessLogs;
using Observe.Topology.Mesh;

namespace Observe.Topology.Tests;

/// <summary>From one access-log entry to who called whom, and how it went.</summary>
public sealed class MeshRequestResolverTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 15, 3, TimeSpan.Zero);
    private static readonly ReportingProxy ReviewsV2 = new(new MeshPeer("reviews-v2", "default", "reviews", "v2", "east", "zone-b"), ["10.0.2.7"]);
    private static readonly ReportingProxy ProductPage = new(new MeshPeer("productpage-v1", "default", "productpage", "v1", "east", "zone-a"), ["10.0.1.4"]);

    private readonly ManualTime _time = new();

    [Fact]
    public void An_inbound_entry_is_the_callees_report_and_names_the_caller_from_peer_metadata()
    {
        var resolver = new MeshRequestResolver(new PeerOptions(), _time);
        var request = resolver.Resolve(Inbound() with
        {
            Attributes = new Dictionary<string, string>
            {
                ["downstream_peer"] = """{"workload":"productpage-v1","namespace":"default","service":"productpage","revision":"v1","cluster":"east"}""",
            },
        }, ReviewsV2);

        Assert.Equal(MeshReporter.Destination, request.Reporter);
        Assert.Equal(ReviewsV2.Peer, request.Destination);
        Assert.Equal(new MeshPeer("productpage-v1", "default", "productpage", "v1", "east", MeshPeer.Unknown), request.Source);
        Assert.True(request.Mtls);
        Assert.Equal(("http/1.1", (ushort)200, false), (request.Protocol, request.ResponseCode, request.Error));
    }

    [Fact]
    public void An_outbound_entry_is_the_callers_report_and_names_the_callee_from_cluster_and_learned_address()
    {
        var resolver = new MeshRequestResolver(new PeerOptions(), _time);
        resolver.Resolve(Inbound(), ReviewsV2); // teaches 10.0.2.7 → reviews-v2

        var request = resolver.Resolve(Outbound(), ProductPage);

        Assert.Equal(MeshReporter.Source, request.Reporter);
        Assert.Equal(ProductPage.Peer, request.Source);
        Assert.Equal(ReviewsV2.Peer, request.Destination);
    }

    [Fact]
    public void Learned_addresses_expire_when_not_seen_again()
    {
        var resolver = new MeshRequestResolver(new PeerOptions { AddressTtl = TimeSpan.FromMinutes(1) }, _time);
        resolver.Resolve(Inbound(), ReviewsV2);
        _time.Advance(TimeSpan.FromMinutes(2));

        var request = resolver.Resolve(Outbound(), ProductPage);

        // Still the service, namespace and version from the cluster name; the workload is no longer known.
        Assert.Equal(new MeshPeer(MeshPeer.Unknown, "default", "reviews", "v2", MeshPeer.Unknown, MeshPeer.Unknown), request.Destination);
    }

    [Fact]
    public void Explicit_attributes_win_over_everything_else()
    {
        var resolver = new MeshRequestResolver(new PeerOptions(), _time);
        var request = resolver.Resolve(Outbound() with
        {
            Attributes = new Dictionary<string, string> { ["destination_workload"] = "reviews-v3", ["destination_canonical_revision"] = "v3" },
        }, ProductPage);

        Assert.Equal(("reviews-v3", "v3", "reviews"), (request.Destination.Workload, request.Destination.Version, request.Destination.Service));
    }

    [Fact]
    public void Nginx_entries_resolve_through_configured_mappings()
    {
        var options = new PeerOptions
        {
            Mappings =
            [
                new PeerMapping { Address = "127.0.0.1:9101", Workload = "catalog", Namespace = "shop" },
                new PeerMapping { Authority = "orders.example.com", Workload = "orders", Version = "v1" },
            ],
        };
        var resolver = new MeshRequestResolver(options, _time);
        var gateway = new ReportingProxy(new MeshPeer("nginx", "edge"), []);
        var nginx = new AccessLogRecord { StartTime = At, Method = "GET", Path = "/catalog/1", Protocol = "HTTP/1.1", ResponseCode = 503, UpstreamHost = "127.0.0.1:9101", Authority = "shop.example.com" };

        var catalog = resolver.Resolve(nginx, gateway);
        var orders = resolver.Resolve(nginx with { UpstreamHost = "127.0.0.1:9102", Authority = "orders.example.com:8443", ResponseCode = 200 }, gateway);

        Assert.Equal((MeshReporter.Source, "nginx", "catalog", "shop", true), (catalog.Reporter, catalog.Source.Workload, catalog.Destination.Workload, catalog.Destination.Namespace, catalog.Error));
        Assert.Equal(("orders", "v1", false), (orders.Destination.Workload, orders.Destination.Version, orders.Error));
    }

    [Theory]
    [InlineData(200, "", null, false)]
    [InlineData(503, "UF", null, true)]
    [InlineData(0, "UH", null, true)]
    [InlineData(0, "DC", null, false)]
    [InlineData(404, "NR", null, true)]
    [InlineData(429, "RL", null, false)]
    [InlineData(200, "", 14, true)]
    [InlineData(200, "", 0, false)]
    public void Errors_are_5xx_grpc_not_ok_and_flags_that_mean_failure(int code, string flags, int? grpcStatus, bool error)
    {
        var resolver = new MeshRequestResolver(new PeerOptions(), _time);
        var request = resolver.Resolve(Outbound() with
        {
            ResponseCode = code,
            ResponseFlags = flags.Length == 0 ? [] : flags.Split(','),
            GrpcStatus = grpcStatus,
            Protocol = grpcStatus is null ? "HTTP/1.1" : "HTTP/2",
        }, ProductPage);

        Assert.Equal(error, request.Error);
        Assert.Equal(grpcStatus is null ? "http/1.1" : "grpc", request.Protocol);
        Assert.Equal((short)(grpcStatus ?? -1), request.GrpcStatus);
    }

    [Fact]
    public void A_tcp_entry_has_no_method_and_no_status()
    {
        var resolver = new MeshRequestResolver(new PeerOptions(), _time);
        var request = resolver.Resolve(new AccessLogRecord
        {
            StartTime = At,
            UpstreamCluster = "outbound|3306||mysql.db.svc.cluster.local",
            UpstreamHost = "10.0.9.9:3306",
            BytesReceived = 300,
            BytesSent = 9000,
            Duration = TimeSpan.FromSeconds(4),
        }, ProductPage);

        Assert.Equal(("tcp", (ushort)0, false, "mysql", "db"), (request.Protocol, request.ResponseCode, request.Error, request.Destination.Service, request.Destination.Namespace));
    }

    [Fact]
    public void Unknown_stays_unknown_never_empty()
    {
        var request = new MeshRequestResolver(new PeerOptions(), _time).Resolve(new AccessLogRecord { StartTime = At, Method = "GET", Protocol = "HTTP/1.1", ResponseCode = 200 }, null);

        Assert.Equal((MeshReporter.Unknown, MeshPeer.None, MeshPeer.None), (request.Reporter, request.Source, request.Destination));
    }

    [Fact]
    public void Mappings_are_validated_with_their_position()
    {
        var e = Assert.Throws<ArgumentException>(() => new MeshRequestResolver(new PeerOptions { Mappings = [new PeerMapping { Workload = "x" }] }, _time));
        Assert.Contains("Mesh:Peers:Mappings:0", e.Message);
    }

    [Fact]
    public void Pod_metadata_gives_the_controller_as_workload()
    {
        var labels = new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v2", ["pod-template-hash"] = "5d8f7c9b6" };
        var proxy = PodIdentity.From("reviews-v2-5d8f7c9b6-x2x7k", "default", labels, "10.0.2.7", zone: "zone-b");

        Assert.Equal(new MeshPeer("reviews-v2", "default", "reviews", "v2", MeshPeer.Unknown, "zone-b"), proxy.Peer);
        Assert.Equal(["10.0.2.7"], proxy.Addresses);
        Assert.Equal("reviews-v2", PodIdentity.From(null, "default", labels, owner: "ReplicaSet/reviews-v2-5d8f7c9b6").Peer.Workload);
    }

    [Fact]
    public void Gateways_and_hosts_outside_the_mesh_are_nodes_of_their_own_kind()
    {
        var resolver = new MeshRequestResolver(new PeerOptions(), _time);
        var gateway = new ReportingProxy(new MeshPeer("istio-ingressgateway", "istio-system", "istio-ingressgateway", MeshPeer.Unknown, "east", "zone-a"), ["10.0.0.9"]);

        var ingress = resolver.Resolve(Outbound(), gateway);
        Assert.Equal((MeshPeerKind.Gateway, MeshPeerKind.Workload), (ingress.Source.Kind, ingress.Destination.Kind));

        var passthrough = resolver.Resolve(Outbound() with { UpstreamCluster = "PassthroughCluster", Authority = "10.200.0.1:443", UpstreamHost = "10.200.0.1:443" }, ProductPage);
        Assert.Equal(MeshPeerKind.External, passthrough.Destination.Kind);

        var serviceEntry = resolver.Resolve(Outbound() with { UpstreamCluster = "outbound|443||api.payments.example", Authority = "api.payments.example", UpstreamHost = "203.0.113.7:443" }, ProductPage);
        Assert.Equal((MeshPeerKind.External, "api.payments.example"), (serviceEntry.Destination.Kind, serviceEntry.Destination.Workload));
        Assert.Equal("external", serviceEntry.Destination.KindName);
    }

    private static AccessLogRecord Inbound() => new()
    {
        StartTime = At,
        Method = "GET",
        Path = "/reviews/0",
        Protocol = "HTTP/1.1",
        ResponseCode = 200,
        Duration = TimeSpan.FromMilliseconds(7),
        RequestId = "0d9c6a6c-5c4f-9a0d-8f77-3e3e9b0a1c11",
        Authority = "reviews:9080",
        UpstreamHost = "10.0.2.7:9080",
        UpstreamCluster = "inbound|9080||",
        DownstreamLocalAddress = "10.0.2.7:9080",
        DownstreamRemoteAddress = "10.0.1.4:51234",
        RequestedServerName = "outbound_.9080_._.reviews.default.svc.cluster.local",
    };

    private static AccessLogRecord Outbound() => Inbound() with
    {
        UpstreamCluster = "outbound|9080|v2|reviews.default.svc.cluster.local",
        UpstreamLocalAddress = "10.0.1.4:51234",
        DownstreamLocalAddress = "10.96.0.17:9080",
        DownstreamRemoteAddress = "10.0.1.4:40000",
        RequestedServerName = null,
    };
}
