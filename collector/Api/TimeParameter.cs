using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Observe.Collector.Api;

/// <summary>Times in query strings: RFC 3339 (2026-11-21T10:00:00Z) or unix milliseconds.</summary>
internal static class TimeParameter
{
    public static bool TryParse(string? text, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var millis))
        {
            if (millis is < -62_135_596_800_000 or > 253_402_300_799_999)
            {
                return false;
            }
            time = DateTimeOffset.FromUnixTimeMilliseconds(millis);
            return true;
        }
        // RFC 3339 always has a 'T' (or space) between date and time; a time without an offset is read as UTC.
        return text.Length >= 19 && text[10] is 'T' or 't' or ' '
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    /// <summary>
    /// The <c>from</c> and <c>to</c> of a query: <c>to</c> defaults to <paramref name="now"/>,
    /// <c>from</c> to <paramref name="defaultLength"/> before <c>to</c>. Returns what is wrong, or null.
    /// </summary>
    public static string? ReadRange(IQueryCollection query, DateTimeOffset now, TimeSpan defaultLength, out (DateTimeOffset From, DateTimeOffset To) range)
    {
        range = default;
        var toText = query["to"].ToString();
        var fromText = query["from"].ToString();
        var to = now;
        if (toText.Length > 0 && !TryParse(toText, out to))
        {
            return $"to='{ApiError.Quote(toText)}' is not an RFC 3339 time or unix milliseconds";
        }
        var from = to - defaultLength;
        if (fromText.Length > 0 && !TryParse(fromText, out from))
        {
            return $"from='{ApiError.Quote(fromText)}' is not an RFC 3339 time or unix milliseconds";
        }
        range = (from, to);
        return from >= to ? $"from ({from:O}) must be before to ({to:O})" : null;
    }
}
