using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Slo;

namespace Observe.Autoscaler.Control;

/// <summary>The latency objective a policy's scaler keeps, from the SLOs it protects.</summary>
internal static class LatencyObjectives
{
    /// <summary>
    /// The strictest latency objective among <paramref name="slos"/>: a ratio SLO whose good
    /// requests are those within a latency bound (target = the objective's), or a threshold SLO
    /// on a latency quantile (target = that quantile). Null when none bounds latency.
    /// </summary>
    public static LatencyObjective? Of(IEnumerable<SloDefinition> slos)
    {
        var candidates = new List<LatencyObjective>();
        foreach (var slo in slos)
        {
            switch (slo.Indicator)
            {
                case RatioIndicator { CountsBad: false, Counted.Condition.LatencyAtMost: { } bound }:
                    candidates.AddRange(slo.Objectives.Select(o => new LatencyObjective(bound.TotalSeconds, o.Target)));
                    break;
                case ThresholdIndicator { Metric: ThresholdMetric.LatencyMillis } threshold:
                    candidates.AddRange(slo.Objectives.Where(o => o.Value is not null)
                        .Select(o => new LatencyObjective(o.Value!.Value / 1000, threshold.Quantile)));
                    break;
            }
        }
        // Strictest: the shortest bound, then the highest target.
        return candidates.OrderBy(c => c.ThresholdSeconds).ThenByDescending(c => c.Target).FirstOrDefault();
    }
}
