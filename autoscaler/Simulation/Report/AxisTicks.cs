namespace Observe.Autoscaler.Simulation.Report;

/// <summary>Round tick values for a plot's axes.</summary>
internal static class AxisTicks
{
    private static readonly TimeSpan[] TimeSteps =
    [
        .. new[] { 1, 2, 5, 10, 15, 30 }.Select(m => TimeSpan.FromMinutes(m)),
        .. new[] { 1, 2, 3, 6, 12 }.Select(h => TimeSpan.FromHours(h)),
        .. new[] { 1, 2, 7, 14, 28, 56, 91, 182, 364 }.Select(d => TimeSpan.FromDays(d)),
    ];

    /// <summary>A step of 1, 2, 2.5 or 5 × 10ⁿ (whole numbers only when <paramref name="integers"/>) giving about <paramref name="target"/> ticks from 0, and the top tick at or above <paramref name="max"/>.</summary>
    public static (double Step, double Top) Linear(double max, int target = 5, bool integers = false)
    {
        if (!(max > 0) || !double.IsFinite(max))
        {
            max = 1;
        }
        var raw = max / target;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double[] multiples = integers ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
        var step = multiples.Select(m => m * magnitude).First(s => s >= raw * (1 - 1e-9));
        if (integers)
        {
            step = Math.Max(1, Math.Round(step));
        }
        return (step, Math.Ceiling(max / step - 1e-9) * step);
    }

    /// <summary>The smallest round step that puts at most <paramref name="maxTicks"/> ticks on <paramref name="span"/>.</summary>
    public static TimeSpan TimeStep(TimeSpan span, int maxTicks = 8) =>
        TimeSteps.FirstOrDefault(s => span / s <= maxTicks, TimeSteps[^1] * Math.Ceiling(span / TimeSteps[^1] / maxTicks));

    /// <summary>Ticks on whole multiples of <paramref name="step"/> since the Unix epoch (so days fall on midnight UTC) from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static IEnumerable<DateTimeOffset> Times(DateTimeOffset from, DateTimeOffset to, TimeSpan step)
    {
        var ticks = (from - DateTimeOffset.UnixEpoch).Ticks;
        var first = ticks % step.Ticks == 0 ? ticks : (ticks / step.Ticks + (ticks > 0 ? 1 : 0)) * step.Ticks;
        for (var t = DateTimeOffset.UnixEpoch.AddTicks(first); t <= to; t += step)
        {
            yield return t;
        }
    }

    /// <summary>Dates alone when ticks are days apart; the date with the time on traces longer than a day; else the time.</summary>
    public static string TimeFormat(TimeSpan step, TimeSpan span) =>
        step >= TimeSpan.FromDays(1) ? "yyyy-MM-dd" : span > TimeSpan.FromDays(1) ? "MM-dd HH:mm" : "HH:mm";
}
