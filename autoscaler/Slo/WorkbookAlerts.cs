namespace Observe.Autoscaler.Slo;

/// <summary>
/// The SRE workbook's multiwindow burn-rate conditions (chapter 5: page on 1 h and 5 min at
/// 14.4×, page on 6 h and 30 min at 6×, ticket on 3 d and 6 h at 1×), written for a 30-day
/// period and scaled to others, so that a condition still means the same share of the budget.
/// </summary>
internal static class WorkbookAlerts
{
    public static IReadOnlyList<BurnRateCondition> For(TimeSpan period)
    {
        var scale = period / TimeSpan.FromDays(30);
        TimeSpan W(TimeSpan w) => TimeSpan.FromMinutes(Math.Max(1, Math.Round(w.TotalMinutes * scale)));
        return
        [
            new("page-fast", "page", 14.4, W(TimeSpan.FromHours(1)), W(TimeSpan.FromMinutes(5)), TimeSpan.Zero),
            new("page-slow", "page", 6, W(TimeSpan.FromHours(6)), W(TimeSpan.FromMinutes(30)), TimeSpan.Zero),
            new("ticket", "ticket", 1, W(TimeSpan.FromDays(3)), W(TimeSpan.FromHours(6)), TimeSpan.Zero),
        ];
    }
}
