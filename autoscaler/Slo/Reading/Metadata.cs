using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Slo.Reading;

internal sealed record Metadata(string Name, YamlNode NameNode, string? DisplayName, string? Namespace);

/// <summary>Reads <c>metadata</c>, the same in every kind of both formats.</summary>
internal static partial class MetadataReader
{
    private static readonly string[] Keys = ["name", "displayName", "namespace", "labels", "annotations"];

    // DNS-1123 names (as Kubernetes and OpenSLO use), with dots allowed as in subdomains.
    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex NamePattern();

    /// <summary>Reads <paramref name="node"/>; when it is missing, the error is at <paramref name="owner"/>'s start.</summary>
    public static Metadata? Read(YamlContext context, YamlNode? node, YamlNode owner, string where)
    {
        if (node is null)
        {
            context.Error(owner, $"{where} has no `metadata`: write e.g. `metadata: {{name: checkout-availability}}`");
            return null;
        }
        var fields = context.Fields(node, $"{where}.metadata", Keys);
        if (fields is null)
        {
            return null;
        }
        var name = fields.RequireText("name", "name: checkout-availability");
        var nameNode = fields["name"];
        if (name is null || nameNode is null || !CheckName(context, nameNode, name))
        {
            return null;
        }
        return new Metadata(name, nameNode, fields.Text("displayName"), fields.Text("namespace"));
    }

    public static bool CheckName(YamlContext context, YamlNode node, string name)
    {
        if (name.Length <= 253 && NamePattern().IsMatch(name))
        {
            return true;
        }
        context.Error(node, $"`{name}` is not a valid name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, e.g. `{Suggest(name)}`");
        return false;
    }

    private static string Suggest(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' ? c : '-');
        }
        var suggestion = builder.ToString().Trim('-', '.');
        return suggestion.Length == 0 ? "my-slo" : suggestion[..Math.Min(suggestion.Length, 253)];
    }
}
