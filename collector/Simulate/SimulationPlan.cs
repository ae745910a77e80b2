using System.Globalization;
using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Simulation;
using Observe.Autoscaler.Simulation.Baselines;
using Observe.Autoscaler.Simulation.Traces;

namespace Observe.Collector.Simulate;

/// <summary>A trace to replay and the capacity changes that come with it.</summary>
internal sealed record PlannedCase(RequestTrace Trace, IReadOnlyList<CapacityChange> CapacityChanges);

/// <summary>
/// What <c>observe simulate</c> runs: the traces (read or generated, cut and scaled), the workload
/// model each is replayed against, and a fresh scaler of each kind per run (scalers keep state).
/// </summary>
internal sealed class SimulationPlan(SimulateSettings settings, ScalingPolicy policy, IReadOnlyList<PlannedCase> cases)
{
    /// <summary>Share of μ a pod runs at when the trace's peak is sized (<c>--scale</c>) and that the oracle plans for.</summary>
    public const double PeakUtilisation = 0.8;

    public IReadOnlyList<PlannedCase> Cases => cases;

    public ScalingPolicy Policy => policy;

    /// <summary>The traces to replay: the file read, cut and scaled, or the cases generated (and cut).</summary>
    /// <exception cref="ArgumentException">A trace that cannot be read, cut or scaled; the message names the option or file:line.</exception>
    public static IReadOnlyList<PlannedCase> Traces(SimulateSettings settings, TextWriter notes)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(notes);
        return settings.TracePath is { } path ? [FromFile(settings, path, notes)] : [.. settings.Cases.Select(name => Generated(settings, name))];
    }

    public static SimulationPlan Create(SimulateSettings settings, ScalingPolicy policy, IReadOnlyList<PlannedCase> cases, TextWriter notes)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(notes);
        foreach (var c in cases)
        {
            // Sized beyond the policy's bound, every scaler falls short at the peak; say so before the table does.
            var needed = (int)Math.Ceiling(c.Trace.PeakRate / (settings.ServiceRate * PeakUtilisation * (c.CapacityChanges.Count > 0 ? c.CapacityChanges.Min(x => x.Factor) : 1)));
            if (needed > policy.MaxReplicas)
            {
                notes.WriteLine($"observe: note: {c.Trace.Name}'s peak ({c.Trace.PeakRate.ToString("#,0.#", CultureInfo.InvariantCulture)} requests/s) needs {needed} replicas at {PeakUtilisation:P0} of μ, above the policy's maxReplicas {policy.MaxReplicas}");
            }
        }
        return new SimulationPlan(settings, policy, cases);
    }

    public WorkloadModel Model(PlannedCase planned)
    {
        ArgumentNullException.ThrowIfNull(planned);
        // The policy describes the workload it scales; the options override that for a what-if.
        var startup = new PodStartup(settings.StartupDelay ?? policy.Startup.Delay, settings.Warmup ?? policy.Startup.Warmup, policy.Startup.WarmupStartFactor);
        return new WorkloadModel(settings.ServiceRate, startup, new LatencyObjective(settings.Latency.TotalSeconds, Share(settings.TargetPercent)),
            settings.QueueLimit, policy.MinReplicas, Balancer.PowerOfTwoChoices, ServiceTimeDistribution.Exponential, planned.CapacityChanges);
    }

    /// <summary>Observe's scaler first, then the baselines asked for; each new, for one run.</summary>
    public IReadOnlyList<IReplicaScaler> Scalers(PlannedCase planned, WorkloadModel model)
    {
        ArgumentNullException.ThrowIfNull(planned);
        var perPod = settings.BaselineUtilisation * settings.ServiceRate;
        var (min, max) = (policy.MinReplicas, policy.MaxReplicas);
        return
        [
            new ObserveScaler(policy, model.Objective),
            .. settings.Baselines.Select<string, IReplicaScaler>(name => name switch
            {
                "hpa" => new HpaScaler(new HpaSettings(min, max, perPod)),
                "kpa" => new KpaScaler(new KpaSettings(min, max, perPod)),
                _ => new OracleScaler(planned.Trace, model, min, max, PeakUtilisation),
            }),
        ];
    }

    /// <summary>Percent to share in decimal, so that 99.9 % is 0.999 and not 0.9990000000000001 in the model and the report.</summary>
    private static double Share(double percent) => (double)((decimal)percent / 100m);

    private static PlannedCase FromFile(SimulateSettings settings, string path, TextWriter notes)
    {
        RequestTrace trace;
        try
        {
            trace = RequestTraces.Read(path, out var gaps);
            if (gaps.Count > 0)
            {
                var unit = trace.Step == TimeSpan.FromMinutes(1) ? "minute" : "second";
                notes.WriteLine($"observe: note: {path}: {gaps.Sum(g => g.MissingSteps)} missing {unit}(s) in {gaps.Count} gap(s) read as {unit}s without requests (the first before line {gaps[0].Line})");
            }
        }
        catch (TraceFormatException e)
        {
            throw new ArgumentException($"--trace: {e.Message}", e);
        }
        trace = RequestTraces.Slice(trace, settings.From, settings.To);
        return new PlannedCase(settings.Scale is { } peak ? RequestTraces.ScaleToPeak(trace, peak, settings.ServiceRate, PeakUtilisation) : trace, []);
    }

    private static PlannedCase Generated(SimulateSettings settings, string name)
    {
        var created = GeneratedCases.Create(name, settings.Scale ?? SimulateSettings.DefaultCaseScale, settings.ServiceRate, PeakUtilisation, settings.Seed);
        if (settings.From is null && settings.To is null)
        {
            return new PlannedCase(created.Trace, created.CapacityChanges);
        }
        RequestTrace sliced;
        try
        {
            sliced = RequestTraces.Slice(created.Trace, settings.From, settings.To);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"case {name}: {e.Message}", e);
        }
        return new PlannedCase(sliced, Shift(created.CapacityChanges, sliced.Start - created.Trace.Start));
    }

    /// <summary>The changes seen from a later start: one already made holds from the new start on.</summary>
    private static List<CapacityChange> Shift(IReadOnlyList<CapacityChange> changes, TimeSpan offset)
    {
        var made = changes.Where(c => c.At <= offset).OrderBy(c => c.At).LastOrDefault();
        return [.. made is null ? [] : new[] { made with { At = TimeSpan.Zero } }, .. changes.Where(c => c.At > offset).Select(c => c with { At = c.At - offset })];
    }
}
