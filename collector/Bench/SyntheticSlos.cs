using Observe.Autoscaler.Slo;

namespace Observe.Collector.Bench;

/// <summary>
/// A set of SLOs over <see cref="SyntheticSli"/>'s workloads, mixed as a platform team's would
/// be: 60 % availability ratios (bad = 5xx, or 5xx and 429), 25 % latency ratios (good = at most
/// 300 ms), 10 % timeslices (1-minute slices at 95 % good), 5 % p99 latency thresholds on
/// 5-minute slices. Rolling 30 days mostly, some 7 and 28 days, a few calendar months in Berlin.
/// Selected by service mostly, some by workload, by service and route glob, or namespace only.
/// Every one carries the SRE workbook's three burn-rate conditions.
/// </summary>
internal static class SyntheticSlos
{
    public enum Kind { Availability, Latency, Timeslices, Threshold }

    public static Kind KindOf(int i) => (i % 20) switch
    {
        < 12 => Kind.Availability,
        < 17 => Kind.Latency,
        < 19 => Kind.Timeslices,
        _ => Kind.Threshold,
    };

    public static IReadOnlyList<SloDefinition> Generate(int count, int workloads)
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var slos = new List<SloDefinition>(count);
        for (var i = 0; i < count; i++)
        {
            // Spread SLOs over the workloads with a stride prime to their count, so neighbours differ.
            var w = (int)((long)i * 7919 % workloads);
            var selector = ((i / 3) % 10) switch
            {
                < 7 => new RequestSelector(Service: SyntheticSli.Service(w)),
                7 => new RequestSelector(Workload: SyntheticSli.Workload(w)),
                8 => new RequestSelector(Service: SyntheticSli.Service(w), Route: "/api/items/*"),
                _ => new RequestSelector(Namespace: SyntheticSli.Namespace(w)),
            };
            var window = (i % 10) switch
            {
                7 => SloWindow.Rolling(TimeSpan.FromDays(7)),
                8 => SloWindow.Rolling(TimeSpan.FromDays(28)),
                9 when i % 50 == 9 => new SloWindow(false, TimeSpan.FromDays(30), CalendarUnit.Month, 1, new DateTime(2026, 1, 1), berlin),
                _ => SloWindow.Rolling(TimeSpan.FromDays(30)),
            };
            var all = new RequestQuery(selector, RequestCondition.All);
            var fiveXx = RequestCondition.All with { Statuses = [new StatusMatch(500, 599)] };
            var (indicator, objective, budgeting) = KindOf(i) switch
            {
                Kind.Availability => (
                    (Indicator)new RatioIndicator(null, all, new RequestQuery(selector, i % 2 == 0 ? fiveXx
                        : fiveXx with { Statuses = [new StatusMatch(500, 599), new StatusMatch(429, 429)] }), CountsBad: true),
                    new SloObjective("0", (i % 3) switch { 0 => 0.99, 1 => 0.995, _ => 0.999 }),
                    BudgetingMethod.Occurrences),
                Kind.Latency => (
                    new RatioIndicator(null, all, new RequestQuery(selector, RequestCondition.All with { LatencyAtMost = TimeSpan.FromMilliseconds(300) }), CountsBad: false),
                    new SloObjective("0", i % 2 == 0 ? 0.95 : 0.99),
                    BudgetingMethod.Occurrences),
                Kind.Timeslices => (
                    new RatioIndicator(null, all, new RequestQuery(selector, fiveXx), CountsBad: true),
                    new SloObjective("0", 0.99, TimeSliceTarget: 0.95, TimeSliceWindow: TimeSpan.FromMinutes(1)),
                    BudgetingMethod.Timeslices),
                _ => (
                    new ThresholdIndicator(null, all, ThresholdMetric.LatencyMillis, 0.99),
                    new SloObjective("p99", 0.95, ComparisonOp.Lt, 400, TimeSliceWindow: TimeSpan.FromMinutes(5)),
                    BudgetingMethod.Timeslices),
            };
            var service = selector.Service ?? selector.Workload ?? selector.Namespace!;
            slos.Add(new SloDefinition($"slo-{i:D4}", null, null, service, indicator, [objective], window, budgeting,
                BurnRateDefaults.For(window), SloFormat.OpenSlo, new SourceLocation("bench", i + 1, 1)));
        }
        return slos;
    }
}
