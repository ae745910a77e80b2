using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Simulation.Baselines;

/// <summary>
/// The Knative Pod Autoscaler on requests/s (knative/serving <c>pkg/autoscaler/scaling/autoscaler.go</c>,
/// <c>Scale</c>, then the reconciler's scale bounds): the stable and panic windows' averages over
/// the target give two pod counts, each kept within the rates allowed from the ready pods; panic
/// mode starts when the panic count reaches the threshold times the ready pods, never scales down,
/// and ends after a stable window without reaching it.
/// </summary>
internal sealed class KpaScaler : IReplicaScaler
{
    private readonly KpaSettings settings;
    private readonly double panicThreshold;

    // Panic state: when the threshold was last reached (null: stable mode), and the most pods asked for since.
    private DateTimeOffset? panicTime;
    private int maxPanicPods;

    public KpaScaler(KpaSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        this.settings = settings;
        panicThreshold = settings.PanicThresholdPercentage / 100.0;
        Cadence = new ScalerCadence(settings.TickInterval, settings.PanicWindow, settings.StableWindow, settings.MetricsLag);
    }

    public string Name => "kpa";

    public ScalerCadence Cadence { get; }

    public ScalingDecision Decide(ScalingSignals signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        var now = signals.Time;
        var current = signals.Replicas.Desired;
        var reasons = new List<ScalingReason>();

        if (signals.RateLong is not { } stable)
        {
            // No data in the stable window: the decider returns an invalid result and the scale stays.
            reasons.Add(new ScalingReason(ReasonCodes.MissingDataHold,
                $"no request rate over the last {Seconds(settings.StableWindow)}: keeping {current} replicas"));
            return new ScalingDecision(now, current, current, reasons,
                new DecisionFigures(CapacityPerReplica: settings.TargetPerPod, Burst: panicTime.HasValue));
        }
        // An empty panic window averages to 0 in the collector.
        var panic = signals.RateShort ?? 0;

        var originalReady = signals.Replicas.Ready;
        double ready = Math.Max(1, originalReady);
        var maxScaleUp = Math.Ceiling(settings.MaxScaleUpRate * ready);
        var maxScaleDown = Math.Floor(ready / settings.MaxScaleDownRate);

        var dspc = Math.Ceiling(stable / settings.TargetPerPod);
        var dppc = Math.Ceiling(panic / settings.TargetPerPod);
        var desiredStable = (int)Math.Min(Math.Max(dspc, maxScaleDown), maxScaleUp);
        var desiredPanic = (int)Math.Min(Math.Max(dppc, maxScaleDown), maxScaleUp);

        var overThreshold = dppc / ready >= panicThreshold;
        var leftPanic = false;
        if (overThreshold)
        {
            // Entering, or staying: every tick over the threshold restarts the stable window's wait.
            panicTime = now;
        }
        else if (panicTime is { } since && since + settings.StableWindow < now)
        {
            panicTime = null;
            maxPanicPods = 0;
            leftPanic = true;
        }

        int desired;
        if (panicTime is { } panicSince)
        {
            var wanted = Math.Max(desiredStable, desiredPanic);
            reasons.Add(new ScalingReason(ReasonCodes.Burst, overThreshold
                ? $"panic mode: {panic:0.###} req/s over the last {Seconds(settings.PanicWindow)} needs {dppc:0} pods, {dppc / ready:0.##}× the {ready:0} ready (threshold {panicThreshold:0.##}×)"
                : $"panic mode since the threshold was last reached {Seconds(now - panicSince)} ago; it ends {Seconds(settings.StableWindow)} after that"));
            Explain(reasons, Math.Max(dspc, dppc), maxScaleUp, maxScaleDown, ready);
            if (wanted > maxPanicPods)
                maxPanicPods = wanted;
            else if (wanted < maxPanicPods)
                reasons.Add(new ScalingReason(ReasonCodes.ScaleDownStabilised,
                    $"no scale-down in panic mode: keeping the {maxPanicPods} pods asked for since panicking, not {wanted}"));
            desired = maxPanicPods;
        }
        else
        {
            var what = $"{stable:0.###} req/s over the last {Seconds(settings.StableWindow)} at {settings.TargetPerPod:0.###} per pod needs {dspc:0} pods";
            reasons.Add(new ScalingReason(desiredStable == current ? ReasonCodes.Steady : ReasonCodes.Demand,
                leftPanic ? $"left panic mode after {Seconds(settings.StableWindow)} below the threshold; {what}" : what));
            Explain(reasons, dspc, maxScaleUp, maxScaleDown, ready);
            desired = desiredStable;
        }

        var bounded = ApplyBounds(desired, reasons);
        var recommendation = panicTime.HasValue ? Math.Max(dspc, dppc) : dspc;
        return new ScalingDecision(now, current, bounded, reasons, new DecisionFigures(
            CapacityPerReplica: settings.TargetPerPod,
            DemandNow: panicTime.HasValue ? Math.Max(stable, panic) : stable,
            Recommendation: (int)Math.Min(recommendation, int.MaxValue),
            Burst: panicTime.HasValue));
    }

    // The rates are relative to the ready pods, not to the replicas asked for.
    private void Explain(List<ScalingReason> reasons, double pods, double maxScaleUp, double maxScaleDown, double ready)
    {
        if (pods > maxScaleUp)
            reasons.Add(new ScalingReason(ReasonCodes.ScaleUpLimited,
                $"max scale-up rate {settings.MaxScaleUpRate:0.##} × {ready:0} ready pods allows {maxScaleUp:0}, not {pods:0}"));
        else if (pods < maxScaleDown)
            reasons.Add(new ScalingReason(ReasonCodes.ScaleDownLimited,
                $"max scale-down rate {settings.MaxScaleDownRate:0.##} from {ready:0} ready pods keeps at least {maxScaleDown:0}, not {pods:0}"));
    }

    // The PodAutoscaler reconciler's applyBounds: min-scale, then max-scale unless it is 0 (unlimited).
    private int ApplyBounds(int desired, List<ScalingReason> reasons)
    {
        if (desired < settings.MinReplicas)
        {
            reasons.Add(new ScalingReason(ReasonCodes.BoundedByMin, $"{desired} pods wanted, min-scale is {settings.MinReplicas}"));
            return settings.MinReplicas;
        }
        if (settings.MaxReplicas != 0 && desired > settings.MaxReplicas)
        {
            reasons.Add(new ScalingReason(ReasonCodes.BoundedByMax, $"{desired} pods wanted, max-scale is {settings.MaxReplicas}"));
            return settings.MaxReplicas;
        }
        return desired;
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.#} s";
}
