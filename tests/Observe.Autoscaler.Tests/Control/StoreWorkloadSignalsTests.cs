using Observe.Autoscaler.Control;
using Observe.Autoscaler.Scaling;
using Observe.Store.Mesh;
using Observe.Autoscaler.Tests.Slo;

namespace Observe.Autoscaler.Tests.Control;

/// <summary>A workload's reading from the 10 s rollup of known requests, in the real engine.</summary>
public sealed class StoreWorkloadSignalsTests : IAsyncLifetime
{
    /// <summary>A 10 s boundary: with <see cref="Now"/> and the cadence's 20 s lag, windows end here.</summary>
    private static readonly DateTimeOffset End = new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = End.AddSeconds(27);
    private static readonly ScalerCadence Cadence = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(20));
    private static readonly WorkloadRef Cart = new("cart", "shop");
    private readonly SliData _data = new("signals");

    private static MeshPeer Peer(string workload, string ns = "shop", string version = "v1", string zone = "zone-a") =>
        new(workload, ns, workload, version, "c1", zone);

    public Task InitializeAsync() => _data.MigrateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<WorkloadReading> ReadAsync(WorkloadRef? workload = null, double objectiveTarget = 0.99, DateTimeOffset? now = null) =>
        new StoreWorkloadSignals(_data.Store, _data.Database).ReadAsync(workload ?? Cart, Cadence, objectiveTarget, now ?? Now, CancellationToken.None);

    [Fact]
    public async Task Rates_and_error_ratio_sum_every_version_zone_and_origin_of_the_workload()
    {
        await _data.AddAsync(End.AddSeconds(-20), 30, Peer("cart", version: "v1", zone: "zone-a"));
        await _data.AddAsync(End.AddSeconds(-5), 30, Peer("cart", version: "v2", zone: "zone-b"), origin: MeshOrigin.Span);
        await _data.AddAsync(End.AddSeconds(-100), 50, Peer("cart"));
        await _data.AddAsync(End.AddSeconds(-100), 10, Peer("cart"), status: 503);
        await _data.AddAsync(End.AddSeconds(-100), 7, Peer("cart"), status: 404); // a client error is not the workload's failure

        var r = await ReadAsync();

        Assert.Equal(60 / 30.0, r.RateShort!.Value, 9);
        Assert.Equal(127 / 120.0, r.RateLong!.Value, 9);
        Assert.Equal(10 / 127.0, r.ErrorRatio!.Value, 9);
        Assert.Equal(End, r.DataUntil);
    }

    [Fact]
    public async Task A_series_its_proxies_logged_is_read_from_their_record_and_not_again_from_its_span_pairs()
    {
        // One window of v1 in zone-a, both logged and traced; v1 in zone-b traced only.
        await _data.AddAsync(End.AddSeconds(-5), 30, Peer("cart"));
        await _data.AddAsync(End.AddSeconds(-5), 28, Peer("cart"), status: 503, origin: MeshOrigin.Span);
        await _data.AddAsync(End.AddSeconds(-5), 6, Peer("cart", zone: "zone-b"), origin: MeshOrigin.Span);

        var r = await ReadAsync();

        Assert.Equal(36 / 30.0, r.RateShort!.Value, 9);
        Assert.Equal(0.0, r.ErrorRatio!.Value, 9);
    }

    [Fact]
    public async Task Other_workloads_and_the_same_name_in_another_namespace_are_left_out()
    {
        await _data.AddAsync(End.AddSeconds(-15), 30, Peer("cart"));
        await _data.AddAsync(End.AddSeconds(-15), 300, Peer("cart-worker"));
        await _data.AddAsync(End.AddSeconds(-15), 300, Peer("cart", ns: "staging"), status: 500);

        var r = await ReadAsync();

        Assert.Equal(1.0, r.RateShort!.Value, 9);
        Assert.Equal(0.0, r.ErrorRatio!.Value, 9);
        var other = await ReadAsync(new WorkloadRef("cart", "staging"));
        Assert.Equal(10.0, other.RateShort!.Value, 9);
        Assert.Equal(1.0, other.ErrorRatio!.Value, 9);
    }

    [Fact]
    public async Task Windows_end_at_the_newest_10s_boundary_before_now_minus_the_lag()
    {
        await _data.AddAsync(End.AddSeconds(-3), 15, Peer("cart"));
        await _data.AddAsync(End.AddSeconds(3), 900, Peer("cart")); // newer than now − lag: not yet complete

        var r = await ReadAsync();

        Assert.Equal(0.5, r.RateShort!.Value, 9);
        Assert.Equal(End, r.DataUntil);
        var later = await ReadAsync(now: Now.AddSeconds(10));
        Assert.Equal((15 + 900) / 30.0, later.RateShort!.Value, 9);
        Assert.Equal(End.AddSeconds(10), later.DataUntil);
    }

    [Fact]
    public async Task Latency_quantiles_come_from_the_digest_and_the_histogram_in_seconds()
    {
        await _data.AddAsync(End.AddSeconds(-90), 90, Peer("cart"), millis: 20);
        await _data.AddAsync(End.AddSeconds(-90), 10, Peer("cart"), millis: 400);

        var latency = (await ReadAsync(objectiveTarget: 0.95)).Latency!;

        Assert.Equal(0.020, latency.P50!.Value, 3);
        // The 99th of 100 requests took 400 ms; a digest of two values may blend them, within the 250–500 ms bucket.
        Assert.InRange(latency.P99!.Value, 0.25, 0.5);
        // Histogram: the 90th request is the last of the (10, 25] ms bucket; the 95th is half-way through (250, 500] ms.
        Assert.Equal(0.025, latency.P90!.Value, 9);
        Assert.Equal(0.375, latency.AtObjective!.Value, 9);
    }

    [Fact]
    public async Task In_flight_is_the_short_rate_times_the_mean_latency()
    {
        await _data.AddAsync(End.AddSeconds(-25), 60, Peer("cart"), millis: 20); // mid-point of (10, 25] ms: 17.5 ms
        await _data.AddAsync(End.AddSeconds(-25), 60, Peer("cart"), millis: 300); // mid-point of (250, 500] ms: 375 ms
        await _data.AddAsync(End.AddSeconds(-100), 500, Peer("cart"), millis: 20_000); // outside the short window

        var r = await ReadAsync();

        Assert.Equal(4.0, r.RateShort!.Value, 9);
        Assert.Equal(4.0 * (0.0175 + 0.375) / 2, r.InFlight!.Value, 9);
    }

    [Fact]
    public async Task No_data_at_all_is_unknown_not_zero()
    {
        await _data.AddAsync(End.AddSeconds(-15), 30, Peer("cart-worker"));

        var r = await ReadAsync();

        Assert.Equal(new WorkloadReading(null, null, null, null, null, null), r);
    }

    [Fact]
    public async Task An_idle_workload_with_recent_data_reads_zero_rates_and_says_until_when()
    {
        await _data.AddAsync(End.AddSeconds(-200), 30, Peer("cart"));

        var r = await ReadAsync();

        Assert.Equal(End.AddSeconds(-190), r.DataUntil);
        Assert.Equal(0, r.RateShort);
        Assert.Equal(0, r.RateLong);
        Assert.Equal(0, r.InFlight);
        Assert.Null(r.ErrorRatio);
        Assert.Null(r.Latency);
    }

    [Fact]
    public async Task Data_older_than_the_look_behind_is_not_searched()
    {
        await _data.AddAsync(End.AddHours(-2), 30, Peer("cart"));

        var r = await ReadAsync();

        Assert.Null(r.DataUntil);
        Assert.Null(r.RateShort);
    }
}
