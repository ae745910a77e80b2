using System.Globalization;
using Observe.Autoscaler.Slo.Reading;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Scaling.Reading;

/// <summary>
/// One mapping of a <c>ScalingPolicy</c> (e.g. <c>spec.startup</c>), read as typed values with a
/// default and a range. Each read gives the default when the key is absent, the value when it is
/// valid, and null after an error at the value, so a rule that relates two values is checked only
/// when both are sound.
/// </summary>
internal sealed class PolicyFields
{
    private readonly YamlContext _context;

    private PolicyFields(YamlContext context, MappingFields fields, string path)
    {
        _context = context;
        Fields = fields;
        Path = path;
    }

    public YamlContext Context => _context;

    public MappingFields Fields { get; }

    /// <summary>Where the mapping sits, e.g. <c>spec.startup</c>.</summary>
    public string Path { get; }

    public YamlMappingNode Node => Fields.Node;

    public static PolicyFields? Open(YamlContext context, YamlNode node, string path, IReadOnlyList<string> allowed) =>
        context.Fields(node, $"`{path}`", allowed) is { } fields ? new PolicyFields(context, fields, path) : null;

    /// <summary>
    /// The mapping under <paramref name="key"/> read by <paramref name="read"/>; <paramref name="fallback"/>
    /// when the key is absent, null after an error.
    /// </summary>
    public T? Section<T>(string key, IReadOnlyList<string> allowed, T fallback, Func<PolicyFields, T?> read) where T : class
    {
        if (Fields[key] is not { } node)
        {
            return fallback;
        }
        return Open(_context, node, $"{Path}.{key}", allowed) is { } section ? read(section) : null;
    }

    public YamlNode? this[string key] => Fields[key];

    public void Error(string key, string message) => _context.Error(Fields[key] ?? Node, message);

    public int? Whole(string key, int fallback, Bounds<int> bounds)
    {
        if (Fields[key] is not { } node)
        {
            return fallback;
        }
        var number = _context.Number(node, $"`{key}` in `{Path}`", fallback.ToString(CultureInfo.InvariantCulture));
        if (number is null)
        {
            return null;
        }
        if (number != Math.Floor(number.Value) || number is < int.MinValue or > int.MaxValue)
        {
            _context.Error(node, $"`{key}` in `{Path}` must be a whole number, e.g. `{fallback}`");
            return null;
        }
        return InRange(key, (int)number.Value, bounds, v => v.ToString(CultureInfo.InvariantCulture), fallback.ToString(CultureInfo.InvariantCulture));
    }

    public double? Real(string key, double fallback, Bounds<double> bounds) =>
        Fields[key] is null ? fallback : OptionalReal(key, bounds, fallback);

    /// <summary>A number with no default; <paramref name="example"/> is what a finding suggests.</summary>
    public double? OptionalReal(string key, Bounds<double> bounds, double example)
    {
        if (Fields[key] is not { } node)
        {
            return null;
        }
        var written = Write(example);
        return _context.Number(node, $"`{key}` in `{Path}`", written) is { } number ? InRange(key, number, bounds, Write, written) : null;
    }

    public TimeSpan? Span(string key, TimeSpan fallback, Bounds<TimeSpan> bounds) =>
        Fields[key] is null ? fallback : OptionalSpan(key, bounds, fallback);

    /// <summary>A duration with no default; <paramref name="example"/> is what a finding suggests.</summary>
    public TimeSpan? OptionalSpan(string key, Bounds<TimeSpan> bounds, TimeSpan example)
    {
        if (Fields[key] is not { } node || _context.Text(node, $"`{key}` in `{Path}`") is not { } text)
        {
            return null;
        }
        var written = PolicyDurations.Format(example);
        if (PolicyDurations.Parse(text) is not { } span)
        {
            _context.Error(node, double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? $"`{key}: {text}` in `{Path}` has no unit: write e.g. `{text}s` for seconds; {PolicyDurations.Help}"
                : $"`{key}: {text}` in `{Path}` is not a duration: write {PolicyDurations.Help}; the default is `{written}`");
            return null;
        }
        return InRange(key, span, bounds, PolicyDurations.Format, written);
    }

    public bool? Boolean(string key, bool fallback) =>
        Fields[key] is { } node ? _context.Boolean(node, $"`{key}` in `{Path}`") : fallback;

    /// <summary>A value one of <paramref name="allowed"/>; a near miss is named in the finding.</summary>
    public string? Choice(YamlNode node, string where, IReadOnlyList<string> allowed)
    {
        if (_context.Text(node, where) is not { } text)
        {
            return null;
        }
        if (allowed.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }
        var suggestion = KeySuggestion.Closest(text, allowed);
        _context.Error(node, $"`{text}` is not a value of {where}: "
            + (suggestion is null ? "write" : $"did you mean `{suggestion}`? Write")
            + $" one of {string.Join(", ", allowed.Select(a => $"`{a}`"))}");
        return null;
    }

    private T? InRange<T>(string key, T value, Bounds<T> bounds, Func<T, string> write, string example) where T : struct, IComparable<T>
    {
        if (bounds.Contains(value))
        {
            return value;
        }
        _context.Error(Fields[key]!, $"`{key}` in `{Path}` is {write(value)}, and must be {bounds.Describe(write)}: write e.g. `{example}`");
        return null;
    }

    private static string Write(double value) => value.ToString(CultureInfo.InvariantCulture);
}
