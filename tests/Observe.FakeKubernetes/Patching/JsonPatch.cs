using System.Text.Json.Nodes;
using Observe.FakeKubernetes.Http;

namespace Observe.FakeKubernetes.Patching;

/// <summary>RFC 6902 JSON patch (add, remove, replace, test, copy, move) over JSON Pointer paths.</summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw ApiError.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        }
        var document = target.DeepClone();
        foreach (var operation in operations)
        {
            var op = (string?)operation?["op"] ?? throw ApiError.BadRequest("Unable to apply patch: missing 'op'");
            var path = (string?)operation!["path"] ?? throw new ApiError(422, "Invalid", "the server rejected our request due to an error in our request: missing 'path'");
            switch (op)
            {
                case "add":
                    Set(document, path, operation["value"]?.DeepClone(), mustExist: false);
                    break;
                case "replace":
                    Set(document, path, operation["value"]?.DeepClone(), mustExist: true);
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), operation["value"]))
                    {
                        throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    }
                    break;
                case "copy":
                    Set(document, path, Get(document, (string)operation["from"]!)?.DeepClone(), mustExist: false);
                    break;
                case "move":
                    var from = (string)operation["from"]!;
                    var moved = Get(document, from)?.DeepClone();
                    Remove(document, from);
                    Set(document, path, moved, mustExist: false);
                    break;
                default:
                    throw ApiError.BadRequest($"Unable to apply patch: Unexpected kind: {op}");
            }
        }
        return document;
    }

    private static string[] Tokens(string pointer) =>
        pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();

    private static JsonNode? Get(JsonNode document, string pointer) => Walk(document, Tokens(pointer), pointer);

    private static JsonNode? Walk(JsonNode document, IEnumerable<string> tokens, string pointer)
    {
        JsonNode? node = document;
        foreach (var token in tokens)
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(token) => o[token],
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw Missing(pointer),
            };
        }
        return node;
    }

    private static void Set(JsonNode document, string pointer, JsonNode? value, bool mustExist)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            throw ApiError.BadRequest("Unable to apply patch: replacing the whole object is not supported");
        }
        var parent = Walk(document, tokens[..^1], pointer);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                if (mustExist && !o.ContainsKey(last))
                {
                    throw Missing(pointer);
                }
                o[last] = value;
                break;
            case JsonArray a when last == "-" && !mustExist:
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                if (mustExist)
                {
                    if (i == a.Count)
                    {
                        throw Missing(pointer);
                    }
                    a[i] = value;
                }
                else
                {
                    a.Insert(i, value);
                }
                break;
            default:
                throw Missing(pointer);
        }
    }

    private static void Remove(JsonNode document, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            throw Missing(pointer);
        }
        var parent = Walk(document, tokens[..^1], pointer);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.Remove(last):
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw Missing(pointer);
        }
    }

    private static ApiError Missing(string pointer) =>
        new(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{pointer}\"");
}
