using System.Text.Json.Nodes;
using Observe.FakeKubernetes.Store;

namespace Observe.FakeKubernetes.Workloads;

/// <summary>The <c>autoscaling/v1</c> Scale a workload's <c>/scale</c> subresource shows: its metadata, spec and status replicas.</summary>
internal static class ScaleView
{
    public static JsonObject From(JsonObject workload)
    {
        var metadata = workload["metadata"]!;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = metadata["name"]?.DeepClone(),
                ["namespace"] = metadata["namespace"]?.DeepClone(),
                ["uid"] = metadata["uid"]?.DeepClone(),
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = metadata["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = (int)workload["spec"]!["replicas"]! },
            ["status"] = new JsonObject
            {
                ["replicas"] = (int?)workload["status"]?["replicas"] ?? 0,
                ["selector"] = PodFleet.Selector(workload),
            },
        };
    }

    /// <summary>A workload's new state after a Scale write: spec.replicas set, generation bumped when it changed.</summary>
    public static JsonObject Apply(JsonObject workload, int replicas)
    {
        if ((int)workload["spec"]!["replicas"]! == replicas)
        {
            return workload;
        }
        workload["spec"]!["replicas"] = replicas;
        var generation = ObjectStore.Generation(workload);
        workload["metadata"]!["generation"] = generation + 1;
        workload["status"] = new JsonObject { ["observedGeneration"] = generation + 1, ["replicas"] = replicas };
        return workload;
    }
}
