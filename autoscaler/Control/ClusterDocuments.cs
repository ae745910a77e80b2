using System.Text.Json;
using System.Text.Json.Nodes;
using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Slo;

namespace Observe.Autoscaler.Control;

/// <summary>A ScalingPolicy resource as the controller runs it, or why it cannot.</summary>
/// <param name="Policy">Null when the resource does not read cleanly; <see cref="Problem"/> says why.</param>
/// <param name="Fingerprint">Changes when the policy's spec or one of its SLOs changes: its loop restarts then.</param>
internal sealed record ClusterPolicy(
    string Namespace,
    string Name,
    ResourceObject Resource,
    ScalingPolicy? Policy,
    IReadOnlyList<SloDefinition> Slos,
    LatencyObjective? Objective,
    string? Problem,
    string Fingerprint)
{
    public string Key => $"{Namespace}/{Name}";

    public ObjectReference Reference => new(ResourceKind.ScalingPolicies.ApiVersion, ResourceKind.ScalingPolicies.Kind, Name, Namespace, Resource.Metadata.Uid);
}

/// <summary>
/// Reads the cluster's ScalingPolicy and ServiceLevelObjective resources with the same readers
/// as the YAML files: each resource's spec is wrapped back into the document it mirrors
/// (<c>observe.dev/v1alpha1 ScalingPolicy</c>, OpenSLO <c>SLO</c>), one namespace at a time, as a
/// policy names SLOs of its own namespace. A finding names the resource, so a user can find it.
/// </summary>
internal static class ClusterDocuments
{
    public static IReadOnlyList<ClusterPolicy> Read(IEnumerable<ResourceObject> policies, IEnumerable<ResourceObject> slos)
    {
        var slosByNamespace = slos.ToLookup(s => s.Metadata.Namespace ?? "");
        var result = new List<ClusterPolicy>();
        foreach (var group in policies.GroupBy(p => p.Metadata.Namespace ?? ""))
        {
            var namespaceSlos = slosByNamespace[group.Key].ToList();
            foreach (var resource in group)
            {
                result.Add(ReadOne(group.Key, resource, namespaceSlos));
            }
        }
        return [.. result.OrderBy(p => p.Key, StringComparer.Ordinal)];
    }

    private static ClusterPolicy ReadOne(string @namespace, ResourceObject resource, IReadOnlyList<ResourceObject> slos)
    {
        var name = resource.Metadata.Name;
        var sources = new List<SloSource> { Source("scalingpolicies", @namespace, resource, "observe.dev/v1alpha1", "ScalingPolicy") };
        sources.AddRange(slos.Select(s => Source("servicelevelobjectives", @namespace, s, "openslo/v1", "SLO")));
        var set = SloDocuments.Read(sources);
        var own = sources[0].File;
        var policy = set.Policies.SingleOrDefault(p => p.Location.File == own);
        // Findings in other policies' SLOs are theirs; a policy is held back only by its own
        // document and the SLOs it names.
        var problems = set.Findings
            .Where(f => f.Severity == FindingSeverity.Error && (f.Location.File == own || policy?.Slos.Any(s => f.Location.File.EndsWith($"/{s}", StringComparison.Ordinal)) == true))
            .Select(f => f.ToString())
            .ToList();
        var protectedSlos = policy is null ? [] : set.Slos.Where(s => policy.Slos.Contains(s.Name)).ToList();
        var objective = policy is null ? null : LatencyObjectives.Of(protectedSlos);
        if (policy is not null && problems.Count == 0 && objective is null)
        {
            problems.Add($"{own}: ScalingPolicy `{name}` protects no latency SLO ({string.Join(", ", policy.Slos)}); " +
                "the scaler sizes the workload for a latency objective, so name at least one SLO whose good requests have a latency bound");
        }
        var fingerprint = string.Join(';', new[] { $"{resource.Metadata.Uid}@{resource.Metadata.Generation}" }
            .Concat(slos.Where(s => policy?.Slos.Contains(s.Metadata.Name) == true).Select(s => $"{s.Metadata.Name}@{s.Metadata.ResourceVersion}")));
        return problems.Count == 0 && policy is not null
            ? new ClusterPolicy(@namespace, name, resource, policy with { Namespace = @namespace }, protectedSlos, objective, null, fingerprint)
            : new ClusterPolicy(@namespace, name, resource, null, [], null, string.Join("\n", problems.DefaultIfEmpty($"{own}: not a readable ScalingPolicy")), fingerprint);
    }

    /// <summary>The document a resource mirrors, as indented JSON (which is YAML), so findings point at a line of it.</summary>
    private static SloSource Source(string plural, string @namespace, ResourceObject resource, string apiVersion, string kind)
    {
        var document = new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = resource.Metadata.Name, ["namespace"] = @namespace },
            ["spec"] = resource.Json.TryGetProperty("spec", out var spec) ? JsonNode.Parse(spec.GetRawText()) : null,
        };
        return new SloSource($"{plural}/{@namespace}/{resource.Metadata.Name}", document.ToJsonString(Indented));
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
