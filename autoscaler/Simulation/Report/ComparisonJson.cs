using System.Text.Json;
using System.Text.Json.Serialization;

namespace Observe.Autoscaler.Simulation.Report;

/// <summary>The comparison as one JSON document, camelCase, for scripts and for <c>comparison.json</c>.</summary>
internal static class ComparisonJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A run without requests has no good share; say so rather than fail to write the report.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(Comparison comparison) => JsonSerializer.Serialize(comparison, Options);

    public static string Serialize(ComparisonSet set) => JsonSerializer.Serialize(set, Options);

    public static Comparison Deserialize(string json) =>
        JsonSerializer.Deserialize<Comparison>(json, Options) ?? throw new JsonException("the document is null, not a comparison");

    public static ComparisonSet DeserializeSet(string json) =>
        JsonSerializer.Deserialize<ComparisonSet>(json, Options) ?? throw new JsonException("the document is null, not a set of comparisons");
}
