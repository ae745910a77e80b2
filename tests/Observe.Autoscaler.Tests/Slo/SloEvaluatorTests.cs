using Observe.Autoscaler.Slo;
using Observe.Autoscaler.Slo.Evaluation;
using Observe.Store.Mesh;
using static Observe.Autoscaler.Tests.Slo.SliData;

namespace Observe.Autoscaler.Tests.Slo;

/// <summary>SLIs, budgets, burn rates and alert states on known requests, in the real engine.</summary>
public sealed class SloEvaluatorTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T = new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly MeshPeer Cart = Workload("cart");
    private readonly SliData _data = new("slo_eval");

    public Task InitializeAsync() => _data.MigrateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private SloEvaluator Evaluator() => new(_data.Store, _data.Database);

    private async Task<SloEvaluation> EvaluateAsync(SloDefinition slo, DateTimeOffset at, SloEvaluator? evaluator = null) =>
        Assert.Single(await (evaluator ?? Evaluator()).EvaluateAsync([slo], at, CancellationToken.None));

    [Fact]
    public async Task Rolling_availability_gives_sli_budget_and_burn_rates_per_window()
    {
        await _data.AddAsync(T.AddDays(-10), 900, Cart);
        await _data.AddAsync(T.AddMinutes(-30), 80, Cart);
        await _data.AddAsync(T.AddMinutes(-30), 20, Cart, status: 503);
        await _data.AddAsync(T.AddDays(-31), 500, Cart, status: 503); // before the period

        var e = await EvaluateAsync(Define("cart-availability", "cart", 0.99), T);

        Assert.Equal((980, 1000), (e.Good, e.Total));
        Assert.Equal(0.98, e.Sli!.Value, 9);
        // The target allows 1 % of 1,000 = 10 bad requests; 20 happened: twice the budget.
        Assert.Equal(10, e.Budget.Allowed, 9);
        Assert.Equal(2.0, e.Budget.Consumed!.Value, 9);
        Assert.Equal(-1.0, e.Budget.Remaining!.Value, 9);
        Assert.Equal(-10, e.Budget.RemainingEvents!.Value, 9);
        Assert.Equal(0.01 * 30 * 24 * 60, e.Budget.Minutes, 9);
        Assert.Equal(T.AddDays(-30), e.Period.Start);
        var burn = e.BurnRates.ToDictionary(b => b.Window, b => b.Rate);
        Assert.Null(burn[TimeSpan.FromMinutes(5)]); // nothing in the last 5 minutes: undefined, not zero
        Assert.Equal(20, burn[TimeSpan.FromMinutes(30)]!.Value, 9);
        Assert.Equal(20, burn[TimeSpan.FromHours(1)]!.Value, 9);
        Assert.Equal(20, burn[TimeSpan.FromHours(6)]!.Value, 9);
        // 3 days hold the same 100 requests: 20 ×. Page-slow (6 h & 30 m over 6 ×) fires, page-fast lacks its 5 m.
        Assert.Equal(20, burn[TimeSpan.FromDays(3)]!.Value, 9);
        Assert.Equal("page", e.Alert.State);
        Assert.Equal(["page-slow", "ticket"], e.Alert.Conditions.Where(c => c.Firing).Select(c => c.Condition.Name));
    }

    [Fact]
    public async Task No_traffic_leaves_the_sli_undefined_rather_than_perfect()
    {
        var e = await EvaluateAsync(Define("idle", "cart", 0.999), T);

        Assert.Null(e.Sli);
        Assert.Equal((0, 0), (e.Good, e.Total));
        Assert.Null(e.Budget.Consumed);
        Assert.Null(e.Budget.Remaining);
        Assert.All(e.BurnRates, b => Assert.Null(b.Rate));
        Assert.Equal(AlertStatus.Ok, e.Alert.State);
        Assert.Equal(0.001 * 43200, e.Budget.Minutes, 9);
    }

    [Fact]
    public async Task Partial_data_counts_what_exists_and_keeps_the_budget_of_the_whole_period()
    {
        // Traffic only in the last two days of a 30-day window, and none at all in a third of the short windows.
        await _data.AddAsync(T.AddDays(-2), 199, Cart);
        await _data.AddAsync(T.AddDays(-2).AddMinutes(1), 1, Cart, status: 500);

        var e = await EvaluateAsync(Define("cart", "cart", 0.99), T);

        Assert.Equal((199, 200), (e.Good, e.Total));
        Assert.Equal(0.5, e.Budget.Consumed!.Value, 9); // 1 bad of 2 allowed
        Assert.Equal(0.01 * 43200 * 0.5, e.Budget.RemainingMinutes!.Value, 9);
        var burn = e.BurnRates.ToDictionary(b => b.Window, b => b.Rate);
        Assert.Equal(0.5, burn[TimeSpan.FromDays(3)]!.Value, 9);
        Assert.Null(burn[TimeSpan.FromHours(6)]);
    }

    [Fact]
    public async Task Latency_threshold_counts_exactly_on_a_histogram_bound_and_interpolates_between()
    {
        foreach (var millis in new[] { 100, 250, 300, 400, 1000 })
        {
            await _data.AddAsync(T.AddHours(-1), 20, Cart, millis: millis);
        }
        RatioIndicator Faster(double ms) => new(null, Query("cart"), Query("cart", RequestCondition.All with { LatencyAtMost = TimeSpan.FromMilliseconds(ms) }), CountsBad: false);

        var at300 = await EvaluateAsync(Define("fast", "cart", 0.9, indicator: Faster(300)), T);
        Assert.Equal((60, 100), (at300.Good, at300.Total));
        // 350 ms lies halfway between the 300 and 400 bounds: half of the 20 requests at 400 ms count.
        var at350 = await EvaluateAsync(Define("fast", "cart", 0.9, indicator: Faster(350)), T);
        Assert.Equal((70, 100), (at350.Good, at350.Total));
    }

    [Fact]
    public async Task Status_classes_and_codes_select_the_bad_requests()
    {
        await _data.AddAsync(T.AddMinutes(-10), 90, Cart);
        await _data.AddAsync(T.AddMinutes(-10), 4, Cart, status: 429);
        await _data.AddAsync(T.AddMinutes(-10), 5, Cart, status: 503);
        await _data.AddAsync(T.AddMinutes(-10), 1, Cart, status: 404);
        var availability = new RatioIndicator(null, Query("cart"), Query("cart", Status("5xx", "429")), CountsBad: true);

        var e = await EvaluateAsync(Define("asm-availability", "cart", 0.9, indicator: availability), T);

        Assert.Equal((91, 100), (e.Good, e.Total));
    }

    [Fact]
    public async Task A_request_both_proxies_and_spans_describe_counts_once_and_span_only_workloads_count()
    {
        var ratings = Workload("ratings");
        await _data.AddAsync(T.AddMinutes(-3), 10, Cart, origin: MeshOrigin.AccessLog);
        await _data.AddAsync(T.AddMinutes(-3), 10, Cart, origin: MeshOrigin.Span, status: 500);
        await _data.AddAsync(T.AddMinutes(-3), 7, ratings, origin: MeshOrigin.Span);

        var cart = await EvaluateAsync(Define("cart", "cart", 0.99), T);
        Assert.Equal((10, 10), (cart.Good, cart.Total));
        var spansOnly = await EvaluateAsync(Define("cart-spans", "cart", 0.99, indicator: new RatioIndicator(null,
            Query("cart", source: RequestSource.Spans), Query("cart", Status("5xx"), RequestSource.Spans), CountsBad: true)), T);
        Assert.Equal((0, 10), (spansOnly.Good, spansOnly.Total));
        var r = await EvaluateAsync(Define("ratings", "ratings", 0.99), T);
        Assert.Equal((7, 7), (r.Good, r.Total));
    }

    [Fact]
    public async Task Calendar_day_across_the_change_to_summer_time_lasts_23_hours()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var window = new SloWindow(false, TimeSpan.FromDays(1), CalendarUnit.Day, 1, new DateTime(2026, 1, 1), berlin);
        var at = new DateTimeOffset(2026, 3, 29, 20, 0, 0, TimeSpan.Zero);
        // Local midnight of 29 March is 23:00 UTC the day before; the next midnight, after clocks went forward, 22:00 UTC.
        await _data.AddAsync(new DateTimeOffset(2026, 3, 28, 22, 59, 0, TimeSpan.Zero), 50, Cart, status: 500); // 28 March, local
        await _data.AddAsync(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), 99, Cart);
        await _data.AddAsync(new DateTimeOffset(2026, 3, 29, 19, 0, 0, TimeSpan.Zero), 1, Cart, status: 500);

        var e = await EvaluateAsync(Define("daily", "cart", 0.99, window), at);

        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), e.Period.Start);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero), e.Period.End);
        Assert.Equal((99, 100), (e.Good, e.Total));
        Assert.Equal(0.01 * 23 * 60, e.Budget.Minutes, 9);
        Assert.Equal(1.0, e.Budget.Consumed!.Value, 9);
    }

    [Fact]
    public async Task Timeslices_count_each_minute_against_the_slice_target()
    {
        // Ten minutes with traffic: seven clean, three with 10 % errors (below the 95 % slice target).
        for (var m = 1; m <= 10; m++)
        {
            await _data.AddAsync(T.AddMinutes(-m), 90, Cart);
            await _data.AddAsync(T.AddMinutes(-m), m <= 3 ? 10 : 0, Cart, status: 500);
        }
        var slo = Define("slices", "cart", 0.99, SloWindow.Rolling(TimeSpan.FromDays(1)), budgeting: BudgetingMethod.Timeslices,
            objective: new SloObjective("0", 0.99, TimeSliceTarget: 0.95, TimeSliceWindow: TimeSpan.FromMinutes(1)));

        var e = await EvaluateAsync(slo, T);

        Assert.Equal((7, 10), (e.Good, e.Total));
        // The budget is 1 % of the day's 1,440 slices, with or without traffic.
        Assert.Equal(14.4, e.Budget.Allowed, 9);
        Assert.Equal(3 / 14.4, e.Budget.Consumed!.Value, 9);
        Assert.Equal(14.4 - 3, e.Budget.RemainingEvents!.Value, 9);
    }

    [Fact]
    public async Task Threshold_latency_p99_is_judged_per_five_minute_slice()
    {
        // Slice [T-10m, T-5m): all at 100 ms. Slice [T-5m, T): 5 % at 1 s, so p99 is far above 300 ms.
        await _data.AddAsync(T.AddMinutes(-8), 100, Cart, millis: 100);
        await _data.AddAsync(T.AddMinutes(-3), 95, Cart, millis: 100);
        await _data.AddAsync(T.AddMinutes(-3), 5, Cart, millis: 1000);
        var indicator = new ThresholdIndicator(null, Query("cart"), ThresholdMetric.LatencyMillis, 0.99);
        var slo = Define("p99", "cart", 0.9, SloWindow.Rolling(TimeSpan.FromDays(7)), indicator, BudgetingMethod.Timeslices,
            new SloObjective("p99", 0.9, ComparisonOp.Lt, 300, TimeSliceWindow: TimeSpan.FromMinutes(5)));

        var e = await EvaluateAsync(slo, T);

        Assert.Equal((1, 2), (e.Good, e.Total));
    }

    [Fact]
    public async Task Timeslice_ledger_updated_by_later_passes_agrees_with_a_fresh_evaluation()
    {
        var slo = Define("slices", "cart", 0.99, SloWindow.Rolling(TimeSpan.FromDays(1)), budgeting: BudgetingMethod.Timeslices,
            objective: new SloObjective("0", 0.99, TimeSliceTarget: 0.95, TimeSliceWindow: TimeSpan.FromMinutes(1)));
        await _data.AddAsync(T.AddHours(-5), 100, Cart);
        var warm = Evaluator();
        await EvaluateAsync(slo, T, warm);
        // A late, bad minute inside the settle time, and new minutes after the first pass.
        await _data.AddAsync(T.AddMinutes(-1), 100, Cart, status: 500);
        await _data.AddAsync(T.AddMinutes(3), 100, Cart);

        var later = await EvaluateAsync(slo, T.AddMinutes(5), warm);
        var fresh = await EvaluateAsync(slo, T.AddMinutes(5));

        Assert.Equal((2, 3), (later.Good, later.Total));
        Assert.Equal((fresh.Good, fresh.Total), (later.Good, later.Total));
    }

    [Fact]
    public async Task Alert_state_keeps_the_time_it_began_and_clears_when_the_burn_stops()
    {
        var evaluator = Evaluator();
        var slo = Define("cart", "cart", 0.99);
        await _data.AddAsync(T.AddMinutes(-2), 50, Cart, status: 503);
        await _data.AddAsync(T.AddMinutes(-2), 50, Cart);

        var first = await EvaluateAsync(slo, T, evaluator);
        var second = await EvaluateAsync(slo, T.AddMinutes(1), evaluator);
        Assert.Equal("page", first.Alert.State);
        Assert.Equal(T, first.Alert.Since);
        Assert.Equal(T, second.Alert.Since);
        Assert.Contains(second.Alert.Conditions, c => c.Condition.Name == "page-fast" && c.Firing && c.Since == T);

        // An hour of clean traffic later the short windows are clean: page-fast stops; the 6 h windows still burn.
        await _data.AddAsync(T.AddMinutes(59), 10000, Cart);
        var later = await EvaluateAsync(slo, T.AddHours(1), evaluator);
        Assert.DoesNotContain(later.Alert.Conditions, c => c.Condition.Name == "page-fast" && c.Firing);
    }

    [Fact]
    public async Task Passes_of_other_slos_leave_an_slos_alert_state_alone_unless_each_pass_lists_every_slo()
    {
        var cart = Define("cart", "cart", 0.99);
        var other = Define("other", "other", 0.99);
        await _data.AddAsync(T.AddMinutes(-2), 50, Cart, status: 503);
        await _data.AddAsync(T.AddMinutes(-2), 50, Cart);

        // The controller's policy loops: each passes its own SLOs through the one evaluator.
        var shared = new SloEvaluator(_data.Store, _data.Database, forgetUnlisted: false);
        Assert.Equal(T, (await EvaluateAsync(cart, T, shared)).Alert.Since);
        await shared.EvaluateAsync([other], T.AddSeconds(30), CancellationToken.None);
        Assert.Equal(T, (await EvaluateAsync(cart, T.AddMinutes(1), shared)).Alert.Since);

        // The SLO files' evaluation lists every SLO each pass: one left out is gone.
        var listing = Evaluator();
        await EvaluateAsync(cart, T, listing);
        await listing.EvaluateAsync([other], T.AddSeconds(30), CancellationToken.None);
        Assert.Equal(T.AddMinutes(1), (await EvaluateAsync(cart, T.AddMinutes(1), listing)).Alert.Since);
    }

    [Fact]
    public async Task New_slice_ledgers_past_the_read_budget_wait_for_later_passes_without_holding_up_the_others()
    {
        await _data.AddAsync(T.AddMinutes(-5), 100, Cart);
        SloDefinition Sliced(string name) => Define(name, "cart", 0.99, SloWindow.Rolling(TimeSpan.FromDays(1)), budgeting: BudgetingMethod.Timeslices,
            objective: new SloObjective("0", 0.99, TimeSliceTarget: 0.95, TimeSliceWindow: TimeSpan.FromMinutes(1)));
        var evaluator = new SloEvaluator(_data.Store, _data.Database, coldReadBudget: TimeSpan.Zero);
        SloDefinition[] slos = [Sliced("first"), Sliced("second"), Define("occurrences", "cart", 0.99)];

        var pass1 = await evaluator.EvaluateAsync(slos, T, CancellationToken.None);
        var pass2 = await evaluator.EvaluateAsync(slos, T.AddSeconds(10), CancellationToken.None);

        Assert.Equal(["first", "occurrences"], pass1.Select(e => e.Slo));
        Assert.Equal(["first", "second", "occurrences"], pass2.Select(e => e.Slo));
        Assert.All(pass2, e => Assert.Equal(e.Budgeting == BudgetingMethod.Timeslices ? (1, 1) : (100, 100), (e.Good, e.Total)));
    }
}
