using System.Text.Json.Nodes;
using Observe.FakeKubernetes.Store;
using Observe.FakeKubernetes.Validation;

namespace Observe.FakeKubernetes.Http;

/// <summary>
/// The server's rules for creating and updating an object: server-owned metadata, the
/// resourceVersion precondition, status subresource separation and <c>metadata.generation</c>.
/// </summary>
internal sealed class ObjectWrites(ObjectStore store)
{
    public JsonObject Create(ResourceType type, string @namespace, JsonObject obj)
    {
        CheckKind(type, obj);
        var metadata = ObjectStore.Metadata(obj);
        if ((string?)metadata["namespace"] is { Length: > 0 } given && given != @namespace)
        {
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        if ((string?)metadata["resourceVersion"] is { Length: > 0 })
        {
            throw ApiError.BadRequest("resourceVersion should not be set on objects to be created");
        }
        if ((string?)metadata["name"] is not { Length: > 0 })
        {
            if ((string?)metadata["generateName"] is { Length: > 0 } prefix)
            {
                metadata["name"] = prefix + Guid.NewGuid().ToString("N")[..5];
            }
            else
            {
                throw ApiError.Invalid(type.KindQualified, type.Ref, "", [new FieldError("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")]);
            }
        }
        var name = (string)metadata["name"]!;
        Validate(type, @namespace, name, obj);
        if (type.HasStatus)
        {
            // With the status subresource enabled, a create ignores .status; only /status sets it.
            obj.Remove("status");
            metadata["generation"] = 1;
        }
        else
        {
            metadata.Remove("generation");
        }
        return store.Create(type, @namespace, obj);
    }

    /// <summary>PUT (or the result of a PATCH) on the main resource: status kept, generation bumped on spec changes.</summary>
    public JsonObject Replace(ResourceType type, string @namespace, string name, Func<JsonObject, JsonObject> proposed) =>
        store.Update(type, @namespace, name, current =>
        {
            var updated = proposed((JsonObject)current.DeepClone());
            CheckKind(type, updated);
            CheckIdentity(type, @namespace, name, current, updated);
            Validate(type, @namespace, name, updated);
            if (type.HasStatus)
            {
                if (current["status"] is { } status)
                {
                    updated["status"] = status.DeepClone();
                }
                else
                {
                    updated.Remove("status");
                }
            }
            KeepServerMetadata(current, updated);
            if (type.HasStatus && !JsonNode.DeepEquals(WithoutMetadataAndStatus(current), WithoutMetadataAndStatus(updated)))
            {
                ObjectStore.Metadata(updated)["generation"] = ObjectStore.Generation(current) + 1;
            }
            return updated;
        });

    /// <summary>PUT (or the result of a PATCH) on <c>/status</c>: only <c>.status</c> changes.</summary>
    public JsonObject ReplaceStatus(ResourceType type, string @namespace, string name, Func<JsonObject, JsonObject> proposed) =>
        store.Update(type, @namespace, name, current =>
        {
            var updated = proposed((JsonObject)current.DeepClone());
            CheckIdentity(type, @namespace, name, current, updated);
            var result = (JsonObject)current.DeepClone();
            if (updated["status"] is { } status)
            {
                result["status"] = status.DeepClone();
            }
            else
            {
                result.Remove("status");
            }
            return result;
        });

    /// <summary>A stale <c>metadata.resourceVersion</c> in the written object fails the write with 409; an empty one writes unconditionally.</summary>
    public static void CheckPrecondition(ResourceType type, string name, JsonObject current, JsonObject written)
    {
        var wanted = (string?)written["metadata"]?["resourceVersion"];
        if (!string.IsNullOrEmpty(wanted) && wanted != (string?)current["metadata"]!["resourceVersion"])
        {
            throw ApiError.Conflict(type.Ref, name);
        }
    }

    private static void CheckIdentity(ResourceType type, string @namespace, string name, JsonObject current, JsonObject updated)
    {
        var metadata = ObjectStore.Metadata(updated);
        var bodyName = (string?)metadata["name"];
        if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
        {
            throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
        if ((string?)metadata["namespace"] is { Length: > 0 } given && given != @namespace)
        {
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        CheckPrecondition(type, name, current, updated);
    }

    private static void KeepServerMetadata(JsonObject current, JsonObject updated)
    {
        var from = (JsonObject)current["metadata"]!;
        var to = ObjectStore.Metadata(updated);
        foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "resourceVersion", "generation" })
        {
            if (from[field] is { } value)
            {
                to[field] = value.DeepClone();
            }
            else
            {
                to.Remove(field);
            }
        }
    }

    private static JsonObject WithoutMetadataAndStatus(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    private static void CheckKind(ResourceType type, JsonObject obj)
    {
        if ((string?)obj["apiVersion"] is { Length: > 0 } apiVersion && apiVersion != type.ApiVersion)
        {
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }
        if ((string?)obj["kind"] is { Length: > 0 } kind && kind != type.Kind)
        {
            throw ApiError.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }
        obj["kind"] = type.Kind;
        obj["apiVersion"] = type.ApiVersion;
    }

    private static void Validate(ResourceType type, string @namespace, string name, JsonObject obj)
    {
        if (type == ResourceTypes.Events)
        {
            EventValidation.CheckEventsV1(type, @namespace, name, obj);
        }
        else if (type == ResourceTypes.CoreEvents)
        {
            EventValidation.CheckCoreV1(type, @namespace, name, obj);
        }
        else if (type == ResourceTypes.Leases)
        {
            LeaseValidation.Check(type, name, obj);
        }
    }
}
