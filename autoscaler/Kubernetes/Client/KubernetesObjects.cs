using System.Text.Json;
using System.Text.Json.Nodes;

namespace Observe.Autoscaler.Kubernetes;

/// <summary>The API's JSON objects read into the contract's records, and the records written back as JSON.</summary>
internal static class KubernetesObjects
{
    public static ObjectMeta Meta(JsonElement obj)
    {
        if (!obj.TryGetProperty("metadata", out var m) || m.ValueKind != JsonValueKind.Object)
        {
            return new ObjectMeta("");
        }
        return new ObjectMeta(
            String(m, "name") ?? "",
            String(m, "namespace"),
            String(m, "uid"),
            String(m, "resourceVersion"),
            m.TryGetProperty("generation", out var g) && g.ValueKind == JsonValueKind.Number ? g.GetInt64() : null,
            Time(m, "creationTimestamp"),
            Time(m, "deletionTimestamp"));
    }

    public static ResourceObject Resource(JsonElement obj) => new(Meta(obj), obj.Clone());

    public static Scale Scale(JsonElement obj) => new(
        Meta(obj),
        Int(Child(obj, "spec"), "replicas") ?? 0,
        Int(Child(obj, "status"), "replicas") ?? 0,
        String(Child(obj, "status"), "selector"));

    public static PodState Pod(JsonElement obj)
    {
        var meta = Meta(obj);
        var ready = false;
        if (Child(obj, "status").TryGetProperty("conditions", out var conditions) && conditions.ValueKind == JsonValueKind.Array)
        {
            ready = conditions.EnumerateArray().Any(c => String(c, "type") == "Ready" && String(c, "status") == "True");
        }
        return new PodState(meta.Name, meta.CreationTimestamp ?? DateTimeOffset.MinValue, ready, meta.DeletionTimestamp is not null);
    }

    public static HorizontalPodAutoscaler Hpa(JsonElement obj)
    {
        var target = Child(Child(obj, "spec"), "scaleTargetRef");
        return new HorizontalPodAutoscaler(Meta(obj), String(target, "apiVersion") ?? "", String(target, "kind") ?? "", String(target, "name") ?? "");
    }

    public static Lease Lease(JsonElement obj)
    {
        var spec = Child(obj, "spec");
        return new Lease(
            Meta(obj),
            String(spec, "holderIdentity") is { Length: > 0 } holder ? holder : null,
            Int(spec, "leaseDurationSeconds") ?? 0,
            Time(spec, "acquireTime"),
            Time(spec, "renewTime"),
            Int(spec, "leaseTransitions") ?? 0);
    }

    public static JsonObject Write(Lease lease)
    {
        var metadata = new JsonObject { ["name"] = lease.Metadata.Name };
        if (lease.Metadata.Namespace is { } ns) metadata["namespace"] = ns;
        if (lease.Metadata.ResourceVersion is { } rv) metadata["resourceVersion"] = rv;
        var spec = new JsonObject
        {
            ["leaseDurationSeconds"] = lease.LeaseDurationSeconds,
            ["leaseTransitions"] = lease.LeaseTransitions,
        };
        // An empty holder is how a leader releases the lease; the API stores it as absent.
        if (lease.HolderIdentity is { Length: > 0 } holder) spec["holderIdentity"] = holder;
        if (lease.AcquireTime is { } acquired) spec["acquireTime"] = MicroTime.Format(acquired);
        if (lease.RenewTime is { } renewed) spec["renewTime"] = MicroTime.Format(renewed);
        return new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = metadata,
            ["spec"] = spec,
        };
    }

    /// <summary>The most bytes of <c>note</c> the API accepts (events.k8s.io/v1 validation).</summary>
    public const int MaxNoteBytes = 1024;

    public static JsonObject Write(ClusterEvent e, string name)
    {
        var regarding = new JsonObject
        {
            ["apiVersion"] = e.Regarding.ApiVersion,
            ["kind"] = e.Regarding.Kind,
            ["name"] = e.Regarding.Name,
            ["namespace"] = e.Regarding.Namespace,
        };
        if (e.Regarding.Uid is { } uid) regarding["uid"] = uid;
        return new JsonObject
        {
            ["apiVersion"] = "events.k8s.io/v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = e.Regarding.Namespace },
            ["eventTime"] = MicroTime.Format(e.Time),
            ["regarding"] = regarding,
            ["reason"] = e.Reason,
            ["action"] = e.Action,
            ["note"] = Truncate(e.Note, MaxNoteBytes),
            ["type"] = e.Type,
            ["reportingController"] = e.ReportingController,
            ["reportingInstance"] = e.ReportingInstance,
        };
    }

    /// <summary>At most <paramref name="maxBytes"/> of UTF-8, cut at a character boundary, ending in an ellipsis when cut.</summary>
    public static string Truncate(string text, int maxBytes)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }
        const string ellipsis = "…";
        var budget = maxBytes - System.Text.Encoding.UTF8.GetByteCount(ellipsis);
        var length = 0;
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > budget) break;
            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }
        return text[..length] + ellipsis;
    }

    private static JsonElement Child(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var child) ? child : default;

    private static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static DateTimeOffset? Time(JsonElement obj, string name) =>
        String(obj, name) is { } text ? MicroTime.Parse(text) : null;
}
