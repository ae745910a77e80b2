using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Simulation.Baselines;

/// <summary>
/// The Kubernetes HorizontalPodAutoscaler controller (autoscaling/v2, <c>reconcileAutoscaler</c>
/// in <c>horizontal.go</c>) for one HPA with one Pods metric: average requests/s per pod against
/// <see cref="HpaSettings.TargetPerPod"/>, with the behaviour machinery (stabilisation windows,
/// rate policies, selectPolicy) as the controller runs it.
/// </summary>
/// <remarks>
/// The simulator's pods are ready (they serve and have a value) or still starting; a starting pod
/// is taken as Pending, i.e. "unready" to the calculator, which counts it at 0 on a scale-up and
/// leaves it out otherwise. The ready pods' values add up to the workload's rate, because only
/// ready pods receive traffic.
/// </remarks>
internal sealed class HpaScaler : IReplicaScaler
{
    private readonly HpaSettings settings;
    private readonly HpaTolerances tolerances;
    private readonly HpaRecommendations recommendations = new();
    private readonly HpaScaleEvents events = new();

    public HpaScaler(HpaSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        this.settings = settings;
        tolerances = new HpaTolerances(
            settings.Behavior.ScaleDown.Tolerance ?? settings.Tolerance,
            settings.Behavior.ScaleUp.Tolerance ?? settings.Tolerance);
        // Only the stable window matters: the HPA reads one rate, so the short window is the same one.
        Cadence = new ScalerCadence(settings.SyncPeriod, settings.MetricsWindow, settings.MetricsWindow, settings.MetricsLag);
    }

    public string Name => "hpa";

    public ScalerCadence Cadence { get; }

    public ScalingDecision Decide(ScalingSignals signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        var now = signals.Time;
        var current = signals.Replicas.Desired;
        var reasons = new List<ScalingReason>();
        recommendations.RecordInitial(current, now);

        int desired;
        int? recommendation = null;
        if (current == 0)
        {
            // A target someone scaled to 0 is left alone while minReplicas is above 0.
            desired = 0;
            reasons.Add(new ScalingReason(ReasonCodes.Steady, "the target has 0 replicas: the HPA does not scale it until it is scaled up by hand"));
        }
        else if (current > settings.MaxReplicas)
        {
            desired = settings.MaxReplicas;
            reasons.Add(new ScalingReason(ReasonCodes.BoundedByMax, $"{current} replicas are above maxReplicas {settings.MaxReplicas}: scaling to it without reading the metric"));
        }
        else if (current < settings.MinReplicas)
        {
            desired = settings.MinReplicas;
            reasons.Add(new ScalingReason(ReasonCodes.BoundedByMin, $"{current} replicas are below minReplicas {settings.MinReplicas}: scaling to it without reading the metric"));
        }
        else
        {
            (desired, recommendation) = FromMetric(signals, current, reasons);
        }

        if (desired != current)
            events.Store(settings.Behavior, current, desired, now);
        return new ScalingDecision(now, current, desired, reasons,
            new DecisionFigures(CapacityPerReplica: settings.TargetPerPod, DemandNow: signals.RateLong, Recommendation: recommendation));
    }

    private (int Desired, int? Recommendation) FromMetric(ScalingSignals signals, int current, List<ScalingReason> reasons)
    {
        var now = signals.Time;
        var ready = signals.Replicas.Ready;
        var starting = signals.Replicas.Pods.Count - ready;
        if (signals.RateLong is not { } rate)
        {
            // A metric the adapter cannot serve is an error to the controller: no recommendation is
            // recorded and the scale is left as it is.
            reasons.Add(new ScalingReason(ReasonCodes.MissingDataHold,
                $"no request rate over the last {Seconds(settings.MetricsWindow)}: the metric cannot be read, keeping {current} replicas"));
            return (current, null);
        }

        var proposal = HpaReplicaCalculator.PodsMetric(current, new HpaPodGroups(ready, rate, starting, Missing: 0), settings.TargetPerPod, tolerances);
        if (proposal.IsFailure)
        {
            var why = proposal.Outcome == HpaOutcome.NoPods ? "no pods" : $"no ready pod ({starting} starting)";
            reasons.Add(new ScalingReason(ReasonCodes.MissingDataHold, $"{why} to read the metric from: keeping {current} replicas"));
            return (current, null);
        }
        reasons.Add(Explain(proposal, current, ready, starting));

        var behavior = settings.Behavior;
        var stabilised = recommendations.Stabilise(current, proposal.Replicas, behavior.ScaleUp.StabilisationWindow, behavior.ScaleDown.StabilisationWindow, now);
        if (stabilised.Replicas != proposal.Replicas)
        {
            reasons.Add(proposal.Replicas >= current
                ? new ScalingReason(ReasonCodes.ScaleUpLimited,
                    $"the lowest recommendation of the last {Seconds(behavior.ScaleUp.StabilisationWindow)} is {stabilised.LowestInUpWindow}: {stabilised.Replicas} replicas, not {proposal.Replicas}")
                : new ScalingReason(ReasonCodes.ScaleDownStabilised,
                    $"the highest recommendation of the last {Seconds(behavior.ScaleDown.StabilisationWindow)} is {stabilised.HighestInDownWindow}: {stabilised.Replicas} replicas, not {proposal.Replicas}"));
        }

        var desired = LimitRate(current, stabilised.Replicas, now, reasons);
        return (desired, proposal.Replicas);
    }

    // convertDesiredReplicasWithBehaviorRate: the policies' limit, and min/max, applied in the direction of the change.
    private int LimitRate(int current, int wanted, DateTimeOffset now, List<ScalingReason> reasons)
    {
        var behavior = settings.Behavior;
        if (wanted > current)
        {
            var limit = Math.Max(current, events.ScaleUpLimit(current, behavior.ScaleUp, now));
            if (settings.MaxReplicas > limit)
            {
                if (wanted <= limit)
                    return wanted;
                reasons.Add(new ScalingReason(ReasonCodes.ScaleUpLimited,
                    $"scale-up policies ({Describe(behavior.ScaleUp)}) allow at most {limit} replicas now: {limit}, not {wanted}"));
                return limit;
            }
            if (wanted <= settings.MaxReplicas)
                return wanted;
            reasons.Add(new ScalingReason(ReasonCodes.BoundedByMax, $"{wanted} replicas wanted, maxReplicas is {settings.MaxReplicas}"));
            return settings.MaxReplicas;
        }
        if (wanted < current)
        {
            var limit = Math.Min(current, events.ScaleDownLimit(current, behavior.ScaleDown, now));
            if (settings.MinReplicas < limit)
            {
                if (wanted >= limit)
                    return wanted;
                reasons.Add(new ScalingReason(ReasonCodes.ScaleDownLimited,
                    $"scale-down policies ({Describe(behavior.ScaleDown)}) allow no fewer than {limit} replicas now: {limit}, not {wanted}"));
                return limit;
            }
            if (wanted >= settings.MinReplicas)
                return wanted;
            reasons.Add(new ScalingReason(ReasonCodes.BoundedByMin, $"{wanted} replicas wanted, minReplicas is {settings.MinReplicas}"));
            return settings.MinReplicas;
        }
        return wanted;
    }

    private ScalingReason Explain(HpaProposal p, int current, int ready, int starting)
    {
        var seen = $"{p.Average:0.###} req/s per pod over {ready} ready pods, target {settings.TargetPerPod:0.###}: ratio {p.UsageRatio:0.###}";
        var filled = $"counting {starting} starting pods at 0 req/s gives {p.FinalRatio:0.###} over {p.PodsCounted} pods";
        return p.Outcome switch
        {
            HpaOutcome.WithinTolerance when p.Recomputed => new ScalingReason(ReasonCodes.WithinTolerance,
                $"{seen}; {filled}, within the tolerance {tolerances}: keeping {current} replicas"),
            HpaOutcome.WithinTolerance => new ScalingReason(ReasonCodes.WithinTolerance,
                $"{seen}, within the tolerance {tolerances}: keeping {current} replicas"),
            HpaOutcome.DirectionReversed => new ScalingReason(ReasonCodes.WarmingPods,
                $"{seen}; {filled}, the other direction: keeping {current} replicas"),
            _ when p.Recomputed => new ScalingReason(ReasonCodes.Demand, $"{seen}; {filled}: {p.Replicas} replicas"),
            _ => new ScalingReason(ReasonCodes.Demand, $"{seen}: {p.Replicas} replicas"),
        };
    }

    private static string Describe(HpaScalingRules rules) =>
        string.Join(", ", rules.Policies.Select(p => $"{p.Type} {p.Value} per {Seconds(p.Period)}")) + $", selectPolicy {rules.SelectPolicy}";

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.#} s";
}
