using System.Globalization;
using System.Text.Json.Nodes;
using Observe.Autoscaler.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace Observe.Collector.Demo;

/// <summary>
/// The demo's SLOs and ScalingPolicies: one shipped YAML directory, loaded by the SLO view as
/// <c>Slo:Directory</c> and applied to the simulated cluster as resources, so both see the same
/// objectives. The policies' tick, start-up delay and capacity per replica follow the demo's options.
/// </summary>
internal static class DemoResources
{
    /// <summary>The shipped directory beside the binary.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Demo", "slos");

    public static void ApplyTo(DemoCluster cluster, DemoOptions options, string directory)
    {
        var files = System.IO.Directory.Exists(directory)
            ? System.IO.Directory.GetFiles(directory, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : throw new DirectoryNotFoundException($"the demo's SLO directory {directory} is missing from the build output");
        foreach (var file in files)
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }
            foreach (var document in stream.Documents)
            {
                if (Json(document.RootNode) is not JsonObject root)
                {
                    continue;
                }
                var kind = root["kind"]?.GetValue<string>() switch
                {
                    "SLO" => ResourceKind.ServiceLevelObjectives,
                    "ScalingPolicy" => ResourceKind.ScalingPolicies,
                    var other => throw new InvalidDataException($"{file}: the demo applies SLO and ScalingPolicy documents, not '{other}'"),
                };
                var name = root["metadata"]?["name"]?.GetValue<string>() ?? throw new InvalidDataException($"{file}: a document without metadata.name");
                var spec = root["spec"]?.AsObject() ?? throw new InvalidDataException($"{file}: {name} has no spec");
                if (kind == ResourceKind.ScalingPolicies)
                {
                    spec["tick"] = Seconds(options.Tick);
                    var startup = spec["startup"] as JsonObject ?? [];
                    startup["delay"] = Seconds(options.PodStartup);
                    spec["startup"] = startup.DeepClone();
                    // The shipped figures are for the default pod capacity; they follow a changed one,
                    // or the scaler would size the fleet for pods that do not exist.
                    if (spec["capacity"]?["requestsPerReplica"] is JsonValue perReplica && perReplica.TryGetValue<double>(out var shipped))
                    {
                        spec["capacity"]!["requestsPerReplica"] = Math.Round(shipped * options.PodCapacity / DemoOptions.ShippedPodCapacity, 3);
                    }
                }
                cluster.Apply(kind, BookinfoMesh.Namespace, name, spec);
            }
        }
    }

    private static string Seconds(TimeSpan span) => $"{(long)span.TotalMilliseconds}ms";

    /// <summary>YAML to JSON with YAML's plain scalars typed (numbers, booleans, null) as JSON has them.</summary>
    private static JsonNode? Json(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Json(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Json)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: var text } => text switch
        {
            null or "null" or "~" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        },
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => null,
    };
}
