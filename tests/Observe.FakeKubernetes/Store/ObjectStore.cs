using System.Globalization;
using System.Text.Json.Nodes;
using Observe.FakeKubernetes.Http;

namespace Observe.FakeKubernetes.Store;

/// <summary>
/// Every object the fake holds, with etcd's versioning: one revision counter for the whole store,
/// bumped by each write and stamped as the written object's resourceVersion; a bounded history of
/// changes for watches; compaction that makes older versions unreachable.
/// </summary>
internal sealed class ObjectStore(TimeProvider time, int historySize)
{
    private readonly Dictionary<(string Type, string Namespace, string Name), JsonObject> _objects = [];
    private readonly LinkedList<Change> _history = new();
    private readonly List<Watcher> _watchers = [];
    private long _revision = 1;
    private long _compacted;

    /// <summary>Held by callers that need several writes to be one step (a scale and its pods); reentrant.</summary>
    public Lock Sync { get; } = new();

    public TimeProvider Time { get; } = time;

    public long Revision
    {
        get
        {
            lock (Sync)
            {
                return _revision;
            }
        }
    }

    public int WatchCount
    {
        get
        {
            lock (Sync)
            {
                return _watchers.Count;
            }
        }
    }

    public event Action? WatchersChanged;

    public JsonObject? Get(ResourceType type, string @namespace, string name)
    {
        lock (Sync)
        {
            return _objects.TryGetValue((type.Key, @namespace, name), out var found) ? (JsonObject)found.DeepClone() : null;
        }
    }

    public JsonObject Require(ResourceType type, string @namespace, string name) =>
        Get(type, @namespace, name) ?? throw ApiError.NotFound(type.Ref, name);

    /// <summary>The objects of a type (in one namespace, or all), sorted as the server sorts them, and the revision they were read at.</summary>
    public (long Revision, List<JsonObject> Items) List(ResourceType type, string? @namespace)
    {
        lock (Sync)
        {
            var items = _objects
                .Where(o => o.Key.Type == type.Key && (@namespace is null || o.Key.Namespace == @namespace))
                .OrderBy(o => o.Key.Namespace, StringComparer.Ordinal)
                .ThenBy(o => o.Key.Name, StringComparer.Ordinal)
                .Select(o => (JsonObject)o.Value.DeepClone())
                .ToList();
            return (_revision, items);
        }
    }

    /// <summary>Stores a new object, filling the metadata the server owns (uid, creationTimestamp, resourceVersion).</summary>
    public JsonObject Create(ResourceType type, string @namespace, JsonObject obj)
    {
        lock (Sync)
        {
            var metadata = Metadata(obj);
            var name = (string?)metadata["name"] ?? throw ApiError.BadRequest("metadata.name is required");
            if (_objects.ContainsKey((type.Key, @namespace, name)))
            {
                throw ApiError.AlreadyExists(type.Ref, name);
            }
            metadata["namespace"] = @namespace;
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = Timestamp(Time.GetUtcNow());
            return Commit(type, @namespace, name, obj, "ADDED");
        }
    }

    /// <summary>
    /// Read-modify-write in one step: <paramref name="update"/> gets a copy of the current object and
    /// returns the new one, or null when nothing changes (the server then writes nothing and the
    /// resourceVersion stays).
    /// </summary>
    public JsonObject Update(ResourceType type, string @namespace, string name, Func<JsonObject, JsonObject?> update)
    {
        lock (Sync)
        {
            if (!_objects.TryGetValue((type.Key, @namespace, name), out var current))
            {
                throw ApiError.NotFound(type.Ref, name);
            }
            var updated = update((JsonObject)current.DeepClone());
            if (updated is null || JsonNode.DeepEquals(updated, current))
            {
                return (JsonObject)current.DeepClone();
            }
            return Commit(type, @namespace, name, updated, "MODIFIED");
        }
    }

    public JsonObject Delete(ResourceType type, string @namespace, string name)
    {
        lock (Sync)
        {
            if (!_objects.Remove((type.Key, @namespace, name), out var removed))
            {
                throw ApiError.NotFound(type.Ref, name);
            }
            // The deleted object carries the revision of its deletion, as watches report it.
            _revision++;
            Metadata(removed)["resourceVersion"] = _revision.ToString(CultureInfo.InvariantCulture);
            Record(new Change(type, @namespace, "DELETED", (JsonObject)removed.DeepClone(), _revision));
            return removed;
        }
    }

    /// <summary>
    /// Opens a watch from <paramref name="fromRevision"/> (null: from now, after synthetic ADDED
    /// events for what exists). Throws 410 Expired when that revision is no longer in the history.
    /// </summary>
    public (Watcher Watcher, List<Change> Backlog) Watch(ResourceType type, string? @namespace, long? fromRevision, int capacity)
    {
        lock (Sync)
        {
            var watcher = new Watcher(type, @namespace, capacity);
            List<Change> backlog;
            if (fromRevision is { } from)
            {
                if (from < _compacted)
                {
                    throw new ApiError(410, "Expired", $"too old resource version: {from} ({_compacted})");
                }
                backlog = _history.Where(c => c.Revision > from && watcher.Selects(c)).ToList();
            }
            else
            {
                backlog = List(type, @namespace).Items
                    .Select(o => new Change(type, (string)Metadata(o)["namespace"]!, "ADDED", o, long.Parse((string)Metadata(o)["resourceVersion"]!, CultureInfo.InvariantCulture)))
                    .ToList();
            }
            _watchers.Add(watcher);
            WatchersChanged?.Invoke();
            return (watcher, backlog);
        }
    }

    public void Unwatch(Watcher watcher)
    {
        lock (Sync)
        {
            _watchers.Remove(watcher);
        }
        WatchersChanged?.Invoke();
    }

    public void DropWatches()
    {
        List<Watcher> open;
        lock (Sync)
        {
            open = [.. _watchers];
        }
        // Outside the lock and over a copy: cancelling runs the watch's ending (Unwatch) inline.
        foreach (var watcher in open)
        {
            watcher.Dropped.Cancel();
        }
    }

    /// <summary>Forgets the history, as etcd compaction does: only the current revision remains watchable.</summary>
    public void Compact()
    {
        lock (Sync)
        {
            _history.Clear();
            _compacted = _revision;
        }
    }

    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }
        return metadata;
    }

    /// <summary><c>metadata.generation</c>, 1 when unset; read through its text since seeded and parsed numbers differ in CLR type.</summary>
    public static long Generation(JsonObject obj) =>
        obj["metadata"]?["generation"] is { } generation ? long.Parse(generation.ToJsonString(), CultureInfo.InvariantCulture) : 1;

    /// <summary>RFC 3339 with seconds, the format of <c>metav1.Time</c>.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private JsonObject Commit(ResourceType type, string @namespace, string name, JsonObject obj, string eventType)
    {
        _revision++;
        Metadata(obj)["resourceVersion"] = _revision.ToString(CultureInfo.InvariantCulture);
        _objects[(type.Key, @namespace, name)] = obj;
        Record(new Change(type, @namespace, eventType, (JsonObject)obj.DeepClone(), _revision));
        return (JsonObject)obj.DeepClone();
    }

    private void Record(Change change)
    {
        _history.AddLast(change);
        while (_history.Count > historySize)
        {
            _compacted = _history.First!.Value.Revision;
            _history.RemoveFirst();
        }
        foreach (var watcher in _watchers.Where(w => w.Selects(change)))
        {
            watcher.Offer(change);
        }
    }
}
