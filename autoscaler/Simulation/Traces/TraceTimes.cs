using System.Globalization;

namespace Observe.Autoscaler.Simulation.Traces;

/// <summary>The times a trace file and <c>--from/--to</c> are written in: <c>1998-04-30 21:30:00</c> (UTC) or RFC 3339.</summary>
internal static class TraceTimes
{
    public const string Help = "a time like 1998-04-30 21:30:00 (UTC) or 1998-04-30T21:30:00Z (RFC 3339)";

    // Without an offset a time is UTC: the public traces are written that way.
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd HH:mm:ss",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ssK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
    ];

    public static DateTimeOffset? Parse(string text) =>
        DateTimeOffset.TryParseExact(text.Trim(), Formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;

    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
