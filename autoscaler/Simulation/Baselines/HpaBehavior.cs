namespace Observe.Autoscaler.Simulation.Baselines;

/// <summary>
/// An HPA's <c>spec.behavior</c> (autoscaling/v2): rules for each direction. Values not set in a
/// manifest are merged with <see cref="Default"/>, so a docs example that sets only scale-down
/// policies is <c>Default with { ScaleDown = Default.ScaleDown with { Policies = … } }</c>.
/// </summary>
internal sealed record HpaBehavior(HpaScalingRules ScaleUp, HpaScalingRules ScaleDown)
{
    private static readonly TimeSpan SyncPeriod = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The API's defaults: scale up at once by max(100 %, 4 pods) per 15 s; scale down to the highest
    /// recommendation of the last 300 s (the controller's <c>--horizontal-pod-autoscaler-downscale-stabilization</c>),
    /// removing up to 100 % per 15 s.
    /// </summary>
    public static HpaBehavior Default { get; } = new(
        new HpaScalingRules(TimeSpan.Zero, HpaSelectPolicy.Max,
            [new HpaScalingPolicy(HpaPolicyType.Percent, 100, SyncPeriod), new HpaScalingPolicy(HpaPolicyType.Pods, 4, SyncPeriod)]),
        new HpaScalingRules(TimeSpan.FromSeconds(300), HpaSelectPolicy.Max,
            [new HpaScalingPolicy(HpaPolicyType.Percent, 100, SyncPeriod)]));

    internal void Validate()
    {
        ScaleUp.Validate("Behavior.ScaleUp");
        ScaleDown.Validate("Behavior.ScaleDown");
    }
}

/// <summary>One direction's <c>HPAScalingRules</c>.</summary>
/// <param name="StabilisationWindow"><c>stabilizationWindowSeconds</c>: recommendations this far back bound the change (0 to 1 h).</param>
/// <param name="SelectPolicy">Which policy's limit applies when there are several.</param>
/// <param name="Policies">At least one; each limits the change over its own period.</param>
internal sealed record HpaScalingRules(TimeSpan StabilisationWindow, HpaSelectPolicy SelectPolicy, IReadOnlyList<HpaScalingPolicy> Policies)
{
    /// <summary>
    /// <c>tolerance</c> for this direction (KEP-4951, alpha in 1.33 behind HPAConfigurableTolerance);
    /// null: the controller's <see cref="HpaSettings.Tolerance"/>.
    /// </summary>
    public double? Tolerance { get; init; }

    /// <summary>Scale events older than this no longer count against any policy of the direction.</summary>
    public TimeSpan LongestPeriod => Policies.Count == 0 ? TimeSpan.Zero : Policies.Max(p => p.Period);

    internal void Validate(string name)
    {
        if (StabilisationWindow < TimeSpan.Zero || StabilisationWindow > TimeSpan.FromHours(1))
            throw new ArgumentException($"{name}.StabilisationWindow must be between 0 and 1 h, not {StabilisationWindow}.");
        if (Policies.Count == 0)
            throw new ArgumentException($"{name}.Policies must hold at least one policy.");
        if (Tolerance is < 0)
            throw new ArgumentException($"{name}.Tolerance must not be negative, not {Tolerance}.");
        foreach (var policy in Policies)
        {
            if (policy.Value <= 0)
                throw new ArgumentException($"{name}.Policies: a {policy.Type} policy's value must be above 0, not {policy.Value}.");
            if (policy.Period <= TimeSpan.Zero || policy.Period > TimeSpan.FromMinutes(30))
                throw new ArgumentException($"{name}.Policies: a policy's period must be above 0 and at most 30 min, not {policy.Period}.");
        }
    }
}

/// <summary><c>HPAScalingPolicy</c>: at most <see cref="Value"/> pods, or percent of the replicas, changed over <see cref="Period"/>.</summary>
internal sealed record HpaScalingPolicy(HpaPolicyType Type, int Value, TimeSpan Period);

internal enum HpaPolicyType { Pods, Percent }

/// <summary><c>selectPolicy</c>: the policy allowing the largest change (Max), the smallest (Min), or no change at all.</summary>
internal enum HpaSelectPolicy { Max, Min, Disabled }
