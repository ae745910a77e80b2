using System.Globalization;
using System.Text.RegularExpressions;

namespace Observe.Autoscaler.Slo.Reading;

/// <summary>OpenSLO's duration shorthand (<c>30d</c>, <c>1M</c>): a positive whole number and one unit letter.</summary>
internal readonly record struct Shorthand(int Count, CalendarUnit Unit)
{
    /// <summary>Months, quarters and years vary in length; anything that needs a fixed span uses these nominal ones.</summary>
    public bool HasFixedLength => Unit is not (CalendarUnit.Month or CalendarUnit.Quarter or CalendarUnit.Year);

    public TimeSpan Nominal => Durations.Nominal(Unit) * Count;

    public override string ToString() => $"{Count}{Durations.Letter(Unit)}";
}

internal static partial class Durations
{
    public const string ShorthandHelp = "a whole number and one of m (minutes), h, d, w, M (months), Q, Y, e.g. `30d`";

    [GeneratedRegex("^([0-9]+)([mhdwMQY])$")]
    private static partial Regex ShorthandPattern();

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)(ms|s|m)$")]
    private static partial Regex LatencyPattern();

    public static Shorthand? ParseShorthand(string text, bool allowZero = false)
    {
        var match = ShorthandPattern().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || (count == 0 && !allowZero))
        {
            return null;
        }
        var unit = match.Groups[2].Value switch
        {
            "m" => CalendarUnit.Minute,
            "h" => CalendarUnit.Hour,
            "d" => CalendarUnit.Day,
            "w" => CalendarUnit.Week,
            "M" => CalendarUnit.Month,
            "Q" => CalendarUnit.Quarter,
            _ => CalendarUnit.Year,
        };
        return new Shorthand(count, unit);
    }

    public static TimeSpan Nominal(CalendarUnit unit) => unit switch
    {
        CalendarUnit.Minute => TimeSpan.FromMinutes(1),
        CalendarUnit.Hour => TimeSpan.FromHours(1),
        CalendarUnit.Day => TimeSpan.FromDays(1),
        CalendarUnit.Week => TimeSpan.FromDays(7),
        CalendarUnit.Month => TimeSpan.FromDays(30),
        CalendarUnit.Quarter => TimeSpan.FromDays(90),
        _ => TimeSpan.FromDays(365),
    };

    public static char Letter(CalendarUnit unit) => unit switch
    {
        CalendarUnit.Minute => 'm',
        CalendarUnit.Hour => 'h',
        CalendarUnit.Day => 'd',
        CalendarUnit.Week => 'w',
        CalendarUnit.Month => 'M',
        CalendarUnit.Quarter => 'Q',
        _ => 'Y',
    };

    /// <summary>A latency: <c>300ms</c>, <c>1.5s</c>, <c>1m</c>, or a bare number of milliseconds.</summary>
    public static TimeSpan? ParseLatency(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis))
        {
            return millis > 0 && double.IsFinite(millis) ? TimeSpan.FromMilliseconds(millis) : null;
        }
        var match = LatencyPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var span = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            _ => TimeSpan.FromMinutes(value),
        };
        return span > TimeSpan.Zero ? span : null;
    }

    /// <summary>Rounds to whole minutes, never below one: burn-rate windows are evaluated over minute rollups.</summary>
    public static TimeSpan WholeMinutes(TimeSpan span) => TimeSpan.FromMinutes(Math.Max(1, Math.Round(span.TotalMinutes, MidpointRounding.AwayFromZero)));
}
