using System.Text.Json;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>One line of a watch stream (<c>{"type": ..., "object": ...}</c>) as an event, or the error it reports.</summary>
internal static class WatchEvents
{
    public static WatchEvent Parse(string line, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new KubernetesApiException(500, "BadWatchEvent", $"GET {path}: a watch line is not JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (!root.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object)
            {
                throw new KubernetesApiException(500, "BadWatchEvent", $"GET {path}: a watch event of type {type} has no object.");
            }
            return type switch
            {
                "ADDED" => new WatchEvent(WatchEventType.Added, KubernetesObjects.Resource(obj)),
                "MODIFIED" => new WatchEvent(WatchEventType.Modified, KubernetesObjects.Resource(obj)),
                "DELETED" => new WatchEvent(WatchEventType.Deleted, KubernetesObjects.Resource(obj)),
                "BOOKMARK" => new WatchEvent(WatchEventType.Bookmark, KubernetesObjects.Resource(obj)),
                // An ERROR carries a Status; code 410 is the expired resourceVersion.
                "ERROR" => throw KubernetesStatus.FromStatusObject("GET", path, obj),
                _ => throw new KubernetesApiException(500, "BadWatchEvent", $"GET {path}: unknown watch event type '{type}'."),
            };
        }
    }
}
