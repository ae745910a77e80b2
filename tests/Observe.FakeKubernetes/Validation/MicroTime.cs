using System.Globalization;
using Observe.FakeKubernetes.Http;

namespace Observe.FakeKubernetes.Validation;

/// <summary>
/// <c>metav1.MicroTime</c> as the server decodes it: RFC 3339 with exactly six fractional digits
/// (<c>2026-11-21T10:00:00.000000Z</c>); other forms fail to decode (400).
/// </summary>
internal static class MicroTime
{
    private const string Layout = "yyyy-MM-dd'T'HH:mm:ss.ffffffK";

    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Checks a field that may be absent or null; throws 400 BadRequest on a malformed value.</summary>
    public static void Check(string field, System.Text.Json.Nodes.JsonNode? value)
    {
        if (value is null)
        {
            return;
        }
        var text = value.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)value : null;
        if (text is null || !DateTimeOffset.TryParseExact(text, Layout, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw ApiError.BadRequest(
                $"{field}: unmarshalerDecoder: parsing time \"{value.ToJsonString().Trim('"')}\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse as MicroTime");
        }
    }
}
