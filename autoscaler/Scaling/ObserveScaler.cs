using Observe.Autoscaler.Scaling.Burst;
using Observe.Autoscaler.Scaling.Capacity;
using Observe.Autoscaler.Scaling.Forecast;
using Observe.Autoscaler.Scaling.Freshness;
using Observe.Autoscaler.Scaling.Headroom;
using Observe.Autoscaler.Scaling.Limits;
using Observe.Autoscaler.Scaling.Sizing;

namespace Observe.Autoscaler.Scaling;

/// <summary>
/// Observe's SLO-driven scaler: sizes the workload for the demand it forecasts at the capacity
/// per replica it learns, with headroom from the error budget, jumps ahead in a burst, and
/// otherwise changes the replica count only as fast and as far as the policy allows. Every rule
/// that changes or limits the answer says so in a reason.
/// </summary>
internal sealed class ObserveScaler : IReplicaScaler
{
    // Observe's rollups are 10 s: the newest complete one ends this long before now.
    private static readonly TimeSpan MetricsLag = TimeSpan.FromSeconds(10);

    // Capacity data this old weighs 1/e of new data: after half an hour of a slower version the
    // old one's observations weigh 5 %.
    private static readonly TimeSpan CapacityMemory = TimeSpan.FromMinutes(10);

    // A latency quantile over a window in which the load per replica moved by more than this
    // factor mixes two loads (just after a scale-up it is the overloaded fleet's latency), so it
    // is not paired with either.
    private const double MaxLoadSwing = 1.25;

    private readonly ScalingPolicy _policy;
    private readonly SignalFreshness _freshness;
    private readonly CapacityBySize _capacity;
    private readonly EffectiveReplicaHistory _effective;
    private readonly DemandForecaster _forecast;
    private readonly BudgetHeadroom _headroom;
    private readonly BurstDetector _burst;
    private readonly ReplicaChanges _changes;
    private readonly ScaleUpLimit _up;
    private readonly ScaleDownLimit _down;
    private readonly RecommendationWindow _stabilisation;
    private readonly ReplicaBounds _bounds;

    public ObserveScaler(ScalingPolicy policy, LatencyObjective objective)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(objective);
        if (policy.Tick <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy.Tick, "the policy's tick must be positive");
        }
        _policy = policy;
        Cadence = new(policy.Tick, policy.Burst.ShortWindow, policy.Burst.StableWindow, MetricsLag);
        _freshness = new(policy.Tick, MetricsLag);
        _capacity = new(objective.ThresholdSeconds, policy.CapacityHint, policy.Tick, CapacityMemory);
        _effective = new(policy.Burst.StableWindow + MetricsLag, policy.Tick);
        _forecast = new(policy.Prediction, policy.Tick);
        _headroom = new(policy.Headroom);
        _burst = new(policy.Burst, policy.Tick);
        _changes = new(policy.ScaleUp.Period > policy.ScaleDown.Period ? policy.ScaleUp.Period : policy.ScaleDown.Period);
        _up = new(policy.ScaleUp);
        _down = new(policy.ScaleDown);
        _stabilisation = new(policy.ScaleDown.Stabilisation);
        _bounds = new(policy.MinReplicas, policy.MaxReplicas);
    }

    public string Name => "observe";

    public ScalerCadence Cadence { get; }

    public ScalingDecision Decide(ScalingSignals signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        var time = signals.Time;
        var current = signals.Replicas.Desired;
        var fleet = FleetCapacity.Of(signals.Replicas, _policy.Startup);
        _changes.Observe(time, current);
        _effective.Add(time, fleet.Effective);
        var reasons = new List<ScalingReason>();

        var state = _freshness.Check(signals);
        if (state != DataState.Fresh)
        {
            _burst.Step(time, default, needExceedsFleet: false);
            return Hold(signals, fleet, _freshness.Describe(signals, state), reasons);
        }
        var rateLong = signals.RateLong!.Value;
        var rateShort = Usable(signals.RateShort);
        var inFlight = Usable(signals.InFlight);

        Learn(signals, rateLong, rateShort);
        // The stable-window rate describes the middle of its window, which ends a metrics lag ago.
        var measuredAt = time - MetricsLag - (_policy.Burst.StableWindow / 2);
        var forecast = _forecast.Next(measuredAt, rateLong, time + _policy.Horizon);
        var trigger = _burst.Trigger(rateShort, rateLong, inFlight);

        if (_capacity.At(Math.Max(1, fleet.Effective)) is not { } capacity)
        {
            _burst.Step(time, default, needExceedsFleet: false);
            _burst.Learn(trigger, rateShort, inFlight);
            if (current == 0 && rateLong > 0)
            {
                // Nothing to learn from without a replica: start one.
                reasons.Add(new(ReasonCodes.Demand, $"0 → 1 replica: {rateLong:F1} req/s and no replica to learn the capacity per replica from"));
                return new(time, current, _bounds.Clamp(1, reasons), reasons, new DecisionFigures(DemandNow: rateLong, EffectiveReplicas: fleet.Effective));
            }
            return Hold(signals, fleet, "no capacity estimate yet: no hint, and no tick yet with load and a latency at the objective", reasons);
        }
        var headroom = _headroom.For(signals.Slo);
        var h = headroom.Value;
        if (h > _policy.Headroom.Min)
        {
            reasons.Add(new(ReasonCodes.BudgetBurn, DescribeHeadroom(headroom, signals.Slo!)));
        }

        // Step 5: the need for the forecast, and for now with what warming pods lack.
        var needNow = _capacity.Need(rateLong, h)!.Value.Replicas;
        var (needForecast, perReplica) = _capacity.Need(forecast.Value, h)!.Value;
        int byNow = ReplicaNeed.Whole(needNow), byForecast = ReplicaNeed.Whole(needForecast);
        var recommendation = byForecast;
        if (byForecast > byNow)
        {
            reasons.Add(new(ReasonCodes.Forecast,
                $"{Describe(forecast.Source)} forecast {forecast.Value:F1} req/s at +{Describe(_policy.Horizon)} (now {rateLong:F1}) needs {byForecast} replicas, the current rate {byNow}"));
        }
        if (ReplicaNeed.WithWarming(rateLong, h, capacity, fleet) is { } warming && warming > recommendation)
        {
            reasons.Add(new(ReasonCodes.WarmingPods,
                $"{rateLong:F1} req/s exceeds the {fleet.Effective:F2} effective replicas' {fleet.Effective * capacity:F1} req/s; " +
                $"{fleet.Shortfall:F2} replicas' worth of capacity is still warming or late, so {warming} replicas instead of {recommendation}"));
            recommendation = warming;
        }

        // Step 6: burst mode sizes for the short window at once.
        var burstRate = Math.Max(Math.Max(rateShort ?? 0, rateLong), trigger.InFlightRate ?? 0);
        var burstNeed = _capacity.Need(burstRate, h)!.Value.Replicas;
        _burst.Step(time, trigger, burstNeed > fleet.Effective);
        _burst.Learn(trigger, rateShort, inFlight);
        if (_burst.Active)
        {
            var burstTarget = ReplicaNeed.WithWarming(burstRate, h, capacity, fleet) ?? ReplicaNeed.Whole(burstNeed);
            recommendation = Math.Max(recommendation, burstTarget);
            reasons.Add(new(ReasonCodes.Burst, DescribeBurst(trigger, rateShort, rateLong, inFlight, burstRate, burstTarget, time)));
        }

        // Steps 7–8: how fast and how far the count may move.
        var stabilised = _stabilisation.Add(time, recommendation);
        var desired = current;
        if (_burst.Active)
        {
            desired = Math.Max(current, recommendation);
        }
        else if (recommendation > current)
        {
            var ceiling = _up.Ceiling(current, _changes.Within(time, _up.Period, up: true), _changes.Within(time, _up.Period, up: false));
            desired = Math.Min(recommendation, ceiling);
            if (desired < recommendation)
            {
                reasons.Add(new(ReasonCodes.ScaleUpLimited,
                    $"{recommendation} replicas wanted, at most {ceiling} within {Describe(_up.Period)} (max({_policy.ScaleUp.MaxPercent:G} %, {_policy.ScaleUp.MaxPods} pods) per period)"));
            }
        }
        else if (recommendation < current)
        {
            desired = Math.Min(current, stabilised);
            if (desired > recommendation)
            {
                reasons.Add(new(ReasonCodes.ScaleDownStabilised,
                    $"{recommendation} replicas recommended, but {stabilised} was recommended within the last {Describe(_policy.ScaleDown.Stabilisation)}; keeping {desired}"));
            }
            if (desired < current)
            {
                var floor = _down.Floor(current, _changes.Within(time, _down.Period, up: true), _changes.Within(time, _down.Period, up: false));
                if (desired < floor)
                {
                    reasons.Add(new(ReasonCodes.ScaleDownLimited,
                        $"{desired} replicas wanted, at least {floor} within {Describe(_down.Period)} (max({_policy.ScaleDown.MaxPercent:G} %, {_policy.ScaleDown.MaxPods} pods) removed per period)"));
                    desired = floor;
                }
            }
        }
        desired = _bounds.Clamp(desired, reasons);

        var sizing = $"{rateLong:F1} req/s" + (forecast.Value > rateLong ? $" (forecast {forecast.Value:F1})" : "") +
            $" × (1 + {h:P0} headroom) / {perReplica:F1} req/s per replica (learned for a fleet of that size) = {needForecast:F2} → {recommendation} recommended";
        reasons.Insert(0, desired == current
            ? new(ReasonCodes.Steady, $"{current} replicas kept; {sizing}")
            : new(ReasonCodes.Demand, $"{current} → {desired} replicas; {sizing}"));

        return new(time, current, desired, reasons, new DecisionFigures(
            CapacityPerReplica: capacity,
            DemandNow: rateLong,
            DemandForecast: forecast.Value,
            Headroom: h,
            EffectiveReplicas: fleet.Effective,
            Recommendation: recommendation,
            Burst: _burst.Active));
    }

    /// <summary>Step 1: without usable data the count stays (within bounds); never a scale-down.</summary>
    private ScalingDecision Hold(ScalingSignals signals, FleetCapacity fleet, string why, List<ScalingReason> reasons)
    {
        var current = signals.Replicas.Desired;
        reasons.Add(new(ReasonCodes.MissingDataHold, $"holding {current} replicas: {why}"));
        var desired = _bounds.Clamp(current, reasons);
        return new(signals.Time, current, desired, reasons, new DecisionFigures(
            CapacityPerReplica: _capacity.At(Math.Max(1, fleet.Effective)),
            DemandNow: signals.RateLong,
            EffectiveReplicas: fleet.Effective,
            Burst: _burst.Active));
    }

    /// <summary>
    /// Step 2: pairs the stable window's latency quantile with the load per effective replica
    /// over the same window (it ends a metrics lag ago; the fleet of the ticks since its start is
    /// averaged). Only steady windows teach: in a burst, while the rate moves within the window,
    /// or while requests are turned away, the quantile is that of a backlog built up before,
    /// not of the load per replica now, and learning from it would make a fleet that just caught
    /// up believe its replicas are slow.
    /// </summary>
    private void Learn(ScalingSignals signals, double rateLong, double? rateShort)
    {
        if (signals.Latency?.AtObjective is not { } quantile
            || _burst.Active
            || signals.ErrorRatio > 0
            || (rateShort is { } r && Math.Abs(r - rateLong) > (MaxLoadSwing - 1) * rateLong)
            || _effective.Since(signals.Time - MetricsLag - _policy.Burst.StableWindow) is not { } fleet
            || !(fleet.Min > 0)
            || fleet.Max > MaxLoadSwing * fleet.Min)
        {
            return;
        }
        _capacity.Observe(fleet.Mean, rateLong / fleet.Mean, quantile);
    }

    private static double? Usable(double? value) => value is >= 0 and var v && double.IsFinite(v) ? v : null;

    private string DescribeBurst(BurstTrigger trigger, double? rateShort, double rateLong, double? inFlight, double burstRate, int target, DateTimeOffset time)
    {
        var threshold = _policy.Burst.Threshold;
        var why = trigger switch
        {
            { ByRate: true } => $"short-window rate {rateShort:F1} req/s is {trigger.RateRatio:F2}× the stable {rateLong:F1} (threshold {threshold:G}×)",
            { ByInFlight: true } => $"{inFlight:F1} requests in flight are {trigger.InFlightRatio:F2}× what {rateLong:F1} req/s implies (threshold {threshold:G}×)",
            _ => $"no trigger for {(time - _burst.LastTrigger).TotalSeconds:F0} s of the {_policy.Burst.HoldFor.TotalSeconds:F0} s hold",
        };
        return $"burst since {_burst.Since:HH:mm:ss}: {why}; sized for {burstRate:F1} req/s → {target} replicas, no rate limit, no scale-down";
    }

    private string DescribeHeadroom(HeadroomShares headroom, SloSignal slo)
    {
        var burn = slo.BurnRateShort ?? slo.BurnRateLong;
        return $"headroom {headroom.Value:P0} (min {_policy.Headroom.Min:P0}): burn rate {(burn is { } b ? $"{b:F1}×" : "unknown")} asks {headroom.FromBurn:P0}, " +
            $"{slo.BudgetRemaining:P0} of the budget left asks {headroom.FromBudget:P0}";
    }

    private static string Describe(ForecastSource source) => source switch
    {
        ForecastSource.Trend => "trend",
        ForecastSource.Daily => "daily",
        ForecastSource.Weekly => "weekly",
        _ => "current",
    };

    private static string Describe(TimeSpan span) =>
        span.TotalSeconds < 120 ? $"{span.TotalSeconds:G} s" : span.TotalMinutes < 120 ? $"{span.TotalMinutes:G} min" : $"{span.TotalHours:G} h";
}
