using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Slo.Reading;

/// <summary>Findings of one read, and how many of them are errors (callers compare counts to learn whether a part failed).</summary>
internal sealed class FindingList
{
    private readonly List<Finding> _items = [];

    public int Errors { get; private set; }

    public IReadOnlyList<Finding> Items => _items;

    public void Add(Finding finding)
    {
        _items.Add(finding);
        if (finding.Severity == FindingSeverity.Error)
        {
            Errors++;
        }
    }
}

/// <summary>
/// Reads values out of one file's YAML nodes. Every problem becomes a finding at the node it is
/// about, so a value's error points at the value and a key's error at the key.
/// </summary>
internal sealed class YamlContext(string file, FindingList findings)
{
    public string File => file;

    public FindingList Findings => findings;

    public SourceLocation At(YamlNode node) => At(node.Start);

    // YamlDotNet's marks count lines and columns from 1, as SourceLocation does.
    public SourceLocation At(Mark mark) => new(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    public void Error(YamlNode node, string message) => findings.Add(new Finding(FindingSeverity.Error, At(node), message));

    public void Warning(YamlNode node, string message) => findings.Add(new Finding(FindingSeverity.Warning, At(node), message));

    public MappingFields? Fields(YamlNode node, string where, IReadOnlyList<string> allowed)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, $"{where} must be a mapping of `key: value` lines; allowed keys: {string.Join(", ", allowed)}");
            return null;
        }
        return new MappingFields(this, map, where, allowed);
    }

    public YamlSequenceNode? Sequence(YamlNode node, string where)
    {
        if (node is YamlSequenceNode seq)
        {
            return seq;
        }
        Error(node, $"{where} must be a list: write each item on its own line starting with `- `");
        return null;
    }

    /// <summary>A non-empty scalar's text, or null after an error.</summary>
    public string? Text(YamlNode node, string where)
    {
        if (node is YamlScalarNode scalar && !IsNull(scalar))
        {
            return scalar.Value!;
        }
        Error(node, node is YamlScalarNode
            ? $"{where} is empty: write a value"
            : $"{where} must be a single value, not a {(node is YamlMappingNode ? "mapping" : "list")}");
        return null;
    }

    public double? Number(YamlNode node, string where, string example)
    {
        if (node is YamlScalarNode scalar && !IsNull(scalar)
            && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }
        Error(node, $"{where} must be a number, e.g. `{example}`");
        return null;
    }

    public bool? Boolean(YamlNode node, string where)
    {
        if (node is YamlScalarNode scalar && bool.TryParse(scalar.Value, out var value))
        {
            return value;
        }
        Error(node, $"{where} must be `true` or `false`");
        return null;
    }

    public static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && (string.IsNullOrEmpty(scalar.Value) || scalar.Value is "~" or "null" or "Null" or "NULL");
}

/// <summary>
/// The keys of one mapping, checked against the keys allowed there when opened: an unknown key is
/// an error at the key, with the allowed key it most likely meant.
/// </summary>
internal sealed class MappingFields
{
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _fields = new(StringComparer.Ordinal);
    private readonly YamlContext _context;
    private readonly string _where;

    public MappingFields(YamlContext context, YamlMappingNode node, string where, IReadOnlyList<string> allowed)
    {
        _context = context;
        _where = where;
        Node = node;
        foreach (var (key, value) in node.Children)
        {
            if (key is not YamlScalarNode scalar || scalar.Value is null)
            {
                context.Error(key, $"a key in {where} must be a plain name; allowed keys: {string.Join(", ", allowed)}");
                continue;
            }
            if (!allowed.Contains(scalar.Value, StringComparer.Ordinal))
            {
                var suggestion = KeySuggestion.Closest(scalar.Value, allowed);
                context.Error(key, suggestion is null
                    ? $"unknown key `{scalar.Value}` in {where}: allowed keys are {string.Join(", ", allowed)}"
                    : $"unknown key `{scalar.Value}` in {where}: did you mean `{suggestion}`?");
                continue;
            }
            _fields[scalar.Value] = (scalar, value);
        }
    }

    public YamlMappingNode Node { get; }

    public bool Has(string key) => _fields.ContainsKey(key);

    public YamlNode? this[string key] => _fields.TryGetValue(key, out var field) ? field.Value : null;

    public YamlScalarNode? KeyNode(string key) => _fields.TryGetValue(key, out var field) ? field.Key : null;

    /// <summary>The value of a required key; when it is missing, an error at the start of this mapping.</summary>
    public YamlNode? Require(string key, string example)
    {
        if (_fields.TryGetValue(key, out var field))
        {
            return field.Value;
        }
        _context.Error(Node, $"{_where} has no `{key}`: write e.g. `{example}`");
        return null;
    }

    public string? Text(string key) => this[key] is { } node ? _context.Text(node, $"`{key}` in {_where}") : null;

    public string? RequireText(string key, string example) =>
        Require(key, example) is { } node ? _context.Text(node, $"`{key}` in {_where}") : null;
}
