using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Slo.Reading;

/// <summary>
/// Reads Alibaba Cloud Service Mesh's <c>ServiceLevelObjective</c>: one document for a service,
/// each <c>slos</c> item an objective over the mesh's requests. ASM defines the two plugins by
/// their failures (availability: 5xx or 429; latency: slower than a limit), so both become ratios
/// counting bad requests.
/// </summary>
internal static class AsmReader
{
    public const string ApiVersion = "istio.alibabacloud.com/v1beta1";
    public const string Kind = "ServiceLevelObjective";

    private static readonly string[] SpecKeys = ["service", "period", "labels", "slos"];
    private static readonly string[] SloKeys = ["name", "objective", "labels", "sli", "alerting"];

    public static void Read(YamlContext context, MappingFields document, DraftSet into)
    {
        var errorsBefore = context.Findings.Errors;
        var metadata = MetadataReader.Read(context, document["metadata"], document.Node, $"`kind: {Kind}`");
        if (document["spec"] is not { } specNode)
        {
            context.Error(document.Node, $"`kind: {Kind}` has no `spec`: write `spec:` with service, period and slos");
            return;
        }
        var spec = context.Fields(specNode, $"{Kind} spec", SpecKeys);
        if (spec is null || metadata is null)
        {
            return;
        }
        var service = spec.RequireText("service", "service: productpage");
        SloWindow? window = null;
        if (spec.RequireText("period", "period: 30d") is { } periodText)
        {
            if (Durations.ParseShorthand(periodText) is { HasFixedLength: true } period)
            {
                window = SloWindow.Rolling(period.Nominal);
            }
            else
            {
                context.Error(spec["period"]!, $"`period: {periodText}` is not a fixed length: write days, e.g. `30d` (ASM takes 30d, 28d, 14d or 7d)");
            }
        }
        var documentBroken = context.Findings.Errors > errorsBefore;
        if (spec.Require("slos", "slos: [{name: availability, objective: \"99.9\", sli: {plugin: {id: availability}}}]") is not { } slosNode
            || context.Sequence(slosNode, "`slos`") is not { } slos)
        {
            return;
        }
        if (slos.Children.Count == 0)
        {
            context.Error(slosNode, "`slos` is empty: write at least one item with name, objective and sli");
        }
        // The resource lives in its target service's namespace (an ASM rule), so that namespace selects the requests.
        var selector = new RequestSelector(RequestSource.Mesh, Namespace: metadata.Namespace, Service: service);
        foreach (var item in slos.Children)
        {
            var itemErrors = context.Findings.Errors;
            var fields = context.Fields(item, "a `slos` item", SloKeys);
            if (fields is null)
            {
                continue;
            }
            var name = fields.RequireText("name", "name: availability");
            if (name is not null && !MetadataReader.CheckName(context, fields["name"]!, name))
            {
                name = null;
            }
            var target = ReadObjective(context, fields);
            var counted = fields.Require("sli", "sli: {plugin: {id: availability}}") is { } sliNode ? ReadPlugin(context, sliNode) : null;
            if (name is null || service is null || window is null)
            {
                continue;
            }
            var location = context.At(item);
            var indicator = counted is null
                ? null
                : new RatioIndicator(name, new RequestQuery(selector, RequestCondition.All, location), new RequestQuery(selector, counted, location), CountsBad: true);
            into.Slos.Add(new SloDraft
            {
                Name = $"{metadata.Name}-{name}",
                NameNode = fields["name"]!,
                Context = context,
                DisplayName = metadata.DisplayName,
                Service = service,
                Indicator = new Use<SliDraft>(null, new SliDraft(name, indicator, location), item),
                Objectives = target is { } t ? [new ObjectiveDraft(new SloObjective(name, t), fields["objective"]!)] : [],
                Window = window,
                Budgeting = BudgetingMethod.Occurrences,
                Format = SloFormat.AlibabaAsm,
                Location = location,
                Broken = documentBroken || context.Findings.Errors > itemErrors,
            });
        }
    }

    private static double? ReadObjective(YamlContext context, MappingFields fields)
    {
        if (fields.RequireText("objective", "objective: \"99.9\"") is not { } text)
        {
            return null;
        }
        var number = text.EndsWith('%') ? text[..^1].Trim() : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || percent is <= 0 or >= 100)
        {
            context.Error(fields["objective"]!, $"`objective: {text}` is not a percentage above 0 and below 100: write e.g. `\"99.9\"`");
            return null;
        }
        return percent / 100;
    }

    private static RequestCondition? ReadPlugin(YamlContext context, YamlNode node)
    {
        var sli = context.Fields(node, "`sli`", ["plugin"]);
        var plugin = sli?.Require("plugin", "plugin: {id: availability}") is { } pluginNode ? context.Fields(pluginNode, "`plugin`", ["id", "options"]) : null;
        var id = plugin?.RequireText("id", "id: availability");
        if (plugin is null || id is null)
        {
            return null;
        }
        var options = plugin["options"] is { } optionsNode ? context.Fields(optionsNode, "`options`", id == "latency" ? ["filter", "threshold"] : ["filter"]) : null;
        if (options?.KeyNode("filter") is { } filter)
        {
            context.Warning(filter, "`filter` is a PromQL label filter, which Observe cannot apply: it is ignored; to narrow the requests write an OpenSLO SLO with an Observe metric source");
        }
        switch (id)
        {
            case "availability":
                return new RequestCondition([new StatusMatch(500, 599), new StatusMatch(429, 429)], []);
            case "latency":
                if (options?.RequireText("threshold", "threshold: 300") is not { } text)
                {
                    if (options is null)
                    {
                        context.Error(plugin.Node, "the latency plugin needs `options: {threshold: 300}` (milliseconds): requests slower than it are bad");
                    }
                    return null;
                }
                if (Durations.ParseLatency(text) is { } limit)
                {
                    return new RequestCondition([], [], LatencyAbove: limit);
                }
                context.Error(options["threshold"]!, $"`threshold: {text}` is not a latency: write milliseconds, e.g. `300`, or `300ms`");
                return null;
            default:
                context.Error(plugin["id"]!, $"plugin `{id}` is not known: write `availability` (5xx and 429 are bad) or `latency` (slower than options.threshold is bad)");
                return null;
        }
    }
}
