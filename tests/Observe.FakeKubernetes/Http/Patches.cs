using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Observe.FakeKubernetes.Patching;

namespace Observe.FakeKubernetes.Http;

/// <summary>A PATCH body with its media type, applied to an object as the server applies that kind of patch.</summary>
internal sealed record Patch(string MediaType, JsonNode? Body)
{
    public static async Task<Patch> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var mediaType = JsonBodies.MediaType(request);
        if (mediaType is not (JsonBodies.MergePatch or JsonBodies.StrategicMergePatch or JsonBodies.JsonPatch))
        {
            throw JsonBodies.UnsupportedMediaType("application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }
        return new Patch(mediaType, await JsonBodies.ReadAsync(request, cancellationToken));
    }

    public JsonObject ApplyTo(JsonObject target)
    {
        var patched = MediaType == JsonBodies.JsonPatch
            ? JsonPatch.Apply(target, Body)
            : MergePatch.Apply(target, Body ?? throw ApiError.BadRequest("the patch body is empty"));
        return patched as JsonObject ?? throw ApiError.BadRequest("the patch does not leave an object");
    }
}
