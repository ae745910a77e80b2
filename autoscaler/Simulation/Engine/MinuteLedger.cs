using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Simulation.Engine;

/// <summary>
/// Per-minute totals of a run: the points of the plots, the violation minutes, and running
/// totals from which the SLO budget and burn rates a scaler sees are one subtraction each.
/// Sized by the trace, not by time spent.
/// </summary>
internal sealed class MinuteLedger(int minutes, LatencyObjective objective)
{
    private readonly long[] _requests = new long[minutes + 1]; // cumulative, [m] = before minute m
    private readonly long[] _good = new long[minutes + 1];
    private readonly MinutePoint[] _points = new MinutePoint[minutes];
    private long _requestsNow, _goodNow;
    private long _rejected;
    private double _capacitySum, _demandSum;
    private int _capacitySeconds;
    private int _closed;

    /// <summary>One second's trace rate and the capacity of the pods ready in it.</summary>
    public void Observe(double rate, double capacity)
    {
        _demandSum += rate;
        _capacitySum += capacity;
        _capacitySeconds++;
    }

    public void Completed(bool good)
    {
        _requestsNow++;
        if (good) _goodNow++;
    }

    public void Rejected()
    {
        _requestsNow++;
        _rejected++;
    }

    public void Close(long second, int replicas, int ready)
    {
        var m = (int)(second / 60);
        var requests = _requestsNow - _requests[m];
        var good = _goodNow - _good[m];
        _requests[m + 1] = _requestsNow;
        _good[m + 1] = _goodNow;
        _points[m] = new MinutePoint(m, _demandSum / _capacitySeconds, _capacitySum / _capacitySeconds, replicas, ready, requests, good);
        _capacitySum = _demandSum = 0;
        _capacitySeconds = 0;
        _closed = m + 1;
    }

    /// <summary>
    /// Budget and burn over whole minutes closed by second <paramref name="until"/>; null before
    /// the first minute closes.
    /// </summary>
    public SloSignal? Slo(long until, TimeSpan budgetPeriod, int burnShortMinutes, int burnLongMinutes)
    {
        var end = Math.Min(_closed, (int)(until / 60));
        if (end <= 0) return null;
        var allowed = 1 - objective.Target;
        double Burn(int span)
        {
            var from = Math.Max(0, end - span);
            var total = _requests[end] - _requests[from];
            return total == 0 ? 0 : (total - (_good[end] - _good[from])) / (double)total / allowed;
        }
        var periodFrom = Math.Max(0, end - (int)budgetPeriod.TotalMinutes);
        var periodTotal = _requests[end] - _requests[periodFrom];
        var periodBad = periodTotal - (_good[end] - _good[periodFrom]);
        var remaining = periodTotal == 0 ? 1 : 1 - periodBad / (allowed * periodTotal);
        return new SloSignal(remaining, Burn(burnShortMinutes), Burn(burnLongMinutes));
    }

    public SimulationResult Result(string policy, double replicaHours, IReadOnlyList<ScalingDecision> actions, TimeSpan elapsed)
    {
        var points = _points.AsSpan(0, _closed).ToArray();
        var requests = _requestsNow;
        var good = _goodNow;
        var violations = points.Count(p => p.Requests > 0 && (double)p.Good / p.Requests < objective.Target);
        var share = requests == 0 ? 1 : (double)good / requests;
        var consumed = requests == 0 ? 0 : (requests - good) / ((1 - objective.Target) * requests);
        return new SimulationResult(policy, requests, good, _rejected, share, violations, consumed, replicaHours, actions.Count, elapsed, points, actions);
    }
}
