using Observe.Autoscaler.Scaling.Reading;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Slo.Reading;

/// <summary>
/// What each document said, before references between documents are resolved. A part whose own
/// errors were reported is kept with <c>Broken</c> set, so what refers to it is left out without a
/// second, misleading "not found" error.
/// </summary>
internal sealed record SliDraft(string Name, Indicator? Indicator, SourceLocation NameLocation)
{
    public bool Broken => Indicator is null;
}

internal sealed record ConditionDraft(string Name, BurnRateCondition? Condition, SourceLocation NameLocation);

/// <summary>A use of something written elsewhere, by name (<see cref="Inline"/> null) or inline.</summary>
internal sealed record Use<T>(string? Name, T? Inline, YamlNode Node) where T : class;

internal sealed record PolicyDraft(string Name, IReadOnlyList<Use<ConditionDraft>> Conditions, bool Broken, SourceLocation NameLocation);

internal sealed record ObjectiveDraft(SloObjective Objective, YamlNode Node);

internal sealed class SloDraft
{
    public required string Name { get; init; }

    public required YamlNode NameNode { get; init; }

    public required YamlContext Context { get; init; }

    public string? DisplayName { get; init; }

    public string? Description { get; init; }

    public string? Service { get; init; }

    public Use<SliDraft>? Indicator { get; init; }

    public IReadOnlyList<ObjectiveDraft> Objectives { get; init; } = [];

    public YamlNode? BudgetingNode { get; init; }

    public SloWindow? Window { get; init; }

    public BudgetingMethod Budgeting { get; init; }

    public IReadOnlyList<Use<PolicyDraft>> Policies { get; init; } = [];

    public SloFormat Format { get; init; }

    public required SourceLocation Location { get; init; }

    /// <summary>Its own document had errors: it is checked against the others but never loaded.</summary>
    public bool Broken { get; init; }
}

/// <summary>Everything read from a set of sources, by kind.</summary>
internal sealed class DraftSet
{
    public List<SloDraft> Slos { get; } = [];

    public List<SliDraft> Slis { get; } = [];

    public List<PolicyDraft> Policies { get; } = [];

    public List<ConditionDraft> Conditions { get; } = [];

    public List<ScalingPolicyDraft> ScalingPolicies { get; } = [];
}
