namespace Observe.Autoscaler.Slo;

/// <summary>
/// The multiwindow, multi-burn-rate alerts the SRE workbook (chapter 5) recommends for a 30-day
/// budget, used when an SLO names no alert policy. For other periods the windows scale with the
/// period, so each alert still fires after spending the same share of the budget.
/// </summary>
public static class BurnRateDefaults
{
    private static readonly TimeSpan WorkbookPeriod = TimeSpan.FromDays(30);

    // (name, severity, burn rate, long window, short window) for a 30-day period:
    // page when 2% of the budget went in an hour or 5% in six hours; ticket when 10% went in three days.
    private static readonly (string Name, string Severity, double Threshold, TimeSpan Long, TimeSpan Short)[] Workbook =
    [
        ("page-fast", "page", 14.4, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)),
        ("page-slow", "page", 6, TimeSpan.FromHours(6), TimeSpan.FromMinutes(30)),
        ("ticket", "ticket", 1, TimeSpan.FromDays(3), TimeSpan.FromHours(6)),
    ];

    public static IReadOnlyList<BurnRateCondition> For(SloWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var scale = window.NominalLength / WorkbookPeriod;
        return [.. Workbook.Select(w => new BurnRateCondition(
            w.Name, w.Severity, w.Threshold, Reading.Durations.WholeMinutes(w.Long * scale), Reading.Durations.WholeMinutes(w.Short * scale), TimeSpan.Zero))];
    }
}
