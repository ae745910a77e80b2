using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Observe.Autoscaler.Slo.Reading;

/// <summary>What one <c>metricSource</c> of <c>type: Observe</c> says, before a ratio's parts are combined.</summary>
/// <param name="Selector">Null when the spec names no selector field (a ratio's good/bad then takes the total's).</param>
internal sealed record ParsedQuery(
    RequestSelector? Selector,
    RequestCondition Condition,
    SourceLocation Location,
    ThresholdMetric? Metric,
    double? Quantile,
    YamlNode? ConditionNode);

/// <summary>Reads Observe's own metric source: which requests (selector) and which of them count (condition).</summary>
internal static class ObserveMetricSource
{
    private static readonly string[] SelectorKeys = ["source", "namespace", "service", "workload", "version", "route", "method", "operation"];
    private static readonly string[] ConditionKeys = ["status", "grpcStatus", "latency"];
    private static readonly string[] ThresholdKeys = ["metric", "quantile"];

    // gRPC's status codes by name (the numbers are protocol facts).
    private static readonly Dictionary<string, int> GrpcCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["OK"] = 0, ["CANCELLED"] = 1, ["UNKNOWN"] = 2, ["INVALID_ARGUMENT"] = 3, ["DEADLINE_EXCEEDED"] = 4,
        ["NOT_FOUND"] = 5, ["ALREADY_EXISTS"] = 6, ["PERMISSION_DENIED"] = 7, ["RESOURCE_EXHAUSTED"] = 8,
        ["FAILED_PRECONDITION"] = 9, ["ABORTED"] = 10, ["OUT_OF_RANGE"] = 11, ["UNIMPLEMENTED"] = 12,
        ["INTERNAL"] = 13, ["UNAVAILABLE"] = 14, ["DATA_LOSS"] = 15, ["UNAUTHENTICATED"] = 16,
    };

    /// <summary>Reads <paramref name="holder"/> (a ratio part or a thresholdMetric): a mapping whose only key is <c>metricSource</c>.</summary>
    public static ParsedQuery? Read(YamlContext context, YamlNode holder, string where, bool threshold)
    {
        var fields = context.Fields(holder, where, ["metricSource"]);
        if (fields?.Require("metricSource", "metricSource: {type: Observe, spec: {service: checkout}}") is not { } sourceNode)
        {
            return null;
        }
        var source = context.Fields(sourceNode, $"{where}.metricSource", ["type", "spec", "metricSourceRef"]);
        if (source is null)
        {
            return null;
        }
        if (source.KeyNode("metricSourceRef") is { } reference)
        {
            context.Error(reference, "`metricSourceRef` is not supported: Observe reads only its own data, write `type: Observe` and the `spec` inline");
            return null;
        }
        var type = source.RequireText("type", "type: Observe");
        if (type is null)
        {
            return null;
        }
        if (!type.Equals("Observe", StringComparison.OrdinalIgnoreCase))
        {
            context.Error(source["type"]!, $"metric source type `{type}` is not supported: Observe reads only its own data: write `type: Observe`");
            return null;
        }
        if (source.Require("spec", "spec: {service: checkout}") is not { } specNode)
        {
            return null;
        }
        return ReadSpec(context, specNode, $"{where}.metricSource.spec", threshold);
    }

    private static ParsedQuery? ReadSpec(YamlContext context, YamlNode node, string where, bool threshold)
    {
        var allowed = threshold ? [.. SelectorKeys, .. ConditionKeys, .. ThresholdKeys] : SelectorKeys.Concat(ConditionKeys).ToArray();
        var errorsBefore = context.Findings.Errors;
        var spec = context.Fields(node, where, allowed);
        if (spec is null)
        {
            return null;
        }
        RequestSelector? selector = null;
        if (SelectorKeys.Any(spec.Has))
        {
            selector = new RequestSelector(
                ReadSource(context, spec),
                Glob(context, spec, "namespace"),
                Glob(context, spec, "service"),
                Glob(context, spec, "workload"),
                Glob(context, spec, "version"),
                Glob(context, spec, "route"),
                Glob(context, spec, "method"),
                Glob(context, spec, "operation"));
        }
        var statuses = spec["status"] is { } status ? ReadStatuses(context, status) : [];
        var grpc = spec["grpcStatus"] is { } grpcNode ? ReadGrpc(context, grpcNode) : [];
        TimeSpan? atMost = null, above = null;
        if (spec["latency"] is { } latency)
        {
            (atMost, above) = ReadLatency(context, latency, $"`latency` in {where}");
        }
        ThresholdMetric? metric = null;
        double? quantile = null;
        if (threshold)
        {
            (metric, quantile) = ReadMetric(context, spec, where);
        }
        var conditionNode = spec.KeyNode("status") ?? spec.KeyNode("grpcStatus") ?? (YamlNode?)spec.KeyNode("latency");
        if (context.Findings.Errors > errorsBefore)
        {
            return null;
        }
        return new ParsedQuery(selector, new RequestCondition(statuses, grpc, atMost, above), context.At(node), metric, quantile, conditionNode);
    }

    private static RequestSource ReadSource(YamlContext context, MappingFields spec)
    {
        if (spec.Text("source") is not { } text)
        {
            return RequestSource.Auto;
        }
        if (Enum.TryParse<RequestSource>(text, ignoreCase: true, out var value) && !int.TryParse(text, out _))
        {
            return value;
        }
        context.Error(spec["source"]!, $"`source: {text}` is not known: write `auto` (mesh records where there are some, else spans), `mesh` or `spans`");
        return RequestSource.Auto;
    }

    private static string? Glob(YamlContext context, MappingFields spec, string key) => spec.Text(key);

    private static List<StatusMatch> ReadStatuses(YamlContext context, YamlNode node)
    {
        var items = node is YamlSequenceNode seq ? seq.Children.ToList() : [node];
        var result = new List<StatusMatch>();
        foreach (var item in items)
        {
            var text = context.Text(item, "a `status` item");
            if (text is null)
            {
                continue;
            }
            if (text.Length == 3 && text[0] is >= '1' and <= '5' && text[1..].Equals("xx", StringComparison.OrdinalIgnoreCase))
            {
                var hundreds = (text[0] - '0') * 100;
                result.Add(new StatusMatch(hundreds, hundreds + 99));
            }
            else if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599)
            {
                result.Add(new StatusMatch(code, code));
            }
            else
            {
                context.Error(item, $"`{text}` is not an HTTP status: write a class `1xx`..`5xx` or a code 100-599, e.g. `5xx` or `429`");
            }
        }
        return result;
    }

    private static List<int> ReadGrpc(YamlContext context, YamlNode node)
    {
        var items = node is YamlSequenceNode seq ? seq.Children.ToList() : [node];
        var result = new List<int>();
        foreach (var item in items)
        {
            var text = context.Text(item, "a `grpcStatus` item");
            if (text is null)
            {
                continue;
            }
            if (GrpcCodes.TryGetValue(text, out var named))
            {
                result.Add(named);
            }
            else if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 0 and <= 16)
            {
                result.Add(code);
            }
            else
            {
                var suggestion = KeySuggestion.Closest(text, GrpcCodes.Keys);
                context.Error(item, $"`{text}` is not a gRPC status: write a code name such as `UNAVAILABLE` or a number 0-16"
                    + (suggestion is null ? "" : $" (did you mean `{suggestion}`?)"));
            }
        }
        return result;
    }

    internal static (TimeSpan? AtMost, TimeSpan? Above) ReadLatency(YamlContext context, YamlNode node, string where)
    {
        var fields = context.Fields(node, where, ["le", "gt"]);
        if (fields is null)
        {
            return (null, null);
        }
        if (fields.Has("le") == fields.Has("gt"))
        {
            context.Error(node, $"{where} needs exactly one of `le` (at most) or `gt` (slower than), e.g. `latency: {{le: 300ms}}`");
            return (null, null);
        }
        var key = fields.Has("le") ? "le" : "gt";
        var text = fields.Text(key);
        if (text is null)
        {
            return (null, null);
        }
        if (Durations.ParseLatency(text) is not { } span)
        {
            context.Error(fields[key]!, $"`{text}` is not a latency: write a number with ms, s or m (e.g. `300ms`, `1.5s`), or a number of milliseconds");
            return (null, null);
        }
        var bounds = Observe.Store.Slo.SloSchema.LatencyBoundsMillis;
        var millis = span.TotalMilliseconds;
        if (!bounds.Contains(millis))
        {
            // The rollups keep a histogram: between two bounds, counts are interpolated, not exact.
            var below = bounds.LastOrDefault(b => b < millis);
            var above = bounds.FirstOrDefault(b => b > millis);
            var nearest = above == 0 ? $"{below} ms" : below == 0 ? $"{above} ms" : $"{below} ms or {above} ms";
            context.Warning(fields[key]!, $"`{text}` is not a bound of the latency histogram, so requests near it are counted by interpolation: write {nearest} for exact counts");
        }
        return key == "le" ? (span, null) : (null, span);
    }

    private static (ThresholdMetric?, double?) ReadMetric(YamlContext context, MappingFields spec, string where)
    {
        ThresholdMetric? metric = null;
        if (spec.RequireText("metric", "metric: latency") is { } text)
        {
            metric = text switch
            {
                "latency" => ThresholdMetric.LatencyMillis,
                "errorRatio" => ThresholdMetric.ErrorRatio,
                "requestRate" => ThresholdMetric.RequestRate,
                _ => null,
            };
            if (metric is null)
            {
                context.Error(spec["metric"]!, $"`metric: {text}` is not known: write `latency` (milliseconds at a quantile), `errorRatio` or `requestRate` (per second)");
            }
        }
        double? quantile = null;
        if (spec["quantile"] is { } quantileNode)
        {
            quantile = context.Number(quantileNode, $"`quantile` in {where}", "0.99");
            if (quantile is { } q && q is <= 0 or >= 1)
            {
                context.Error(quantileNode, $"`quantile: {q.ToString(CultureInfo.InvariantCulture)}` is out of range: write a number between 0 and 1, e.g. `0.99` for p99");
                quantile = null;
            }
            else if (metric is ThresholdMetric.ErrorRatio or ThresholdMetric.RequestRate)
            {
                context.Error(spec.KeyNode("quantile")!, "`quantile` applies to `metric: latency` only: remove it");
            }
        }
        if (spec.KeyNode("latency") is { } latencyKey)
        {
            context.Error(latencyKey, "a thresholdMetric compares its value with the objective's `op` and `value`: remove `latency` here and write the limit as the objective's `value`");
        }
        return (metric, quantile);
    }
}
