using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Observe.FakeKubernetes.Http;

/// <summary>Reading request bodies as the server decodes them, and writing JSON answers.</summary>
internal static class JsonBodies
{
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";

    public static string MediaType(HttpRequest request) =>
        (request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>A POST or PUT body: JSON only (the fake does not speak YAML or protobuf).</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (MediaType(request) is not ("application/json" or ""))
        {
            throw UnsupportedMediaType("application/json, application/yaml, application/vnd.kubernetes.protobuf");
        }
        return await ReadAsync(request, cancellationToken) as JsonObject
            ?? throw ApiError.BadRequest("Object 'Kind' is missing in the request body");
    }

    public static async Task<JsonNode?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"error decoding request body: {e.Message}");
        }
    }

    public static ApiError UnsupportedMediaType(string accepted) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {accepted}");

    public static async Task WriteAsync(HttpResponse response, int statusCode, JsonNode body, CancellationToken cancellationToken)
    {
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString(), cancellationToken);
    }
}
