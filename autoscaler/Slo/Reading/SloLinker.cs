namespace Observe.Autoscaler.Slo.Reading;

/// <summary>
/// Resolves names across all documents of a set (SLIs, alert policies and conditions may sit in
/// other files), checks the rules that need both an SLO and what it refers to, and builds the
/// definitions of the SLOs that have no error.
/// </summary>
internal static class SloLinker
{
    public static List<SloDefinition> Link(DraftSet drafts, FindingList findings)
    {
        var slis = Unique(drafts.Slis, s => s.Name, s => s.NameLocation, "SLI", findings);
        var policies = Unique(drafts.Policies, p => p.Name, p => p.NameLocation, "AlertPolicy", findings);
        var conditions = Unique(drafts.Conditions, c => c.Name, c => c.NameLocation, "AlertCondition", findings);
        var seen = new Dictionary<string, SloDraft>(StringComparer.Ordinal);
        var result = new List<SloDefinition>();
        foreach (var slo in drafts.Slos)
        {
            var errorsBefore = findings.Errors;
            if (seen.TryGetValue(slo.Name, out var first))
            {
                slo.Context.Error(slo.NameNode, $"a second SLO named `{slo.Name}` (the first is at {first.Location}): give this one another name");
            }
            else
            {
                seen[slo.Name] = slo;
            }
            var indicator = ResolveIndicator(slo, slis, out var indicatorBroken);
            var alerts = ResolveAlerts(slo, policies, conditions, out var alertsBroken);
            if (indicator is not null)
            {
                CheckObjectives(slo, indicator);
            }
            if (slo.Broken || indicatorBroken || alertsBroken || findings.Errors > errorsBefore
                || indicator is null || slo.Service is null || slo.Window is null || slo.Objectives.Count == 0)
            {
                continue;
            }
            result.Add(new SloDefinition(
                slo.Name, slo.DisplayName, slo.Description, slo.Service, indicator,
                [.. slo.Objectives.Select(o => o.Objective)], slo.Window, slo.Budgeting,
                alerts.Count > 0 ? alerts : BurnRateDefaults.For(slo.Window), slo.Format, slo.Location));
        }
        return result;
    }

    private static Dictionary<string, T> Unique<T>(List<T> items, Func<T, string> name, Func<T, SourceLocation> location, string kind, FindingList findings)
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!map.TryAdd(name(item), item))
            {
                findings.Add(new Finding(FindingSeverity.Error, location(item),
                    $"a second {kind} named `{name(item)}` (the first is at {location(map[name(item)])}): give this one another name"));
            }
        }
        return map;
    }

    private static Indicator? ResolveIndicator(SloDraft slo, Dictionary<string, SliDraft> slis, out bool broken)
    {
        broken = false;
        if (slo.Indicator is not { } use)
        {
            return null;
        }
        var draft = use.Inline;
        if (use.Name is { } name && !slis.TryGetValue(name, out draft))
        {
            slo.Context.Error(use.Node, $"no SLI named `{name}` in these files: {NameHint(name, slis.Keys, "SLI")}");
            return null;
        }
        broken = draft!.Broken;
        return draft.Indicator;
    }

    private static List<BurnRateCondition> ResolveAlerts(
        SloDraft slo, Dictionary<string, PolicyDraft> policies, Dictionary<string, ConditionDraft> conditions, out bool broken)
    {
        broken = false;
        var alerts = new List<BurnRateCondition>();
        foreach (var use in slo.Policies)
        {
            var policy = use.Inline;
            if (use.Name is { } name && !policies.TryGetValue(name, out policy))
            {
                slo.Context.Error(use.Node, $"no AlertPolicy named `{name}` in these files: {NameHint(name, policies.Keys, "AlertPolicy")}");
                continue;
            }
            broken |= policy!.Broken;
            foreach (var conditionUse in policy.Conditions)
            {
                var condition = conditionUse.Inline;
                if (conditionUse.Name is { } conditionName && !conditions.TryGetValue(conditionName, out condition))
                {
                    slo.Context.Error(conditionUse.Node, $"no AlertCondition named `{conditionName}` in these files: {NameHint(conditionName, conditions.Keys, "AlertCondition")}");
                    continue;
                }
                if (condition!.Condition is { } burn)
                {
                    alerts.Add(burn);
                }
                else
                {
                    broken = true;
                }
            }
        }
        return alerts;
    }

    private static string NameHint(string name, IEnumerable<string> known, string kind)
    {
        var names = known.Order(StringComparer.Ordinal).ToList();
        if (KeySuggestion.Closest(name, names) is { } suggestion)
        {
            return $"did you mean `{suggestion}`?";
        }
        return names.Count == 0
            ? $"add a `kind: {kind}` document with that metadata.name, or write it inline"
            : $"write one of {string.Join(", ", names.Select(n => $"`{n}`"))}, or add a `kind: {kind}` document with that name";
    }

    /// <summary>The rules that depend on the kind of indicator, which may be written in another document.</summary>
    private static void CheckObjectives(SloDraft slo, Indicator indicator)
    {
        if (indicator is ThresholdIndicator && slo.Budgeting == BudgetingMethod.Occurrences && slo.BudgetingNode is { } budgeting)
        {
            slo.Context.Error(budgeting, "a thresholdMetric is compared once per time slice: write `budgetingMethod: Timeslices` and a `timeSliceWindow` on each objective");
        }
        foreach (var (objective, node) in slo.Objectives)
        {
            if (indicator is ThresholdIndicator && (objective.Op is null || objective.Value is null))
            {
                var missing = objective.Op is null && objective.Value is null ? "`op` and `value`" : objective.Op is null ? "`op`" : "`value`";
                slo.Context.Error(node, $"objective `{objective.Name}` has no {missing}, which a thresholdMetric needs: write e.g. `op: lte` and `value: 300` (good slices have p99 latency at most 300 ms)");
            }
            if (indicator is RatioIndicator && slo.Budgeting == BudgetingMethod.Timeslices && objective.TimeSliceTarget is null)
            {
                slo.Context.Error(node, $"objective `{objective.Name}` has no `timeSliceTarget`, which Timeslices with a ratioMetric needs: write e.g. `timeSliceTarget: 0.95` (a slice is good when 95% of its requests are)");
            }
        }
    }
}
