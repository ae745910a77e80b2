using System.Globalization;
using System.Text.Json.Nodes;
using Observe.FakeKubernetes.Store;

namespace Observe.FakeKubernetes.Workloads;

/// <summary>
/// Plays the Deployment and StatefulSet controllers at once: the pods of a workload follow its
/// <c>spec.replicas</c> in the same step as the write, new pods created now, the newest removed first.
/// </summary>
internal static class PodFleet
{
    public static JsonObject NewWorkload(ResourceType type, string @namespace, string name, int replicas, IReadOnlyDictionary<string, string> labels)
    {
        var matchLabels = new JsonObject();
        foreach (var (key, value) in labels)
        {
            matchLabels[key] = value;
        }
        return new JsonObject
        {
            ["kind"] = type.Kind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace, ["generation"] = 1, ["labels"] = matchLabels.DeepClone() },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = matchLabels.DeepClone() },
                ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = matchLabels.DeepClone() } },
            },
            ["status"] = new JsonObject { ["observedGeneration"] = 1, ["replicas"] = replicas },
        };
    }

    /// <summary>The string form of the workload's selector, as <c>status.selector</c> of its Scale.</summary>
    public static string Selector(JsonObject workload) =>
        workload["spec"]?["selector"]?["matchLabels"] is JsonObject labels
            ? string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={(string?)l.Value}"))
            : "";

    /// <summary>Creates or removes pods until the workload owns <c>spec.replicas</c> of them; the caller holds the store's lock.</summary>
    public static void Reconcile(ObjectStore store, ResourceType type, string @namespace, JsonObject workload)
    {
        var name = (string)workload["metadata"]!["name"]!;
        var wanted = (int)workload["spec"]!["replicas"]!;
        var owned = Owned(store, type, @namespace, name);
        var ordinal = owned.Count;
        while (owned.Count < wanted)
        {
            var podName = type == ResourceTypes.StatefulSets
                ? $"{name}-{ordinal++}"
                : $"{name}-{Suffix(10)}-{Suffix(5)}";
            owned.Add(store.Create(ResourceTypes.Pods, @namespace, NewPod(type, podName, workload)));
        }
        foreach (var pod in owned.OrderByDescending(Age).Take(owned.Count - wanted).ToList())
        {
            store.Delete(ResourceTypes.Pods, @namespace, (string)pod["metadata"]!["name"]!);
        }
    }

    /// <summary>A pod as a kubelet would report it: Running, and Ready once <paramref name="readyAfter"/> has passed since its creation.</summary>
    public static JsonObject WithStatus(JsonObject pod, DateTimeOffset now, TimeSpan readyAfter)
    {
        var created = DateTimeOffset.Parse((string)pod["metadata"]!["creationTimestamp"]!, CultureInfo.InvariantCulture);
        var readySince = created + readyAfter;
        var ready = now >= readySince;
        pod["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "Ready",
                    ["status"] = ready ? "True" : "False",
                    ["lastProbeTime"] = null,
                    ["lastTransitionTime"] = ObjectStore.Timestamp(ready ? readySince : created),
                }),
            ["startTime"] = ObjectStore.Timestamp(created),
        };
        return pod;
    }

    private static List<JsonObject> Owned(ObjectStore store, ResourceType type, string @namespace, string name) =>
        store.List(ResourceTypes.Pods, @namespace).Items
            .Where(p => p["metadata"]?["ownerReferences"] is JsonArray owners
                && owners.Any(o => (string?)o?["kind"] == type.Kind && (string?)o?["name"] == name))
            .ToList();

    /// <summary>Newest first means latest creation, then the latest write among pods created in the same second.</summary>
    private static (string, long) Age(JsonObject pod) =>
        ((string)pod["metadata"]!["creationTimestamp"]!, long.Parse((string)pod["metadata"]!["resourceVersion"]!, CultureInfo.InvariantCulture));

    private static JsonObject NewPod(ResourceType type, string podName, JsonObject workload) => new()
    {
        ["kind"] = "Pod",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = podName,
            ["labels"] = workload["spec"]?["template"]?["metadata"]?["labels"]?.DeepClone() ?? new JsonObject(),
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = type.ApiVersion,
                ["kind"] = type.Kind,
                ["name"] = (string)workload["metadata"]!["name"]!,
                ["uid"] = (string?)workload["metadata"]!["uid"],
                ["controller"] = true,
            }),
        },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "app:latest" }) },
    };

    private static string Suffix(int length)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(length, 0, (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
    }
}
