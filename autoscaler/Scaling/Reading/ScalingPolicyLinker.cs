using Observe.Autoscaler.Slo;
using Observe.Autoscaler.Slo.Reading;

namespace Observe.Autoscaler.Scaling.Reading;

/// <summary>
/// The checks on scaling policies that need the whole set of documents: unique names, one policy
/// per workload, and SLO names that the set's SLOs answer. Gives the policies that have no error.
/// </summary>
internal static class ScalingPolicyLinker
{
    public static List<ScalingPolicy> Link(DraftSet drafts, FindingList findings)
    {
        var sloNames = drafts.Slos.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var byName = new Dictionary<string, ScalingPolicyDraft>(StringComparer.Ordinal);
        var byTarget = new Dictionary<(string Kind, string? Namespace, string Name), ScalingPolicyDraft>();
        var result = new List<ScalingPolicy>();
        foreach (var draft in drafts.ScalingPolicies)
        {
            var errorsBefore = findings.Errors;
            if (!byName.TryAdd(draft.Name, draft))
            {
                findings.Add(new Finding(FindingSeverity.Error, draft.NameLocation,
                    $"a second ScalingPolicy named `{draft.Name}` (the first is at {byName[draft.Name].NameLocation}): give this one another name"));
            }
            if (draft.Target is { } target && draft.TargetKey is { } targetKey && !byTarget.TryAdd((target.Kind, target.Namespace, target.Name), draft))
            {
                var first = byTarget[(target.Kind, target.Namespace, target.Name)];
                draft.Context.Warning(targetKey, $"{target.Kind} `{Workload(target)}` is also the target of ScalingPolicy `{first.Name}` (at {first.NameLocation}): "
                    + "two policies would undo each other's decisions; keep one, or point this one at another workload");
            }
            // SLOs may be read from files other than these; only a set that holds SLOs can tell a misspelt name.
            if (sloNames.Count > 0)
            {
                foreach (var slo in draft.Slos.Where(s => !sloNames.Contains(s.Name)))
                {
                    var suggestion = KeySuggestion.Closest(slo.Name, sloNames.Order(StringComparer.Ordinal));
                    draft.Context.Warning(slo.Node, $"SLO `{slo.Name}` is not in these files (it may be in others): "
                        + (suggestion is null ? "check it against the SLOs' metadata.name" : $"did you mean `{suggestion}`?"));
                }
            }
            if (draft.Policy is { } policy && findings.Errors == errorsBefore)
            {
                result.Add(policy);
            }
        }
        return result;
    }

    private static string Workload(ScaleTarget target) => target.Namespace is null ? target.Name : $"{target.Namespace}/{target.Name}";
}
