using System.Text.Json.Nodes;
using Observe.FakeKubernetes.Http;

namespace Observe.FakeKubernetes.Workloads;

/// <summary>
/// A label selector in its query-string form: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a</c> (exists),
/// <c>!a</c> (absent), joined by commas; all must hold.
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<Func<JsonObject?, bool>> _requirements = [];

    public static LabelSelector Everything { get; } = new();

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return selector;
        }
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            if (part.Contains(" in ", StringComparison.Ordinal) || part.Contains(" notin ", StringComparison.Ordinal))
            {
                throw ApiError.BadRequest($"unable to parse requirement: set-based requirement \"{part}\" is not supported by this fake");
            }
            if (Equality(part) is { } equality)
            {
                var k = Key(equality.Key, text);
                selector._requirements.Add(labels => ((string?)labels?[k] == equality.Value) == equality.Equal);
            }
            else if (part.StartsWith('!'))
            {
                var key = Key(part[1..], text);
                selector._requirements.Add(labels => labels?.ContainsKey(key) != true);
            }
            else
            {
                var key = Key(part, text);
                selector._requirements.Add(labels => labels?.ContainsKey(key) == true);
            }
        }
        return selector;
    }

    public bool Matches(JsonObject obj) => _requirements.All(r => r(obj["metadata"]?["labels"] as JsonObject));

    private static (string Key, string Value, bool Equal)? Equality(string part)
    {
        foreach (var (op, equal) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            var at = part.IndexOf(op, StringComparison.Ordinal);
            if (at >= 0)
            {
                return (part[..at], part[(at + op.Length)..].Trim(), equal);
            }
        }
        return null;
    }

    private static string Key(string key, string whole)
    {
        var trimmed = key.Trim();
        if (trimmed.Length == 0 || trimmed.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw ApiError.BadRequest($"unable to parse requirement: invalid label key \"{trimmed}\" in selector \"{whole}\"");
        }
        return trimmed;
    }
}
