namespace Observe.Autoscaler.Slo.Evaluation;

/// <summary>The stretch of time an error budget covers at one evaluation: [Start, End).</summary>
public readonly record struct SloPeriod(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Length => End - Start;

    /// <summary>
    /// The period containing <paramref name="at"/>: the trailing window for a rolling SLO, the
    /// calendar period (in the SLO's time zone, so across a change to summer time a day lasts
    /// 23 hours) for a calendar one.
    /// </summary>
    public static SloPeriod At(SloWindow window, DateTimeOffset at)
    {
        if (window.IsRolling)
        {
            return new(at - window.Duration, at);
        }
        var zone = window.TimeZone ?? TimeZoneInfo.Utc;
        var origin = window.CalendarStart ?? new DateTime(2000, 1, 1);
        if (window.Unit is CalendarUnit.Minute or CalendarUnit.Hour)
        {
            // Sub-day periods follow elapsed time: a wall clock repeats or skips an hour at a change.
            var length = window.Unit == CalendarUnit.Minute ? TimeSpan.FromMinutes(window.Count) : TimeSpan.FromHours(window.Count);
            var start = Utc(origin, zone);
            var n = (long)Math.Floor((at - start) / length);
            return new(start + n * length, start + (n + 1) * length);
        }
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        var k = Estimate(window, origin, local);
        while (Boundary(window, origin, k) > local)
        {
            k--;
        }
        while (Boundary(window, origin, k + 1) <= local)
        {
            k++;
        }
        return new(Utc(Boundary(window, origin, k), zone), Utc(Boundary(window, origin, k + 1), zone));
    }

    private static long Estimate(SloWindow window, DateTime origin, DateTime local) => window.Unit switch
    {
        CalendarUnit.Day => (long)Math.Floor((local - origin).TotalDays / window.Count),
        CalendarUnit.Week => (long)Math.Floor((local - origin).TotalDays / (7.0 * window.Count)),
        CalendarUnit.Month => Months(origin, local) / window.Count,
        CalendarUnit.Quarter => Months(origin, local) / (3 * window.Count),
        _ => Months(origin, local) / (12 * window.Count),
    };

    private static long Months(DateTime from, DateTime to) => ((to.Year - from.Year) * 12) + to.Month - from.Month;

    /// <summary>The k-th period's start on the wall clock of the SLO's zone.</summary>
    private static DateTime Boundary(SloWindow window, DateTime origin, long k) => window.Unit switch
    {
        CalendarUnit.Day => origin.AddDays(k * window.Count),
        CalendarUnit.Week => origin.AddDays(k * 7 * window.Count),
        CalendarUnit.Month => origin.AddMonths((int)(k * window.Count)),
        CalendarUnit.Quarter => origin.AddMonths((int)(k * 3 * window.Count)),
        _ => origin.AddYears((int)(k * window.Count)),
    };

    /// <summary>A wall-clock time as an instant; a time the clock skips (spring forward) is read as the instant the clock jumps.</summary>
    private static DateTimeOffset Utc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
