using System.Text.Json;
using Observe.Autoscaler.Control;
using Observe.Autoscaler.Scaling;
using Observe.Store;

namespace Observe.Autoscaler.Tests.Control;

/// <summary>The scaling_decisions table in the real engine: every field round-trips, filters and the limit.</summary>
public sealed class StoreDecisionLogTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T = new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly StoreOptions _options = new() { Database = EmbeddedEngine.NewDatabase("decisions") };

    public StoreDecisionLogTests() => _options.Retention.Decisions = TimeSpan.Zero;

    public Task InitializeAsync() => ClickHouseStore.MigrateAsync(EmbeddedEngine.Shared, _options);

    public Task DisposeAsync() => Task.CompletedTask;

    private StoreDecisionLog Log() => new(EmbeddedEngine.Shared, _options.Database);

    internal static DecisionRecord Decision(DateTimeOffset time, string target = "cart", string? ns = "shop", int desired = 4) => new(
        time, "ops", "cart-policy", new ScaleTarget("apps/v1", "Deployment", target, ns), ScalingMode.Enforce, DecisionOutcomes.Scaled,
        3, desired, [new ScalingReason(ReasonCodes.Demand, "demand 120 req/s needs 4 replicas")], new DecisionFigures(CapacityPerReplica: 30),
        new ScalingSignals(time, time.AddSeconds(-20), 120, 100, 2.5, null, 0, new ReplicaSnapshot(3, [new PodInfo(TimeSpan.FromMinutes(5), true)]), null),
        null);

    [Fact]
    public async Task Every_field_round_trips()
    {
        var record = new DecisionRecord(
            T.AddMilliseconds(123), "ops", "cart-policy", new ScaleTarget("apps/v1", "StatefulSet", "cart", "shop"), ScalingMode.DryRun, DecisionOutcomes.DryRun,
            3, 7,
            [new ScalingReason(ReasonCodes.Burst, "short rate 400/s is 3.1 × the stable 129/s"), new ScalingReason(ReasonCodes.BoundedByMax, "max 7 'replicas'\tand a tab")],
            new DecisionFigures(31.5, 400, 420.25, 0.2, 2.5, 9, Burst: true),
            new ScalingSignals(T, T.AddSeconds(-25), 400, 129.5, 12.25, new LatencyQuantiles(0.02, 0.05, 0.4, null), 0.015,
                new ReplicaSnapshot(3, [new PodInfo(TimeSpan.FromSeconds(90.5), true), new PodInfo(TimeSpan.FromSeconds(4), false)]),
                new SloSignal(0.75, 14.4, null)),
            "Events: \"scaled\" up");

        await Log().AppendAsync(record, CancellationToken.None);
        var read = Assert.Single(await Log().ReadAsync(new DecisionQuery(T.AddMinutes(-1), T.AddMinutes(1)), CancellationToken.None));

        Assert.Equal(record.Time, read.Time);
        Assert.Equal((record.PolicyNamespace, record.Policy, record.Target, record.Mode, record.Outcome), (read.PolicyNamespace, read.Policy, read.Target, read.Mode, read.Outcome));
        Assert.Equal((record.Current, record.Desired, record.Message), (read.Current, read.Desired, read.Message));
        Assert.Equal(record.Reasons, read.Reasons);
        Assert.Equal(record.Figures, read.Figures);
        Assert.Equal(record.Signals with { Replicas = read.Signals.Replicas }, read.Signals);
        Assert.Equal(record.Signals.Replicas.Desired, read.Signals.Replicas.Desired);
        Assert.Equal(record.Signals.Replicas.Pods, read.Signals.Replicas.Pods);
    }

    [Fact]
    public async Task A_target_without_namespace_and_no_message_read_back_as_null()
    {
        await Log().AppendAsync(Decision(T, ns: null), CancellationToken.None);

        var read = Assert.Single(await Log().ReadAsync(new DecisionQuery(T, T.AddSeconds(1)), CancellationToken.None));

        Assert.Null(read.Target.Namespace);
        Assert.Null(read.Message);
    }

    [Fact]
    public async Task Signals_are_stored_as_camel_case_json_with_durations_in_seconds()
    {
        await Log().AppendAsync(Decision(T), CancellationToken.None);

        var row = await EmbeddedEngine.Shared.QueryRowAsync($"SELECT Signals, Mode FROM `{_options.Database}`.scaling_decisions");
        var signals = JsonDocument.Parse(row[0]).RootElement;

        Assert.Equal(120, signals.GetProperty("rateShort").GetDouble());
        Assert.Equal(300, signals.GetProperty("replicas").GetProperty("pods")[0].GetProperty("age").GetDouble());
        Assert.Equal("enforce", row[1]);
    }

    [Fact]
    public async Task Reads_filter_by_target_name_namespace_and_time()
    {
        await Log().AppendAsync(Decision(T, "cart", "shop"), CancellationToken.None);
        await Log().AppendAsync(Decision(T.AddSeconds(15), "cart", "staging"), CancellationToken.None);
        await Log().AppendAsync(Decision(T.AddSeconds(30), "checkout", "shop"), CancellationToken.None);
        await Log().AppendAsync(Decision(T.AddMinutes(10), "cart", "shop"), CancellationToken.None);

        async Task<IEnumerable<(string, string?, DateTimeOffset)>> Read(DecisionQuery q) =>
            (await Log().ReadAsync(q, CancellationToken.None)).Select(d => (d.Target.Name, d.Target.Namespace, d.Time));

        Assert.Equal([("cart", "shop", T), ("cart", "staging", T.AddSeconds(15))], await Read(new DecisionQuery(T, T.AddMinutes(1), "cart")));
        Assert.Equal([("cart", "shop", T)], await Read(new DecisionQuery(T, T.AddMinutes(1), "cart", "shop")));
        Assert.Equal([("cart", "shop", T), ("checkout", "shop", T.AddSeconds(30))], await Read(new DecisionQuery(T, T.AddMinutes(1), TargetNamespace: "shop")));
        // [from, to): a decision at `to` belongs to the next range.
        Assert.Equal([("cart", "shop", T.AddMinutes(10))], await Read(new DecisionQuery(T.AddSeconds(1), T.AddMinutes(10).AddMilliseconds(1), "cart", "shop")));
        Assert.Empty(await Read(new DecisionQuery(T.AddSeconds(1), T.AddMinutes(10), "cart", "shop")));
    }

    [Fact]
    public async Task The_limit_keeps_the_newest_decisions_oldest_first()
    {
        for (var i = 0; i < 5; i++)
        {
            await Log().AppendAsync(Decision(T.AddSeconds(15 * i), desired: i), CancellationToken.None);
        }

        var read = await Log().ReadAsync(new DecisionQuery(T, T.AddMinutes(5), Limit: 3), CancellationToken.None);

        Assert.Equal([2, 3, 4], read.Select(d => d.Desired));
    }
}
