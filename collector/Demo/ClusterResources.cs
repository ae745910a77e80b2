using System.Text.Json;
using System.Text.Json.Nodes;
using Observe.Autoscaler.Kubernetes;

namespace Observe.Collector.Demo;

/// <summary>
/// The custom resources of the simulated cluster (ScalingPolicy, ServiceLevelObjective) with the
/// API's rules the controller relies on: one resourceVersion counter shared with the rest of the
/// cluster, <c>metadata.generation</c> moving only when the spec changes, the status written
/// only through its own call, and a bounded history of changes that watches replay from; a
/// watch from a version older than the history is 410 Expired.
/// </summary>
internal sealed class ClusterResources(Func<long> nextVersion, int historyLimit)
{
    private sealed class Stored(ResourceKind kind, string @namespace, string name, string uid, DateTimeOffset created)
    {
        public ResourceKind Kind { get; } = kind;
        public string Namespace { get; } = @namespace;
        public string Name { get; } = name;
        public string Uid { get; } = uid;
        public DateTimeOffset Created { get; } = created;
        public long Generation { get; set; }
        public long Version { get; set; }
        public JsonNode? Spec { get; set; }
        public JsonObject Status { get; set; } = [];
    }

    private readonly Dictionary<(string Plural, string Namespace, string Name), Stored> _items = [];
    private readonly LinkedList<(long Version, string Plural, string Namespace, WatchEvent Event)> _history = new();
    private long _expiredThrough;

    /// <summary>Creates the resource or replaces its spec (a new generation only when the spec differs).</summary>
    public void Apply(ResourceKind kind, string @namespace, string name, JsonNode spec, DateTimeOffset now)
    {
        var key = (kind.Plural, @namespace, name);
        var type = WatchEventType.Modified;
        if (!_items.TryGetValue(key, out var stored))
        {
            stored = new Stored(kind, @namespace, name, Guid.NewGuid().ToString(), now);
            _items[key] = stored;
            type = WatchEventType.Added;
        }
        else if (JsonNode.DeepEquals(stored.Spec, spec))
        {
            return;
        }
        stored.Spec = spec.DeepClone();
        stored.Generation++;
        Changed(stored, type);
    }

    public ResourceList List(ResourceKind kind, string? @namespace, long version) => new(
        version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [.. _items.Values.Where(s => s.Kind.Plural == kind.Plural && (@namespace is null || s.Namespace == @namespace))
            .OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).Select(Render)]);

    /// <summary>A JSON merge patch of <c>.status</c>; the spec and generation stay.</summary>
    public ResourceObject PatchStatus(ResourceKind kind, string @namespace, string name, JsonElement status)
    {
        if (!_items.TryGetValue((kind.Plural, @namespace, name), out var stored))
        {
            throw new KubernetesApiException(404, "NotFound", $"{kind.Plural}.{kind.Group} \"{name}\" not found in namespace {@namespace}");
        }
        if (status.ValueKind != JsonValueKind.Object)
        {
            throw new KubernetesApiException(422, "Invalid", $"status of {kind.Plural}/{@namespace}/{name} must be an object, got {status.ValueKind}");
        }
        Merge(stored.Status, JsonNode.Parse(status.GetRawText())!.AsObject());
        Changed(stored, WatchEventType.Modified);
        return Render(stored);
    }

    public ResourceObject? Find(ResourceKind kind, string @namespace, string name) =>
        _items.TryGetValue((kind.Plural, @namespace, name), out var stored) ? Render(stored) : null;

    /// <summary>Changes after <paramref name="from"/> of one kind; 410 when the history no longer reaches back that far.</summary>
    public IReadOnlyList<WatchEvent> Since(ResourceKind kind, string? @namespace, long from)
    {
        if (from < _expiredThrough)
        {
            throw new ResourceExpiredException($"too old resource version: {from} ({_expiredThrough})");
        }
        return [.. _history.Where(h => h.Version > from && h.Plural == kind.Plural && (@namespace is null || h.Namespace == @namespace)).Select(h => h.Event)];
    }

    public static WatchEvent Bookmark(ResourceKind kind, long version)
    {
        var text = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var json = JsonSerializer.SerializeToElement(new { apiVersion = kind.ApiVersion, kind = kind.Kind, metadata = new { resourceVersion = text } });
        return new WatchEvent(WatchEventType.Bookmark, new ResourceObject(new ObjectMeta("", ResourceVersion: text), json));
    }

    private void Changed(Stored stored, WatchEventType type)
    {
        stored.Version = nextVersion();
        _history.AddLast((stored.Version, stored.Kind.Plural, stored.Namespace, new WatchEvent(type, Render(stored))));
        while (_history.Count > historyLimit)
        {
            _expiredThrough = _history.First!.Value.Version;
            _history.RemoveFirst();
        }
    }

    private static ResourceObject Render(Stored s)
    {
        var version = s.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var metadata = new ObjectMeta(s.Name, s.Namespace, s.Uid, version, s.Generation, s.Created);
        var json = new JsonObject
        {
            ["apiVersion"] = s.Kind.ApiVersion,
            ["kind"] = s.Kind.Kind,
            ["metadata"] = new JsonObject
            {
                ["name"] = s.Name,
                ["namespace"] = s.Namespace,
                ["uid"] = s.Uid,
                ["resourceVersion"] = version,
                ["generation"] = s.Generation,
                ["creationTimestamp"] = s.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            },
            ["spec"] = s.Spec?.DeepClone(),
            ["status"] = s.Status.DeepClone(),
        };
        return new ResourceObject(metadata, JsonSerializer.SerializeToElement(json));
    }

    /// <summary>RFC 7386: objects merge key by key, null removes, anything else replaces.</summary>
    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject inner && target[key] is JsonObject existing)
            {
                Merge(existing, inner);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
