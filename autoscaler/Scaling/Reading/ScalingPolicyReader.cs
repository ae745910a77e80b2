using Observe.Autoscaler.Slo.Reading;
using YamlDotNet.RepresentationModel;
using Defaults = Observe.Autoscaler.Scaling.Reading.ScalingPolicyDefaults;

namespace Observe.Autoscaler.Scaling.Reading;

/// <summary>
/// Reads Observe's <c>ScalingPolicy</c> kind: which workload to scale, for which SLOs, within
/// which bounds. Keys are camelCase and the document has <c>metadata</c> and <c>spec</c>, as the
/// custom resource of the same name will.
/// </summary>
internal static class ScalingPolicyReader
{
    public const string ApiVersion = "observe.dev/v1alpha1";
    public const string Kind = "ScalingPolicy";

    public static readonly string[] SpecKeys =
        ["targetRef", "slos", "minReplicas", "maxReplicas", "mode", "tick", "capacity", "startup", "burst", "scaleUp", "scaleDown", "prediction", "headroom"];

    public static readonly string[] TargetKeys = ["apiVersion", "kind", "name", "namespace"];
    public static readonly string[] Modes = ["enforce", "dryRun"];

    public static void Read(YamlContext context, MappingFields document, DraftSet into)
    {
        var errorsBefore = context.Findings.Errors;
        var metadata = MetadataReader.Read(context, document["metadata"], document.Node, $"`kind: {Kind}`");
        var specNode = document["spec"];
        if (specNode is null)
        {
            context.Error(document.Node, $"`kind: {Kind}` has no `spec`: write `spec:` with at least targetRef, slos and maxReplicas");
        }
        var spec = specNode is null ? null : PolicyFields.Open(context, specNode, "spec", SpecKeys);
        if (metadata is null)
        {
            return;
        }
        if (spec is null)
        {
            into.ScalingPolicies.Add(new ScalingPolicyDraft(metadata.Name, context.At(metadata.NameNode), context, null, null, null, []));
            return;
        }
        var target = ReadTarget(spec, metadata.Namespace);
        var slos = ReadSlos(spec);
        var (min, max) = ReadReplicas(spec);
        var mode = spec["mode"] is { } modeNode
            ? spec.Choice(modeNode, "`mode` in `spec`", Modes) switch { "enforce" => ScalingMode.Enforce, "dryRun" => ScalingMode.DryRun, _ => (ScalingMode?)null }
            : Defaults.Mode;
        var tick = spec.Span("tick", Defaults.Tick, Bounds.AboveAtMost(TimeSpan.Zero, Defaults.MaxTick));
        var capacity = spec["capacity"] is { } capacityNode ? ScalingSettingsReader.Capacity(context, capacityNode) : null;
        var startup = spec.Section("startup", ScalingSettingsReader.StartupKeys, Defaults.Startup, ScalingSettingsReader.Startup);
        var burst = spec.Section("burst", ScalingSettingsReader.BurstKeys, Defaults.Burst, ScalingSettingsReader.Burst);
        var scaleUp = spec.Section("scaleUp", ScalingSettingsReader.ScaleUpKeys, Defaults.ScaleUp, ScalingSettingsReader.ScaleUp);
        var scaleDown = spec.Section("scaleDown", ScalingSettingsReader.ScaleDownKeys, Defaults.ScaleDown, ScalingSettingsReader.ScaleDown);
        var prediction = spec.Section("prediction", ScalingSettingsReader.PredictionKeys, Defaults.Prediction, ScalingSettingsReader.Prediction);
        var headroom = spec.Section("headroom", ScalingSettingsReader.HeadroomKeys, Defaults.Headroom, ScalingSettingsReader.Headroom);

        ScalingPolicy? policy = null;
        if (context.Findings.Errors == errorsBefore
            && target is not null && min is { } minReplicas && max is { } maxReplicas && mode is { } scalingMode && tick is { } tickSpan
            && startup is not null && burst is not null && scaleUp is not null && scaleDown is not null && prediction is not null && headroom is not null)
        {
            policy = new ScalingPolicy(
                metadata.Name, metadata.Namespace, target, [.. slos.Select(s => s.Name)], minReplicas, maxReplicas, capacity,
                startup, burst, scaleUp, scaleDown, prediction, headroom, scalingMode, tickSpan, context.At(document.Node));
        }
        into.ScalingPolicies.Add(new ScalingPolicyDraft(
            metadata.Name, context.At(metadata.NameNode), context, policy, target, spec.Fields.KeyNode("targetRef"), slos));
    }

    private static ScaleTarget? ReadTarget(PolicyFields spec, string? policyNamespace)
    {
        if (spec.Fields.Require("targetRef", "targetRef: {kind: Deployment, name: checkout}") is not { } node
            || PolicyFields.Open(spec.Context, node, "spec.targetRef", TargetKeys) is not { } target)
        {
            return null;
        }
        var context = spec.Context;
        var apiVersion = target.Fields.Has("apiVersion") ? target.Fields.Text("apiVersion") : Defaults.TargetApiVersion;
        var kind = target.Fields.RequireText("kind", "kind: Deployment");
        if (kind is not null && !Defaults.ScalableKinds.Contains(kind, StringComparer.Ordinal))
        {
            var suggestion = KeySuggestion.Closest(kind, Defaults.ScalableKinds);
            context.Warning(target["kind"]!, $"`kind: {kind}` is not one of the kinds known to be scalable ({string.Join(", ", Defaults.ScalableKinds)}): "
                + (suggestion is null ? "" : $"did you mean `{suggestion}`? ")
                + "Another kind works only if it has a /scale subresource");
        }
        var name = target.Fields.RequireText("name", "name: checkout");
        if (name is not null && !MetadataReader.CheckName(context, target["name"]!, name))
        {
            name = null;
        }
        var targetNamespace = target.Fields.Has("namespace") ? target.Fields.Text("namespace") : policyNamespace;
        return apiVersion is null || kind is null || name is null || (target.Fields.Has("namespace") && targetNamespace is null)
            ? null
            : new ScaleTarget(apiVersion, kind, name, targetNamespace);
    }

    private static List<SloRef> ReadSlos(PolicyFields spec)
    {
        var context = spec.Context;
        if (spec.Fields.Require("slos", "slos: [checkout-latency]") is not { } node || context.Sequence(node, "`slos` in `spec`") is not { } list)
        {
            return [];
        }
        if (list.Children.Count == 0)
        {
            context.Error(node, "`slos` in `spec` is empty: name at least one SLO this policy protects (its metadata.name), e.g. `slos: [checkout-latency]`");
        }
        var slos = new List<SloRef>();
        foreach (var item in list.Children)
        {
            if (context.Text(item, "an item of `slos`") is not { } name || !MetadataReader.CheckName(context, item, name))
            {
                continue;
            }
            if (slos.Any(s => s.Name == name))
            {
                context.Warning(item, $"SLO `{name}` is listed twice in `slos`: remove this one");
                continue;
            }
            slos.Add(new SloRef(name, item));
        }
        return slos;
    }

    private static (int? Min, int? Max) ReadReplicas(PolicyFields spec)
    {
        var min = spec.Whole("minReplicas", Defaults.MinReplicas, Bounds.AtLeast(1));
        int? max = spec.Fields.Require("maxReplicas", "maxReplicas: 10") is null ? null : spec.Whole("maxReplicas", 10, Bounds.AtLeast(1));
        if (min is { } lowest && max is { } highest && highest < lowest)
        {
            spec.Error("maxReplicas", $"`maxReplicas` ({highest}) is below `minReplicas` ({lowest}): write a maxReplicas of at least {lowest}");
            return (min, null);
        }
        return (min, max);
    }
}
