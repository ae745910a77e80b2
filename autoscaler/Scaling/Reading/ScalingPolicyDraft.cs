using Observe.Autoscaler.Slo;
using Observe.Autoscaler.Slo.Reading;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Scaling.Reading;

/// <summary>
/// One <c>ScalingPolicy</c> document as read, before the checks that need the whole set (names,
/// targets and SLOs in other documents). <see cref="Policy"/> is null when its own document had
/// errors; the rest is kept so that it still takes part in those checks.
/// </summary>
/// <param name="TargetKey">The <c>targetRef</c> key, where a second policy for the same workload is reported.</param>
internal sealed record ScalingPolicyDraft(
    string Name,
    SourceLocation NameLocation,
    YamlContext Context,
    ScalingPolicy? Policy,
    ScaleTarget? Target,
    YamlNode? TargetKey,
    IReadOnlyList<SloRef> Slos);

/// <summary>An SLO a policy names in <c>spec.slos</c>, and where.</summary>
internal sealed record SloRef(string Name, YamlNode Node);
