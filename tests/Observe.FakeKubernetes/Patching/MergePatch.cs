using System.Text.Json.Nodes;

namespace Observe.FakeKubernetes.Patching;

/// <summary>
/// RFC 7386 JSON merge patch. Also serves strategic merge patches: the objects this fake holds have
/// no lists with merge keys that a controller patches, where the two would differ.
/// </summary>
internal static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target as JsonObject is { } targetObject ? (JsonObject)targetObject.DeepClone() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                var merged = Apply(result[name], value);
                result[name] = merged;
            }
        }
        return result;
    }
}
