using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>
/// OTLP/JSON is the protobuf JSON mapping with one difference that matters: trace and span ids are
/// hex strings, not base64. A hex id is also valid base64, so handing it to the protobuf parser
/// would silently store wrong ids; ids are rewritten to base64 first, with the path of any bad one.
/// Large integers (timestamps in nanoseconds) are turned into strings, because the protobuf JSON
/// parser reads bare numbers as doubles and would round them.
/// </summary>
internal static class OtlpJson
{
    private static readonly HashSet<string> IdFields =
        ["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"];

    public static IMessage Parse(ReadOnlySpan<byte> utf8, MessageDescriptor descriptor, JsonParser parser)
    {
        if (utf8.IsEmpty)
        {
            throw new InvalidPayloadException($"the body is empty; an OTLP/JSON request is a JSON object (use {{}} for an empty {descriptor.Name})");
        }
        if (!Utf8.IsValid(utf8))
        {
            throw new InvalidPayloadException($"the body is not valid UTF-8 (first invalid byte at offset {FirstInvalidUtf8(utf8)})");
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            throw new InvalidPayloadException($"the body is not valid JSON: line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)}");
        }
        if (root is not JsonObject)
        {
            throw new InvalidPayloadException($"the body must be a JSON object ({descriptor.Name}), not {root?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}");
        }
        Normalise(root, "");
        try
        {
            return parser.Parse(root.ToJsonString(), descriptor);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw new InvalidPayloadException($"the body is not a valid OTLP/JSON {descriptor.Name}: {e.Message}");
        }
    }

    private static void Normalise(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    if (value is null)
                    {
                        continue;
                    }
                    if (IdFields.Contains(key) && value.GetValueKind() == JsonValueKind.String)
                    {
                        obj[key] = HexToBase64(value.GetValue<string>(), childPath);
                    }
                    else if (IsLargeInteger(value))
                    {
                        obj[key] = value.ToJsonString();
                    }
                    else
                    {
                        Normalise(value, childPath);
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item && IsLargeInteger(item))
                    {
                        array[i] = item.ToJsonString();
                    }
                    else if (array[i] is { } other)
                    {
                        Normalise(other, $"{path}[{i}]");
                    }
                }
                break;
        }
    }

    /// <summary>An integer past 2^53, which a double cannot hold exactly; only 64-bit fields take such values.</summary>
    private static bool IsLargeInteger(JsonNode node)
    {
        if (node.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }
        var text = node.ToJsonString();
        return text.Length > 15 && text.AsSpan().TrimStart('-').IndexOfAnyExcept("0123456789") < 0;
    }

    private static string HexToBase64(string hex, string path)
    {
        if (hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new InvalidPayloadException($"{path}: '{Truncate(hex)}' is not a hex-encoded id (OTLP/JSON ids are hex strings, e.g. 32 digits for a trace id)");
        }
        return Convert.ToBase64String(Convert.FromHexString(hex));
    }

    private static long FirstInvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        var chars = ArrayPool<char>.Shared.Rent(utf8.Length);
        try
        {
            Utf8.ToUtf16(utf8, chars, out var read, out _, replaceInvalidSequences: false);
            return read;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
