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
}
