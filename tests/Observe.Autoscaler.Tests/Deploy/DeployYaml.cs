using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Tests.Deploy;

/// <summary>The manifests under <c>deploy/</c> as YAML nodes, and the few edits the tests make to them.</summary>
internal static class DeployYaml
{
    public static string PathOf(params string[] parts) => System.IO.Path.Combine([RepositoryFiles.Root, "deploy", .. parts]);

    /// <summary>Every non-empty document of a file under <c>deploy/</c>, freshly read (so a test may edit it).</summary>
    public static List<YamlMappingNode> Documents(params string[] parts)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(PathOf(parts))));
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    public static YamlMappingNode Document(string kind, params string[] parts) =>
        Documents(parts).Single(d => d.Text("kind") == kind);

    /// <summary>The <c>openAPIV3Schema</c> of a CRD file's one version.</summary>
    public static YamlMappingNode Schema(string crdFile) =>
        Document("CustomResourceDefinition", "crds", crdFile).Path("spec", "versions").Sequence().Single().Map().Path("schema", "openAPIV3Schema").Map();

    /// <summary>One YAML value written as text, e.g. <c>{a: 1}</c> or <c>1.5</c>.</summary>
    public static YamlNode Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents[0].RootNode;
    }

    public static string Write(params YamlNode[] documents)
    {
        var stream = new YamlStream(documents.Select(d => new YamlDocument(d)));
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    public static YamlNode? Get(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlNode Path(this YamlNode node, params string[] keys) =>
        keys.Aggregate(node, (current, key) => current.Get(key) ?? throw new KeyNotFoundException($"no `{key}` on the way to {string.Join('.', keys)}"));

    public static string? Text(this YamlNode node, string key) => (node.Get(key) as YamlScalarNode)?.Value;

    public static YamlMappingNode Map(this YamlNode node) => (YamlMappingNode)node;

    public static IList<YamlNode> Sequence(this YamlNode node) => ((YamlSequenceNode)node).Children;

    public static List<string> Texts(this YamlNode? node) =>
        node is YamlSequenceNode list ? [.. list.Children.Select(c => ((YamlScalarNode)c).Value!)] : [];

    /// <summary>A mapping's entries by key text; none when <paramref name="node"/> is not a mapping.</summary>
    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlNode? node) =>
        node is YamlMappingNode map ? map.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value)) : [];

    public static IEnumerable<string> Keys(this YamlNode? node) =>
        node is YamlMappingNode map ? map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!) : [];

    /// <summary>Sets <paramref name="value"/> at a dotted path, making the mappings on the way when they are missing.</summary>
    public static void Set(this YamlMappingNode root, string dottedPath, YamlNode value)
    {
        var keys = dottedPath.Split('.');
        var map = root;
        foreach (var key in keys[..^1])
        {
            if (map.Get(key) is not YamlMappingNode next)
            {
                next = new YamlMappingNode();
                map.Children[new YamlScalarNode(key)] = next;
            }
            map = next;
        }
        map.Children[new YamlScalarNode(keys[^1])] = value;
    }

    public static void Remove(this YamlMappingNode root, string dottedPath)
    {
        var keys = dottedPath.Split('.');
        var map = keys[..^1].Aggregate(root, (current, key) => current.Path(key).Map());
        Assert.True(map.Children.Remove(new YamlScalarNode(keys[^1])), $"`{dottedPath}` is not there to remove");
    }
}
