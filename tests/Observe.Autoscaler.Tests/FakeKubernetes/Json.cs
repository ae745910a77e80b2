using System.Text.Json.Nodes;

namespace Observe.Autoscaler.Tests.FakeKubernetes;

internal static class Json
{
    public static JsonObject Parse(string text) => (JsonObject)JsonNode.Parse(text)!;

    public static string Rv(JsonNode obj) => (string)obj["metadata"]!["resourceVersion"]!;

    public static long RvNumber(JsonNode obj) => long.Parse(Rv(obj), System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject Policy(string @namespace, string name, int maxReplicas) => new()
    {
        ["apiVersion"] = "observe.dev/v1alpha1",
        ["kind"] = "ScalingPolicy",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace },
        ["spec"] = new JsonObject
        {
            ["target"] = new JsonObject { ["kind"] = "Deployment", ["name"] = "checkout" },
            ["maxReplicas"] = maxReplicas,
        },
    };
}
