namespace Observe.Autoscaler.Control;

/// <summary>A policy's conditions; a condition's transition time moves only when its status does, as Kubernetes expects.</summary>
internal sealed class PolicyConditions
{
    private readonly Dictionary<string, PolicyCondition> _conditions = [];

    /// <summary>Sets a condition; true when its status changed (or it is new).</summary>
    public bool Set(string type, bool status, string reason, string message, DateTimeOffset now)
    {
        var text = status ? "True" : "False";
        var changed = !_conditions.TryGetValue(type, out var old) || old.Status != text;
        _conditions[type] = new PolicyCondition(type, text, reason, message, changed ? now : old!.LastTransitionTime);
        return changed;
    }

    /// <summary>In a fixed order, so status and API read alike every time.</summary>
    public IReadOnlyList<PolicyCondition> All =>
        [.. new[] { ConditionTypes.Active, ConditionTypes.AbleToScale, ConditionTypes.ScalingLimited, ConditionTypes.Conflict }
            .Where(_conditions.ContainsKey).Select(t => _conditions[t])];
}
