using System.Globalization;
using System.Text;

namespace Observe.Autoscaler.Slo;

/// <summary>The budget arithmetic of one SLO in words, for <c>observe slo explain</c>.</summary>
public static class SloExplanation
{
    public static string Describe(SloDefinition slo)
    {
        var text = new StringBuilder();
        var period = slo.Window.NominalLength;
        text.AppendLine(CultureInfo.InvariantCulture, $"SLO {slo.Name}{(slo.DisplayName is { } d ? $" ({d})" : "")} for service {slo.Service}, {Window(slo.Window)}, {slo.Budgeting.ToString().ToLowerInvariant()} budgeting.");
        text.AppendLine(CultureInfo.InvariantCulture, $"  Indicator: {Indicator(slo.Indicator)}.");
        foreach (var o in slo.Objectives)
        {
            var budget = 1 - o.Target;
            text.AppendLine(CultureInfo.InvariantCulture, $"  Objective {o.Name}: target {Percent(o.Target)}.");
            if (slo.Budgeting == BudgetingMethod.Timeslices || slo.Indicator is ThresholdIndicator)
            {
                var slice = o.TimeSliceWindow ?? TimeSpan.FromMinutes(1);
                var slices = Math.Floor(period / slice);
                var rule = slo.Indicator is ThresholdIndicator ? $"its value is {Op(o.Op)} {Number(o.Value ?? 0)}" : $"its SLI is at least {Percent(o.TimeSliceTarget ?? o.Target)}";
                text.AppendLine(CultureInfo.InvariantCulture, $"    Time is cut into slices of {Duration(slice)}; a slice with traffic is good when {rule}.");
                text.AppendLine(CultureInfo.InvariantCulture, $"    {Duration(period)} hold {Number(slices)} slices; the budget is {Percent(budget)} of them: {Number(budget * slices)} bad slices ({Duration(budget * slices * slice)}).");
            }
            else
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    The error budget is {Percent(budget)} of the requests: {Number(budget * 1_000_000)} bad per million, whatever the traffic.");
                text.AppendLine(CultureInfo.InvariantCulture, $"    As time: a full outage may last {Duration(budget * period)} per {Duration(period)}.");
            }
            text.AppendLine(CultureInfo.InvariantCulture, $"    A burn rate of 1 spends exactly the budget in {Duration(period)}; a burn rate of N spends it in {Duration(period)} / N.");
            foreach (var a in slo.Alerts)
            {
                var spent = a.Threshold * a.LongWindow / period;
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"    Alert {a.Name} ({a.Severity}): when the burn rate over {Duration(a.LongWindow)} and over {Duration(a.ShortWindow)} both reach {Number(a.Threshold)}×" +
                    $"{(a.AlertAfter > TimeSpan.Zero ? $" for {Duration(a.AlertAfter)}" : "")}: {Percent(spent)} of the budget gone in {Duration(a.LongWindow)}, all of it in {Duration(period / a.Threshold)}.");
            }
        }
        return text.ToString();
    }

    private static string Window(SloWindow w) => w.IsRolling
        ? $"over the trailing {Duration(w.Duration)}"
        : $"per calendar {(w.Count == 1 ? "" : w.Count.ToString(CultureInfo.InvariantCulture) + " ")}{w.Unit.ToString().ToLowerInvariant()}{(w.Count == 1 ? "" : "s")} in {(w.TimeZone ?? TimeZoneInfo.Utc).Id} from {w.CalendarStart:yyyy-MM-dd HH:mm}";

    private static string Indicator(Indicator indicator) => indicator switch
    {
        RatioIndicator r => $"{(r.CountsBad ? "bad" : "good")} = {Query(r.Counted)}, among {Query(r.Total)}",
        ThresholdIndicator t => $"{(t.Metric switch
        {
            ThresholdMetric.LatencyMillis => $"p{Number(t.Quantile * 100)} latency in ms",
            ThresholdMetric.ErrorRatio => "share of errors",
            _ => "requests per second",
        })} of {Query(t.Requests)}",
        _ => indicator.GetType().Name,
    };

    private static string Query(RequestQuery q)
    {
        var s = q.Selector;
        var parts = new[] { ("namespace", s.Namespace), ("service", s.Service), ("workload", s.Workload), ("version", s.Version), ("route", s.Route), ("method", s.Method), ("operation", s.Operation) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1} {p.Item2}").ToList();
        var what = $"requests{(parts.Count > 0 ? " to " + string.Join(", ", parts) : "")}{(s.Source == RequestSource.Auto ? "" : $" (from {s.Source.ToString().ToLowerInvariant()})")}";
        var c = q.Condition;
        var conditions = new List<string>();
        if (c.Statuses.Count > 0 || c.GrpcStatuses.Count > 0)
        {
            conditions.Add("status " + string.Join(" or ", c.Statuses.Select(x => x.ToString()).Concat(c.GrpcStatuses.Select(g => $"gRPC {g}"))));
        }
        if (c.LatencyAtMost is { } le)
        {
            conditions.Add($"at most {Number(le.TotalMilliseconds)} ms");
        }
        if (c.LatencyAbove is { } gt)
        {
            conditions.Add($"over {Number(gt.TotalMilliseconds)} ms");
        }
        return conditions.Count == 0 ? what : $"{what} with {string.Join(" and ", conditions)}";
    }

    private static string Op(ComparisonOp? op) => op switch
    {
        ComparisonOp.Lt => "below",
        ComparisonOp.Lte => "at most",
        ComparisonOp.Gt => "above",
        ComparisonOp.Gte => "at least",
        _ => "?",
    };

    private static string Percent(double share) => (share * 100).ToString("0.####", CultureInfo.InvariantCulture) + " %";

    private static string Number(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>A duration in the largest unit that keeps it readable: 43.2 min, 2.5 h, 30 d.</summary>
    public static string Duration(TimeSpan t) => t switch
    {
        _ when t >= TimeSpan.FromDays(1) => Number(t.TotalDays) + " d",
        _ when t >= TimeSpan.FromHours(1) => Number(t.TotalHours) + " h",
        _ when t >= TimeSpan.FromMinutes(1) => Number(t.TotalMinutes) + " min",
        _ => Number(t.TotalSeconds) + " s",
    };
}
