using System.Globalization;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>
/// Kubernetes' two timestamp encodings: <c>Time</c> (RFC 3339 in whole seconds) and <c>MicroTime</c>
/// (RFC 3339 with exactly six fraction digits, which the API server requires for Lease and Event times).
/// </summary>
internal static class MicroTime
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Either encoding (any fraction length, any offset).</summary>
    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
