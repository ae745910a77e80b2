using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Tests.Deploy;

/// <summary>
/// Validates a YAML value against a CRD's OpenAPI v3 schema the way the API server does for the
/// parts Observe's CRDs use: type (with YAML's plain scalars typed as kubectl's YAML-to-JSON does),
/// required, enum, minimum/maximum (exclusive too), pattern, lengths, item counts, nullable,
/// int-or-string and preserve-unknown-fields. An unknown field is an error, as with kubectl's
/// strict field validation. CEL rules are not evaluated: the reader holds the same rules.
/// </summary>
internal static partial class StructuralSchema
{
    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Number();

    /// <summary>The schema keywords this validator acts on, and those that only describe; any other keyword in a CRD is a test failure.</summary>
    public static readonly string[] Keywords =
    [
        "type", "properties", "additionalProperties", "required", "items", "enum", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "pattern", "minLength", "maxLength", "minItems", "maxItems", "nullable",
        "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields",
        "description", "format", "x-kubernetes-validations", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
    ];

    public static List<string> Validate(YamlNode schema, YamlNode value) => Validate(schema, value, "");

    /// <summary>The JSON type a YAML value becomes: a plain scalar may be a null, boolean, integer or number.</summary>
    public static string JsonType(YamlNode node) => node switch
    {
        YamlMappingNode => "object",
        YamlSequenceNode => "array",
        YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded } => "string",
        YamlScalarNode s when s.Value is null or "" or "~" or "null" or "Null" or "NULL" => "null",
        YamlScalarNode s when s.Value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => "boolean",
        YamlScalarNode s when Integer().IsMatch(s.Value!) => "integer",
        YamlScalarNode s when Number().IsMatch(s.Value!) => "number",
        _ => "string",
    };

    private static List<string> Validate(YamlNode schema, YamlNode value, string path)
    {
        var errors = new List<string>();
        var where = path.Length == 0 ? "the object" : path;
        var type = JsonType(value);
        if (type == "null")
        {
            if (schema.Text("nullable") != "true")
            {
                errors.Add($"{where}: null is not allowed");
            }
            return errors;
        }
        if (schema.Text("x-kubernetes-int-or-string") == "true")
        {
            if (type is not ("integer" or "string"))
            {
                errors.Add($"{where}: must be an integer or a string, not {type}");
                return errors;
            }
        }
        else if (schema.Text("type") is { } expected)
        {
            if (!(expected == type || (expected == "number" && type == "integer")))
            {
                errors.Add($"{where}: must be {expected}, not {type}");
                return errors;
            }
        }
        else if (schema.Text("x-kubernetes-preserve-unknown-fields") == "true")
        {
            return errors;
        }
        if (schema.Get("enum") is YamlSequenceNode allowed && !allowed.Children.Any(a => ((YamlScalarNode)a).Value == ((YamlScalarNode)value).Value))
        {
            errors.Add($"{where}: `{((YamlScalarNode)value).Value}` is not one of {string.Join(", ", allowed.Texts())}");
        }
        switch (type)
        {
            case "integer" or "number":
                CheckRange(schema, double.Parse(((YamlScalarNode)value).Value!, CultureInfo.InvariantCulture), where, errors);
                break;
            case "string":
                CheckString(schema, ((YamlScalarNode)value).Value!, where, errors);
                break;
            case "array":
                var items = value.Sequence();
                CheckCount(schema, items.Count, "minItems", "maxItems", "items", where, errors);
                if (schema.Get("items") is { } itemSchema)
                {
                    for (var i = 0; i < items.Count; i++)
                    {
                        errors.AddRange(Validate(itemSchema, items[i], $"{path}[{i}]"));
                    }
                }
                break;
            case "object":
                CheckObject(schema, (YamlMappingNode)value, path, errors);
                break;
        }
        return errors;
    }

    private static void CheckRange(YamlNode schema, double number, string where, List<string> errors)
    {
        if (schema.Text("minimum") is { } minText)
        {
            var minimum = double.Parse(minText, CultureInfo.InvariantCulture);
            var exclusive = schema.Text("exclusiveMinimum") == "true";
            if (exclusive ? number <= minimum : number < minimum)
            {
                errors.Add($"{where}: {number} must be {(exclusive ? "above" : "at least")} {minText}");
            }
        }
        if (schema.Text("maximum") is { } maxText)
        {
            var maximum = double.Parse(maxText, CultureInfo.InvariantCulture);
            var exclusive = schema.Text("exclusiveMaximum") == "true";
            if (exclusive ? number >= maximum : number > maximum)
            {
                errors.Add($"{where}: {number} must be {(exclusive ? "below" : "at most")} {maxText}");
            }
        }
    }

    private static void CheckString(YamlNode schema, string text, string where, List<string> errors)
    {
        CheckCount(schema, text.Length, "minLength", "maxLength", "characters", where, errors);
        if (schema.Text("pattern") is { } pattern && !Regex.IsMatch(text, pattern))
        {
            errors.Add($"{where}: `{text}` does not match {pattern}");
        }
    }

    private static void CheckCount(YamlNode schema, int count, string minKey, string maxKey, string what, string where, List<string> errors)
    {
        if (schema.Text(minKey) is { } min && count < int.Parse(min, CultureInfo.InvariantCulture))
        {
            errors.Add($"{where}: {count} {what}, fewer than {min}");
        }
        if (schema.Text(maxKey) is { } max && count > int.Parse(max, CultureInfo.InvariantCulture))
        {
            errors.Add($"{where}: {count} {what}, more than {max}");
        }
    }

    private static void CheckObject(YamlNode schema, YamlMappingNode value, string path, List<string> errors)
    {
        var prefix = path.Length == 0 ? "" : path + ".";
        foreach (var required in schema.Get("required").Texts().Where(r => value.Get(r) is null))
        {
            errors.Add($"{(path.Length == 0 ? "the object" : path)}: `{required}` is required");
        }
        // metadata is ObjectMeta, validated by the API server itself and not by the CRD's schema.
        if (path == "metadata")
        {
            return;
        }
        var properties = schema.Get("properties");
        var additional = schema.Get("additionalProperties");
        var preserve = schema.Text("x-kubernetes-preserve-unknown-fields") == "true";
        foreach (var (key, child) in value.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (properties?.Get(name) is { } propertySchema)
            {
                errors.AddRange(Validate(propertySchema, child, prefix + name));
            }
            else if (additional is YamlMappingNode additionalSchema)
            {
                errors.AddRange(Validate(additionalSchema, child, prefix + name));
            }
            else if (!preserve)
            {
                errors.Add($"{prefix}{name}: unknown field");
            }
        }
    }
}
