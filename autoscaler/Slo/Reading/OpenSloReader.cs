using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Slo.Reading;

/// <summary>Reads the OpenSLO v1 kinds Observe uses (SLO, SLI, AlertPolicy, AlertCondition) into drafts.</summary>
internal static class OpenSloReader
{
    public const string ApiVersion = "openslo/v1";

    /// <summary>Kinds read for their meaning; the others are accepted with a valid name and otherwise ignored.</summary>
    public static readonly string[] Kinds = ["SLO", "SLI", "AlertPolicy", "AlertCondition", "Service", "AlertNotificationTarget", "DataSource"];

    private static readonly string[] DocumentKeys = ["apiVersion", "kind", "metadata", "spec"];
    private static readonly string[] SloKeys = ["description", "service", "indicator", "indicatorRef", "timeWindow", "budgetingMethod", "objectives", "alertPolicies"];
    private static readonly string[] SliKeys = ["description", "thresholdMetric", "ratioMetric"];
    private static readonly string[] RatioKeys = ["counter", "good", "bad", "total", "raw", "rawType"];
    private static readonly string[] WindowKeys = ["duration", "isRolling", "calendar"];
    private static readonly string[] ObjectiveKeys = ["name", "displayName", "op", "value", "target", "targetPercent", "timeSliceTarget", "timeSliceWindow"];
    private static readonly string[] PolicyKeys = ["description", "alertWhenNoData", "alertWhenResolved", "alertWhenBreaching", "conditions", "notificationTargets"];
    private static readonly string[] ConditionKeys = ["description", "severity", "condition"];
    private static readonly string[] BurnRateKeys = ["kind", "op", "threshold", "lookbackWindow", "alertAfter"];

    public static void Read(YamlContext context, MappingFields document, string kind, DraftSet into)
    {
        var where = $"`kind: {kind}`";
        var errorsBefore = context.Findings.Errors;
        var metadata = MetadataReader.Read(context, document["metadata"], document.Node, where);
        var spec = document["spec"];
        switch (kind)
        {
            case "SLO":
                ReadSlo(context, document, metadata, spec, errorsBefore, into);
                break;
            case "SLI":
                var indicator = spec is null ? Missing(context, document.Node, where) : ReadSliSpec(context, spec, metadata?.Name, "SLI spec");
                if (metadata is not null)
                {
                    into.Slis.Add(new SliDraft(metadata.Name, indicator, context.At(metadata.NameNode)));
                }
                break;
            case "AlertPolicy":
                if (metadata is not null)
                {
                    into.Policies.Add(ReadPolicySpec(context, spec, metadata, document.Node, into));
                }
                break;
            case "AlertCondition":
                if (metadata is not null)
                {
                    into.Conditions.Add(ReadConditionSpec(context, spec, metadata, document.Node));
                }
                break;
            default:
                // Service, AlertNotificationTarget, DataSource: nothing here uses them beyond their name.
                break;
        }
    }

    private static Indicator? Missing(YamlContext context, YamlNode owner, string where)
    {
        context.Error(owner, $"{where} has no `spec`: write the spec under the document, e.g. `spec: {{ratioMetric: ...}}`");
        return null;
    }

    private static void ReadSlo(YamlContext context, MappingFields document, Metadata? metadata, YamlNode? specNode, int errorsBefore, DraftSet into)
    {
        if (specNode is null)
        {
            context.Error(document.Node, "`kind: SLO` has no `spec`: write `spec:` with service, indicator, budgetingMethod and objectives");
            return;
        }
        var spec = context.Fields(specNode, "SLO spec", SloKeys);
        if (spec is null || metadata is null)
        {
            return;
        }
        var service = spec.RequireText("service", "service: checkout");
        var indicator = ReadIndicatorUse(context, spec);
        var window = spec["timeWindow"] is { } windowNode ? ReadWindow(context, windowNode) : SloWindow.Rolling(TimeSpan.FromDays(30));
        var budgeting = BudgetingMethod.Occurrences;
        if (spec.RequireText("budgetingMethod", "budgetingMethod: Occurrences") is { } method)
        {
            switch (method)
            {
                case "Occurrences":
                    break;
                case "Timeslices" or "RatioTimeslices":
                    budgeting = BudgetingMethod.Timeslices;
                    break;
                default:
                    context.Error(spec["budgetingMethod"]!, $"`budgetingMethod: {method}` is not known: write `Occurrences` (good events / all events) or `Timeslices` (good slices / all slices)");
                    break;
            }
        }
        var objectives = spec.Require("objectives", "objectives: [{target: 0.999}]") is { } objectivesNode
            ? ReadObjectives(context, objectivesNode, budgeting)
            : [];
        var policies = spec["alertPolicies"] is { } policiesNode ? ReadPolicyUses(context, policiesNode, into) : [];
        into.Slos.Add(new SloDraft
        {
            Name = metadata.Name,
            NameNode = metadata.NameNode,
            Context = context,
            DisplayName = metadata.DisplayName,
            Description = spec.Text("description"),
            Service = service,
            Indicator = indicator,
            Objectives = objectives,
            BudgetingNode = spec["budgetingMethod"],
            Window = window,
            Budgeting = budgeting,
            Policies = policies,
            Format = SloFormat.OpenSlo,
            Location = context.At(document.Node),
            Broken = context.Findings.Errors > errorsBefore,
        });
    }

    private static Use<SliDraft>? ReadIndicatorUse(YamlContext context, MappingFields spec)
    {
        var inline = spec["indicator"];
        var reference = spec["indicatorRef"];
        if (inline is not null && reference is not null)
        {
            context.Error(spec.KeyNode("indicatorRef")!, "write either `indicator` (inline) or `indicatorRef` (the name of an SLI document), not both");
            return null;
        }
        if (reference is not null)
        {
            return context.Text(reference, "`indicatorRef`") is { } sliName ? new Use<SliDraft>(sliName, null, reference) : null;
        }
        if (inline is null)
        {
            context.Error(spec.Node, "SLO spec has no indicator: write `indicatorRef: <SLI name>` or an inline `indicator: {metadata: ..., spec: {ratioMetric: ...}}`");
            return null;
        }
        var fields = context.Fields(inline, "`indicator`", ["metadata", "spec"]);
        if (fields is null)
        {
            return null;
        }
        string? name = null;
        if (fields["metadata"] is { } metadataNode)
        {
            name = MetadataReader.Read(context, metadataNode, inline, "`indicator`")?.Name;
        }
        if (fields.Require("spec", "spec: {ratioMetric: ...}") is not { } sliSpec)
        {
            return null;
        }
        var indicator = ReadSliSpec(context, sliSpec, name, "`indicator.spec`");
        return new Use<SliDraft>(null, new SliDraft(name ?? "", indicator, context.At(inline)), inline);
    }

    internal static Indicator? ReadSliSpec(YamlContext context, YamlNode node, string? name, string where)
    {
        var spec = context.Fields(node, where, SliKeys);
        if (spec is null)
        {
            return null;
        }
        var ratio = spec["ratioMetric"];
        var threshold = spec["thresholdMetric"];
        if ((ratio is null) == (threshold is null))
        {
            context.Error(ratio is null ? node : spec.KeyNode("thresholdMetric")!,
                $"{where} needs exactly one of `ratioMetric` (good or bad requests among total) or `thresholdMetric` (a latency, error ratio or rate per slice)");
            return null;
        }
        if (threshold is not null)
        {
            var query = ObserveMetricSource.Read(context, threshold, "`thresholdMetric`", threshold: true);
            return query?.Metric is { } metric
                ? new ThresholdIndicator(name, new RequestQuery(query.Selector ?? RequestSelector.Any, query.Condition, query.Location), metric, query.Quantile ?? 0.99)
                : null;
        }
        return ReadRatio(context, ratio!, name);
    }

    private static RatioIndicator? ReadRatio(YamlContext context, YamlNode node, string? name)
    {
        var errorsBefore = context.Findings.Errors;
        var ratio = context.Fields(node, "`ratioMetric`", RatioKeys);
        if (ratio is null)
        {
            return null;
        }
        if ((ratio.KeyNode("raw") ?? ratio.KeyNode("rawType")) is { } raw)
        {
            context.Error(raw, "precomputed ratios (`raw`) are not supported: write `good` or `bad` with `total`; Observe counts the requests itself");
        }
        if (ratio["counter"] is { } counter)
        {
            // Observe always counts requests, so the flag changes nothing; it is still checked for typos.
            context.Boolean(counter, "`counter`");
        }
        var good = ratio["good"];
        var bad = ratio["bad"];
        if ((good is null) == (bad is null))
        {
            context.Error(good is null ? node : ratio.KeyNode("bad")!, "`ratioMetric` needs exactly one of `good` or `bad`, with `total`");
        }
        var totalNode = ratio.Require("total", "total: {metricSource: {type: Observe, spec: {service: checkout}}}");
        var total = totalNode is null ? null : ObserveMetricSource.Read(context, totalNode, "`total`", threshold: false);
        if (total is { ConditionNode: { } totalCondition })
        {
            context.Error(totalCondition, "`total` counts every selected request: move `status`, `grpcStatus` or `latency` to `good` or `bad`");
        }
        var countedNode = good ?? bad;
        var countedWhere = good is not null ? "`good`" : "`bad`";
        var counted = countedNode is null ? null : ObserveMetricSource.Read(context, countedNode, countedWhere, threshold: false);
        if (counted is not null && counted.Condition.MatchesEverything)
        {
            context.Error(countedNode!, $"{countedWhere} matches every request: say which count with `status`, `grpcStatus` or `latency`, e.g. `latency: {{le: 300ms}}`");
        }
        if (total is null || counted is null || context.Findings.Errors > errorsBefore)
        {
            return null;
        }
        var totalSelector = total.Selector ?? RequestSelector.Any;
        // A good/bad that selects nothing itself counts among the total's requests: users then write only the condition.
        var countedSelector = counted.Selector ?? totalSelector;
        return new RatioIndicator(
            name,
            new RequestQuery(totalSelector, RequestCondition.All, total.Location),
            new RequestQuery(countedSelector, counted.Condition, counted.Location),
            CountsBad: bad is not null);
    }

    private static SloWindow? ReadWindow(YamlContext context, YamlNode node)
    {
        var list = context.Sequence(node, "`timeWindow`");
        if (list is null)
        {
            return null;
        }
        if (list.Children.Count != 1)
        {
            context.Error(node, "`timeWindow` takes exactly one item, e.g. `- duration: 30d` with `isRolling: true`");
            return null;
        }
        var item = list.Children[0];
        var fields = context.Fields(item, "`timeWindow` item", WindowKeys);
        if (fields is null)
        {
            return null;
        }
        var durationText = fields.RequireText("duration", "duration: 30d");
        Shorthand? duration = durationText is null ? null : Durations.ParseShorthand(durationText);
        if (durationText is not null && duration is null)
        {
            context.Error(fields["duration"]!, $"`{durationText}` is not a duration: write {Durations.ShorthandHelp}");
        }
        var calendarNode = fields["calendar"];
        var rolling = fields["isRolling"] is { } rollingNode ? context.Boolean(rollingNode, "`isRolling`") : calendarNode is null;
        if (duration is not { } length || rolling is not { } isRolling)
        {
            return null;
        }
        if (isRolling)
        {
            if (calendarNode is not null)
            {
                context.Error(fields.KeyNode("calendar")!, "a rolling window has no calendar: remove `calendar`, or write `isRolling: false` for calendar periods");
                return null;
            }
            if (!length.HasFixedLength)
            {
                context.Error(fields["duration"]!, $"a rolling window needs a fixed length and `{length}` varies: write it in days, e.g. `{(int)length.Nominal.TotalDays}d`");
                return null;
            }
            return SloWindow.Rolling(length.Nominal);
        }
        if (calendarNode is null)
        {
            context.Error(item, "a calendar window (`isRolling: false`) needs `calendar: {startTime: \"2024-01-01 00:00:00\", timeZone: UTC}`; or write `isRolling: true`");
            return null;
        }
        var calendar = context.Fields(calendarNode, "`calendar`", ["startTime", "timeZone"]);
        if (calendar is null)
        {
            return null;
        }
        DateTime? start = null;
        if (calendar.RequireText("startTime", "startTime: \"2024-01-01 00:00:00\"") is { } startText)
        {
            if (DateTime.TryParseExact(startText, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                start = DateTime.SpecifyKind(parsed, DateTimeKind.Unspecified);
            }
            else
            {
                context.Error(calendar["startTime"]!, $"`{startText}` is not a start time: write a local date and time without zone, e.g. `2024-01-01 00:00:00`");
            }
        }
        var zone = TimeZoneInfo.Utc;
        if (calendar.Text("timeZone") is { } zoneText)
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(zoneText);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                context.Error(calendar["timeZone"]!, $"`{zoneText}` is not a known time zone: write an IANA name such as `Europe/Berlin`, `America/New_York` or `UTC`");
                return null;
            }
        }
        return start is { } s ? new SloWindow(false, length.Nominal, length.Unit, length.Count, s, zone) : null;
    }

    private static List<ObjectiveDraft> ReadObjectives(YamlContext context, YamlNode node, BudgetingMethod budgeting)
    {
        var list = context.Sequence(node, "`objectives`");
        var result = new List<ObjectiveDraft>();
        if (list is null)
        {
            return result;
        }
        if (list.Children.Count == 0)
        {
            context.Error(node, "`objectives` is empty: write at least one, e.g. `- target: 0.999`");
        }
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var fields = context.Fields(item, $"objective {i}", ObjectiveKeys);
            if (fields is null)
            {
                continue;
            }
            var name = fields.Text("name") ?? fields.Text("displayName") ?? i.ToString(CultureInfo.InvariantCulture);
            var target = ReadTarget(context, fields, i);
            ComparisonOp? op = null;
            if (fields.Text("op") is { } opText)
            {
                op = opText switch { "lt" => ComparisonOp.Lt, "lte" => ComparisonOp.Lte, "gt" => ComparisonOp.Gt, "gte" => ComparisonOp.Gte, _ => null };
                if (op is null)
                {
                    context.Error(fields["op"]!, $"`op: {opText}` is not known: write `lt`, `lte`, `gt` or `gte`");
                }
            }
            var value = fields["value"] is { } valueNode ? context.Number(valueNode, "`value`", "300") : null;
            double? sliceTarget = null;
            if (fields["timeSliceTarget"] is { } sliceTargetNode && context.Number(sliceTargetNode, "`timeSliceTarget`", "0.95") is { } st)
            {
                if (st is > 0 and <= 1)
                {
                    sliceTarget = st;
                }
                else
                {
                    context.Error(sliceTargetNode, $"`timeSliceTarget: {st.ToString(CultureInfo.InvariantCulture)}` is out of range: write the share a slice needs to be good, above 0 and at most 1, e.g. `0.95`");
                }
            }
            var sliceWindow = fields["timeSliceWindow"] is { } sliceNode ? ReadSliceWindow(context, sliceNode) : null;
            if (budgeting == BudgetingMethod.Timeslices && !fields.Has("timeSliceWindow"))
            {
                context.Error(item, $"objective {i} has no `timeSliceWindow`, which Timeslices budgeting needs: write e.g. `timeSliceWindow: 5m`");
            }
            if (target is { } t)
            {
                result.Add(new ObjectiveDraft(new SloObjective(name, t, op, value, sliceTarget, sliceWindow), item));
            }
        }
        return result;
    }

    private static double? ReadTarget(YamlContext context, MappingFields fields, int index)
    {
        var target = fields["target"];
        var percent = fields["targetPercent"];
        if (target is not null && percent is not null)
        {
            context.Error(fields.KeyNode("targetPercent")!, "write only one of `target` (a share, e.g. 0.999) or `targetPercent` (e.g. 99.9)");
            return null;
        }
        if (target is not null)
        {
            var value = context.Number(target, "`target`", "0.999");
            if (value is { } v && v is <= 0 or >= 1)
            {
                context.Error(target, $"`target: {v.ToString(CultureInfo.InvariantCulture)}` is out of range: write a share above 0 and below 1, e.g. `0.999`; for a percentage write `targetPercent`");
                return null;
            }
            return value;
        }
        if (percent is not null)
        {
            var value = context.Number(percent, "`targetPercent`", "99.9");
            if (value is { } v && v is <= 0 or >= 100)
            {
                context.Error(percent, $"`targetPercent: {v.ToString(CultureInfo.InvariantCulture)}` is out of range: write a percentage above 0 and below 100, e.g. `99.9`");
                return null;
            }
            return value / 100;
        }
        context.Error(fields.Node, $"objective {index} has no target: write `target: 0.999` or `targetPercent: 99.9`");
        return null;
    }

    private static TimeSpan? ReadSliceWindow(YamlContext context, YamlNode node)
    {
        const string help = "write whole minutes, e.g. `5m`, `1h`, or a number of minutes";
        var text = context.Text(node, "`timeSliceWindow`");
        if (text is null)
        {
            return null;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes > 0)
        {
            return TimeSpan.FromMinutes(minutes);
        }
        if (Durations.ParseShorthand(text) is { HasFixedLength: true } shorthand)
        {
            return shorthand.Nominal;
        }
        context.Error(node, $"`{text}` is not a slice length: {help}");
        return null;
    }

    private static List<Use<PolicyDraft>> ReadPolicyUses(YamlContext context, YamlNode node, DraftSet into)
    {
        var result = new List<Use<PolicyDraft>>();
        if (context.Sequence(node, "`alertPolicies`") is not { } list)
        {
            return result;
        }
        foreach (var item in list.Children)
        {
            if (item is YamlScalarNode)
            {
                if (context.Text(item, "an `alertPolicies` item") is { } name)
                {
                    result.Add(new Use<PolicyDraft>(name, null, item));
                }
                continue;
            }
            if (item is YamlMappingNode map && map.Children.Count == 1 && map.Children.ContainsKey(new YamlScalarNode("alertPolicyRef")))
            {
                var refNode = map.Children[new YamlScalarNode("alertPolicyRef")];
                if (context.Text(refNode, "`alertPolicyRef`") is { } name)
                {
                    result.Add(new Use<PolicyDraft>(name, null, refNode));
                }
                continue;
            }
            if (ReadInline(context, item, "AlertPolicy", "an inline alert policy") is { } inline)
            {
                var policy = ReadPolicySpec(context, inline.Spec, inline.Metadata, item, into);
                result.Add(new Use<PolicyDraft>(null, policy, item));
            }
        }
        return result;
    }

    /// <summary>An inline document (`kind:`, `metadata:`, `spec:`) of an expected kind.</summary>
    private static (Metadata Metadata, YamlNode? Spec)? ReadInline(YamlContext context, YamlNode node, string kind, string where)
    {
        var fields = context.Fields(node, where, DocumentKeys);
        if (fields is null)
        {
            return null;
        }
        var written = fields.RequireText("kind", $"kind: {kind}");
        if (written is not null && written != kind)
        {
            context.Error(fields["kind"]!, $"{where} must be `kind: {kind}`");
            return null;
        }
        return MetadataReader.Read(context, fields["metadata"], node, where) is { } metadata ? (metadata, fields["spec"]) : null;
    }

    private static PolicyDraft ReadPolicySpec(YamlContext context, YamlNode? specNode, Metadata metadata, YamlNode owner, DraftSet into)
    {
        var errorsBefore = context.Findings.Errors;
        var conditions = new List<Use<ConditionDraft>>();
        var spec = specNode is null ? null : context.Fields(specNode, "AlertPolicy spec", PolicyKeys);
        if (specNode is null)
        {
            context.Error(owner, "`kind: AlertPolicy` has no `spec`: write `spec: {conditions: [{conditionRef: <AlertCondition name>}]}`");
        }
        if (spec?.Require("conditions", "conditions: [{conditionRef: fast-burn}]") is { } conditionsNode
            && context.Sequence(conditionsNode, "`conditions`") is { } list)
        {
            if (list.Children.Count == 0)
            {
                context.Error(conditionsNode, "`conditions` is empty: write at least one, e.g. `- conditionRef: fast-burn`");
            }
            foreach (var item in list.Children)
            {
                if (item is YamlMappingNode map && map.Children.ContainsKey(new YamlScalarNode("conditionRef")))
                {
                    var refFields = context.Fields(item, "a `conditions` item", ["conditionRef"]);
                    if (refFields?.Text("conditionRef") is { } name)
                    {
                        conditions.Add(new Use<ConditionDraft>(name, null, refFields["conditionRef"]!));
                    }
                    continue;
                }
                if (ReadInline(context, item, "AlertCondition", "an inline alert condition") is { } inline)
                {
                    conditions.Add(new Use<ConditionDraft>(null, ReadConditionSpec(context, inline.Spec, inline.Metadata, item), item));
                }
            }
        }
        foreach (var key in new[] { "alertWhenNoData", "alertWhenResolved", "alertWhenBreaching" })
        {
            if (spec?[key] is { } flag)
            {
                context.Boolean(flag, $"`{key}`");
            }
        }
        return new PolicyDraft(metadata.Name, conditions, context.Findings.Errors > errorsBefore, context.At(metadata.NameNode));
    }

    private static ConditionDraft ReadConditionSpec(YamlContext context, YamlNode? specNode, Metadata metadata, YamlNode owner)
    {
        var draft = new ConditionDraft(metadata.Name, null, context.At(metadata.NameNode));
        if (specNode is null)
        {
            context.Error(owner, "`kind: AlertCondition` has no `spec`: write `spec: {severity: page, condition: {kind: burnrate, threshold: 14.4, lookbackWindow: 1h}}`");
            return draft;
        }
        var errorsBefore = context.Findings.Errors;
        var spec = context.Fields(specNode, "AlertCondition spec", ConditionKeys);
        var severity = spec?.RequireText("severity", "severity: page");
        var conditionNode = spec?.Require("condition", "condition: {kind: burnrate, threshold: 14.4, lookbackWindow: 1h}");
        var condition = conditionNode is null ? null : context.Fields(conditionNode, "`condition`", BurnRateKeys);
        if (condition is null || severity is null)
        {
            return draft;
        }
        if (condition.Text("kind") is { } kind && kind != "burnrate")
        {
            context.Error(condition["kind"]!, $"`kind: {kind}` is not supported: write `kind: burnrate`");
        }
        if (condition.Text("op") is { } op && op is not ("gt" or "gte"))
        {
            context.Error(condition["op"]!, $"`op: {op}` does not suit a burn rate, which alerts when high: write `gt` or `gte`");
        }
        double? threshold = null;
        if (condition.Require("threshold", "threshold: 14.4") is { } thresholdNode
            && context.Number(thresholdNode, "`threshold`", "14.4") is { } t)
        {
            if (t > 0)
            {
                threshold = t;
            }
            else
            {
                context.Error(thresholdNode, "`threshold` is a burn rate and must be above 0: write e.g. `14.4` (2% of a 30-day budget in an hour)");
            }
        }
        var lookback = ReadFixedDuration(context, condition, "lookbackWindow", required: true, allowZero: false);
        var after = ReadFixedDuration(context, condition, "alertAfter", required: false, allowZero: true) ?? TimeSpan.Zero;
        if (context.Findings.Errors > errorsBefore || threshold is null || lookback is null)
        {
            return draft;
        }
        // The long window is the lookback; the short one, a twelfth of it (the SRE workbook's ratio), stops
        // the alert soon after the burning stops.
        var burn = new BurnRateCondition(metadata.Name, severity, threshold.Value, lookback.Value, Durations.WholeMinutes(lookback.Value / 12), after);
        return draft with { Condition = burn };
    }

    private static TimeSpan? ReadFixedDuration(YamlContext context, MappingFields fields, string key, bool required, bool allowZero)
    {
        var text = required ? fields.RequireText(key, $"{key}: 1h") : fields.Text(key);
        if (text is null)
        {
            return null;
        }
        if (Durations.ParseShorthand(text, allowZero) is { HasFixedLength: true } shorthand)
        {
            return shorthand.Nominal;
        }
        context.Error(fields[key]!, $"`{text}` is not a duration here: write a whole number and one of m, h, d, w, e.g. `1h`");
        return null;
    }
}
