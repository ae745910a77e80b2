using System.Globalization;

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
}
