using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Observe.FakeKubernetes.Store;
using Observe.FakeKubernetes.Workloads;

namespace Observe.FakeKubernetes.Http;

/// <summary>The verbs on a resource path: GET, LIST (and WATCH), POST, PUT, PATCH, DELETE, on the object or a subresource.</summary>
internal sealed class ResourceHandlers(ObjectStore store, FakeApiOptions options, Action<ResourceType, string, string> scaleWritten)
{
    private readonly ObjectWrites _writes = new(store);

    public async Task HandleAsync(HttpContext context, ApiPath path, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var response = context.Response;
        var method = request.Method;
        if (path.Name is null)
        {
            if (HttpMethods.IsGet(method))
            {
                if (request.Query["watch"] is var watch && (watch == "1" || watch == "true"))
                {
                    await new WatchStream(store, options).RunAsync(context, path, cancellationToken);
                    return;
                }
                await JsonBodies.WriteAsync(response, 200, List(path, request), cancellationToken);
                return;
            }
            if (HttpMethods.IsPost(method) && path.Namespace is { } ns && path.Type.ClientWritable)
            {
                var created = _writes.Create(path.Type, ns, await JsonBodies.ReadObjectAsync(request, cancellationToken));
                await JsonBodies.WriteAsync(response, 201, created, cancellationToken);
                return;
            }
            throw MethodNotAllowed();
        }
        var @namespace = path.Namespace!;
        var name = path.Name;
        var answer = path.Subresource switch
        {
            null => await MainAsync(path.Type, @namespace, name, request, cancellationToken),
            "status" when path.Type.HasStatus => await StatusAsync(path.Type, @namespace, name, request, cancellationToken),
            "scale" when path.Type.HasScale => await ScaleAsync(path.Type, @namespace, name, request, cancellationToken),
            _ => throw ApiPath.NotServed(),
        };
        await JsonBodies.WriteAsync(response, 200, answer, cancellationToken);
    }

    private JsonObject List(ApiPath path, HttpRequest request)
    {
        var selector = LabelSelector.Parse(request.Query["labelSelector"]);
        var (revision, items) = store.List(path.Type, path.Namespace);
        var listed = new JsonArray();
        foreach (var item in items.Where(selector.Matches))
        {
            var shown = Shown(path.Type, item);
            if (path.Type.BuiltIn)
            {
                // Items of built-in lists carry no kind or apiVersion in JSON; custom resources' do.
                shown.Remove("kind");
                shown.Remove("apiVersion");
            }
            listed.Add(shown);
        }
        return new JsonObject
        {
            ["kind"] = path.Type.Kind + "List",
            ["apiVersion"] = path.Type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) },
            ["items"] = listed,
        };
    }

    /// <summary>An object as GET shows it: pods get the status their kubelet would report now.</summary>
    public JsonObject Shown(ResourceType type, JsonObject obj) =>
        type == ResourceTypes.Pods ? PodFleet.WithStatus(obj, store.Time.GetUtcNow(), options.PodReadyAfter) : obj;

    private async Task<JsonObject> MainAsync(ResourceType type, string @namespace, string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var method = request.Method;
        if (HttpMethods.IsGet(method))
        {
            return Shown(type, store.Require(type, @namespace, name));
        }
        if (!type.ClientWritable)
        {
            throw MethodNotAllowed();
        }
        if (HttpMethods.IsPut(method))
        {
            var body = await JsonBodies.ReadObjectAsync(request, cancellationToken);
            return _writes.Replace(type, @namespace, name, _ => (JsonObject)body.DeepClone());
        }
        if (HttpMethods.IsPatch(method))
        {
            var patch = await Patch.ReadAsync(request, cancellationToken);
            return _writes.Replace(type, @namespace, name, patch.ApplyTo);
        }
        if (HttpMethods.IsDelete(method))
        {
            return await DeleteAsync(type, @namespace, name, request, cancellationToken);
        }
        throw MethodNotAllowed();
    }

    private async Task<JsonObject> StatusAsync(ResourceType type, string @namespace, string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var method = request.Method;
        if (HttpMethods.IsGet(method))
        {
            return store.Require(type, @namespace, name);
        }
        if (!type.ClientWritable)
        {
            throw MethodNotAllowed();
        }
        if (HttpMethods.IsPut(method))
        {
            var body = await JsonBodies.ReadObjectAsync(request, cancellationToken);
            return _writes.ReplaceStatus(type, @namespace, name, _ => (JsonObject)body.DeepClone());
        }
        if (HttpMethods.IsPatch(method))
        {
            var patch = await Patch.ReadAsync(request, cancellationToken);
            return _writes.ReplaceStatus(type, @namespace, name, patch.ApplyTo);
        }
        throw MethodNotAllowed();
    }

    private async Task<JsonObject> ScaleAsync(ResourceType type, string @namespace, string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var method = request.Method;
        if (HttpMethods.IsGet(method))
        {
            return ScaleView.From(store.Require(type, @namespace, name));
        }
        Func<JsonObject, JsonObject> proposed;
        if (HttpMethods.IsPut(method))
        {
            var body = await JsonBodies.ReadObjectAsync(request, cancellationToken);
            if ((string?)body["kind"] is { Length: > 0 } kind && kind != "Scale")
            {
                throw ApiError.BadRequest($"the kind in the data ({kind}) does not match the expected kind (Scale)");
            }
            proposed = _ => body;
        }
        else if (HttpMethods.IsPatch(method))
        {
            var patch = await Patch.ReadAsync(request, cancellationToken);
            proposed = patch.ApplyTo;
        }
        else
        {
            throw MethodNotAllowed();
        }
        lock (store.Sync)
        {
            var updated = store.Update(type, @namespace, name, workload =>
            {
                var scale = proposed(ScaleView.From(workload));
                if ((string?)scale["metadata"]?["name"] is { Length: > 0 } bodyName && bodyName != name)
                {
                    throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
                }
                ObjectWrites.CheckPrecondition(type, name, workload, scale);
                return ScaleView.Apply(workload, Replicas(scale, name));
            });
            PodFleet.Reconcile(store, type, @namespace, updated);
            scaleWritten(type, @namespace, name);
            return ScaleView.From(updated);
        }
    }

    private static int Replicas(JsonObject scale, string name)
    {
        var node = scale["spec"]?["replicas"];
        var scaleType = new ResourceTypeRef("autoscaling", "scales");
        if (node is null || node.GetValueKind() != System.Text.Json.JsonValueKind.Number || !node.AsValue().TryGetValue<int>(out var replicas))
        {
            // An absent or non-integer count decodes to 0 or fails to decode; both are client bugs worth a loud answer.
            throw ApiError.BadRequest($"Scale in version \"v1\" cannot be handled as a Scale: spec.replicas must be an integer, got {node?.ToJsonString() ?? "nothing"}");
        }
        if (replicas < 0)
        {
            throw ApiError.Invalid("Scale.autoscaling", scaleType, name,
                [Validation.FieldErrorFor.Negative("spec.replicas", replicas)]);
        }
        return replicas;
    }

    private async Task<JsonObject> DeleteAsync(ResourceType type, string @namespace, string name, HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > 0 && await JsonBodies.ReadAsync(request, cancellationToken) is JsonObject options
            && (string?)options["preconditions"]?["resourceVersion"] is { Length: > 0 } wanted)
        {
            lock (store.Sync)
            {
                var current = store.Require(type, @namespace, name);
                if ((string?)current["metadata"]!["resourceVersion"] != wanted)
                {
                    throw ApiError.Conflict(type.Ref, name);
                }
                return Deleted(type, store.Delete(type, @namespace, name));
            }
        }
        return Deleted(type, store.Delete(type, @namespace, name));
    }

    /// <summary>Custom resources answer a DELETE with the object; built-in kinds like Lease with a Success Status.</summary>
    private static JsonObject Deleted(ResourceType type, JsonObject removed)
    {
        if (!type.BuiltIn)
        {
            return removed;
        }
        var details = type.Ref.Details((string)removed["metadata"]!["name"]!);
        details["uid"] = removed["metadata"]!["uid"]?.DeepClone();
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    private static ApiError MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}
