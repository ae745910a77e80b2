using System.Globalization;
using System.Text.RegularExpressions;

namespace Observe.Autoscaler.Scaling.Reading;

/// <summary>
/// Durations as Kubernetes objects write them (Go's <c>time.Duration</c>): <c>15s</c>, <c>5m</c>,
/// <c>1m30s</c>, <c>250ms</c>, <c>0</c>. A sign is read so that <c>-5s</c> is reported as out of
/// range rather than as unreadable.
/// </summary>
internal static partial class PolicyDurations
{
    public const string Help = "a number and a unit ms, s, m or h, e.g. `15s`, `5m` or `1m30s`";

    [GeneratedRegex(@"^-?(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h))+\z")]
    private static partial Regex Whole();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)")]
    private static partial Regex Part();

    public static TimeSpan? Parse(string text)
    {
        if (text is "0" or "-0")
        {
            return TimeSpan.Zero;
        }
        if (!Whole().IsMatch(text))
        {
            return null;
        }
        var ticks = 0.0;
        foreach (Match part in Part().Matches(text))
        {
            var value = double.Parse(part.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            ticks += value * part.Groups[2].Value switch
            {
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }
        if (ticks >= TimeSpan.MaxValue.Ticks)
        {
            return null;
        }
        var span = TimeSpan.FromTicks((long)Math.Round(ticks));
        return text.StartsWith('-') ? -span : span;
    }

    /// <summary>The shortest way to write <paramref name="span"/> that <see cref="Parse"/> reads back, in whole seconds or minutes where it can.</summary>
    public static string Format(TimeSpan span)
    {
        if (span == TimeSpan.Zero)
        {
            return "0s";
        }
        if (span.Ticks % TimeSpan.TicksPerMinute == 0 && span >= TimeSpan.FromMinutes(5))
        {
            return $"{(long)span.TotalMinutes}m";
        }
        if (span.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            return $"{(long)span.TotalSeconds}s";
        }
        return $"{span.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
    }
}
