using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Slo;
using Observe.Autoscaler.Slo.Evaluation;
using static Observe.Autoscaler.Tests.Slo.SliData;

namespace Observe.Autoscaler.Tests.Slo;

/// <summary>Properties of the budget arithmetic, over generated counts and targets.</summary>
public sealed class BudgetPropertyTests
{
    private static readonly Gen<double> Targets = Gen.Elements(0.5, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9999);

    private static readonly Gen<(int Total, int Bad, int More)> Counts =
        from total in Gen.Choose(1, 1_000_000)
        from bad in Gen.Choose(0, total)
        from more in Gen.Choose(1, 1000)
        select (total, bad, more);

    [Fact]
    public void Budget_consumed_never_falls_when_bad_events_are_added()
    {
        Prop.ForAll(Arb.From(Gen.Zip(Counts, Targets)), x =>
        {
            var ((total, bad, more), target) = x;
            double? Consumed(double good, double all) =>
                BudgetArithmetic.Budget(new WindowCounts(good, all), target, BudgetingMethod.Occurrences, TimeSpan.FromDays(30), null).Consumed;
            var before = Consumed(total - bad, total)!.Value;
            // More bad events among the same total, and more bad events on top of the total.
            var relabelled = Consumed(total - Math.Min(total, bad + more), total)!.Value;
            var added = Consumed(total - bad, total + more)!.Value;
            return relabelled >= before && added >= before;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Timeslice_budget_consumed_never_falls_when_a_slice_turns_bad()
    {
        Prop.ForAll(Arb.From(Gen.Zip(Counts, Targets)), x =>
        {
            var ((total, bad, _), target) = x;
            var slices = Math.Min(total, 43_200);
            var b = Math.Min(bad, slices - 1);
            double Consumed(int badSlices) => BudgetArithmetic.Budget(new WindowCounts(slices - badSlices, slices), target,
                BudgetingMethod.Timeslices, TimeSpan.FromDays(30), TimeSpan.FromMinutes(1)).Consumed!.Value;
            return Consumed(b + 1) > Consumed(b);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Burn_rate_is_the_bad_share_over_the_allowed_share()
    {
        Prop.ForAll(Arb.From(Gen.Zip(Counts, Targets)), x =>
        {
            var ((total, bad, _), target) = x;
            var rate = BudgetArithmetic.BurnRate(new WindowCounts(total - bad, total), target)!.Value;
            return Math.Abs((rate * (1 - target) * total) - bad) < 1e-6 * Math.Max(1, bad);
        }).QuickCheckThrowOnFailure();
    }
}

/// <summary>Counting over a window equals the sum of counting over any split of it, in the real engine.</summary>
public sealed class WindowUnionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset End = new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly SliData _data = new("slo_union");

    public async Task InitializeAsync()
    {
        await _data.MigrateAsync();
        // Traffic spread over 50 hours at uneven minutes, good and bad, so hour and minute reads both matter.
        var random = new Random(7);
        for (var i = 0; i < 40; i++)
        {
            var at = End.AddMinutes(-random.Next(1, 50 * 60));
            await _data.AddAsync(at, random.Next(1, 20), Workload("cart"), status: (ushort)(random.Next(4) == 0 ? 503 : 200), millis: random.Next(1, 900));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Segments_of_any_split_add_up_to_the_whole_window()
    {
        var evaluator = new SliReader(_data.Store, _data.Database);
        var start = End.AddHours(-50);
        var whole = Count(await evaluator.SegmentsAsync([start], End, CancellationToken.None));
        Assert.True(whole.Total > 0);
        var splits = Gen.ListOf(Gen.Choose(1, (50 * 60) - 1)).Select(minutes => minutes.Distinct().Order().Select(m => start.AddMinutes(m)).ToList());
        foreach (var cuts in Gen.Sample(splits, 20, 25))
        {
            var read = await evaluator.SegmentsAsync([start, .. cuts], End, CancellationToken.None);
            var parts = Enumerable.Range(0, cuts.Count + 1).Select(s => Count(read, s)).Aggregate((a, b) => a + b);
            Assert.Equal(whole, parts);
        }
    }

    /// <summary>Requests and those of them at most 300 ms and not 5xx, in one segment (or all).</summary>
    private static WindowCounts Count(SeriesSegments read, int? segment = null)
    {
        var good = new RequestMatcher(Query("cart", Status("2xx") with { LatencyAtMost = TimeSpan.FromMilliseconds(300) }));
        var total = 0.0;
        var counted = 0.0;
        foreach (var (series, s, counts) in read.Rows)
        {
            if (segment is null || s == segment)
            {
                total += counts.Requests;
                counted += good.Count(read.Keys[series], counts);
            }
        }
        return new WindowCounts(counted, total);
    }
}
