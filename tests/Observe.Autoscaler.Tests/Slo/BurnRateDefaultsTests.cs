using Observe.Autoscaler.Slo;

namespace Observe.Autoscaler.Tests.Slo;

public class BurnRateDefaultsTests
{
    private static readonly TimeSpan Zero = TimeSpan.Zero;

    [Fact]
    public void Thirty_days_gives_the_workbook_windows()
    {
        Assert.Equal(
            [
                new BurnRateCondition("page-fast", "page", 14.4, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), Zero),
                new BurnRateCondition("page-slow", "page", 6, TimeSpan.FromHours(6), TimeSpan.FromMinutes(30), Zero),
                new BurnRateCondition("ticket", "ticket", 1, TimeSpan.FromDays(3), TimeSpan.FromHours(6), Zero),
            ],
            BurnRateDefaults.For(SloWindow.Rolling(TimeSpan.FromDays(30))));
    }

    [Fact]
    public void Seven_days_scales_the_windows_to_whole_minutes()
    {
        // 7/30 of each: 60 m → 14 m, 5 m → 1.17 → 1 m, 6 h → 84 m, 30 m → 7 m, 3 d → 1008 m, 6 h → 84 m.
        var alerts = BurnRateDefaults.For(SloWindow.Rolling(TimeSpan.FromDays(7)));
        Assert.Equal(
            [(14.4, 14.0, 1.0), (6, 84, 7), (1, 1008, 84)],
            alerts.Select(a => (a.Threshold, a.LongWindow.TotalMinutes, a.ShortWindow.TotalMinutes)));
    }

    [Fact]
    public void One_day_floors_short_windows_at_one_minute()
    {
        var alerts = BurnRateDefaults.For(SloWindow.Rolling(TimeSpan.FromDays(1)));
        Assert.Equal([(2.0, 1.0), (12, 1), (144, 12)], alerts.Select(a => (a.LongWindow.TotalMinutes, a.ShortWindow.TotalMinutes)));
    }

    [Fact]
    public void A_calendar_month_counts_thirty_days()
    {
        var month = new SloWindow(false, TimeSpan.FromDays(30), CalendarUnit.Month, 1, new DateTime(2026, 1, 1), TimeZoneInfo.Utc);
        Assert.Equal(BurnRateDefaults.For(SloWindow.Rolling(TimeSpan.FromDays(30))), BurnRateDefaults.For(month));
        var quarter = month with { Unit = CalendarUnit.Quarter };
        Assert.Equal(TimeSpan.FromHours(3), BurnRateDefaults.For(quarter)[0].LongWindow);
    }
}
