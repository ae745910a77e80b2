using System.Text.Json;

namespace Observe.Store;

/// <summary>Reads the rows of a JSONEachRow answer.</summary>
public static class JsonLines
{
    public static IEnumerable<JsonElement> Read(byte[] output)
    {
        var start = 0;
        while (start < output.Length)
        {
            var end = Array.IndexOf(output, (byte)'\n', start);
            if (end < 0)
            {
                end = output.Length;
            }
            if (end > start)
            {
                using var document = JsonDocument.Parse(output.AsMemory(start, end - start));
                yield return document.RootElement.Clone();
            }
            start = end + 1;
        }
    }

    /// <summary>A 64-bit integer, which ClickHouse quotes in JSON by default: either form.</summary>
    public static long Int64(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : value.GetInt64();
}
