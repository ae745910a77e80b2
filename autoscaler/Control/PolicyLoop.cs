using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;
using Observe.Store;

namespace Observe.Autoscaler.Control;

/// <summary>What a policy loop talks to.</summary>
internal sealed record PolicyLoopServices(
    IKubernetesApi Api,
    IWorkloadSignals Signals,
    IPolicySloSignals Slos,
    IScalingDecisionLog Log,
    ControllerSettings Settings,
    string Identity,
    TimeProvider Time,
    ILogger Logger);

/// <summary>
/// One ScalingPolicy's loop: each tick it checks that no HPA scales the target, reads the
/// target's replicas and pods from the API and its traffic and SLO state from the store,
/// decides with Observe's scaler, applies the decision (or only records it, in dryRun), and
/// writes the policy's status, an Event for each action or refusal, and the decision with its
/// inputs to <c>scaling_decisions</c>.
/// </summary>
internal sealed partial class PolicyLoop
{
    private readonly ClusterPolicy _resource;
    private readonly ScalingPolicy _policy;
    private readonly ScaleTarget _target;
    private readonly LatencyObjective _objective;
    private readonly PolicyLoopServices _services;
    private readonly PolicyConditions _conditions = new();
    private readonly ILogger _logger;
    private IReplicaScaler? _scaler;
    private DateTimeOffset _startedAt;
    private DateTimeOffset? _lastScaleTime;
    private int? _lastDryRunDesired;
    private volatile PolicyState _state;

    public PolicyLoop(ClusterPolicy resource, PolicyLoopServices services)
    {
        _resource = resource;
        _policy = resource.Policy ?? throw new ArgumentException($"{resource.Key} has no readable policy", nameof(resource));
        _objective = resource.Objective ?? throw new ArgumentException($"{resource.Key} has no latency objective", nameof(resource));
        _target = _policy.Target with { Namespace = _policy.Target.Namespace ?? resource.Namespace };
        _services = services;
        _logger = services.Logger;
        _state = new PolicyState(resource.Namespace, resource.Name, _target, _policy.Mode, null, null, null, null, [], [], null);
    }

    public PolicyState State => _state;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            var burst = false;
            try
            {
                burst = (await TickAsync(cancellationToken).ConfigureAwait(false))?.Figures.Burst == true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or StoreUnavailableException or ClickHouseException)
            {
                // A tick that could not even record itself; the next one tries again.
                LogTickFailed(_resource.Key, e.Message);
            }
            try
            {
                await Task.Delay(burst ? Min(_services.Settings.BurstTick, _policy.Tick) : _policy.Tick, _services.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A restarted loop resumes where the last one left off: the capacity per replica it had
    /// learned seeds the new scaler (so its first sizing is not the hint's), and it does not
    /// scale down until its own scale-down stabilisation window has filled (see <see cref="Resume"/>).
    /// </summary>
    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        _startedAt = _services.Time.GetUtcNow();
        var policy = _policy;
        try
        {
            var recent = await _services.Log.ReadAsync(
                new DecisionQuery(_startedAt - TimeSpan.FromDays(1), _startedAt, _target.Name, _target.Namespace, 50), cancellationToken).ConfigureAwait(false);
            var learned = recent.LastOrDefault(d => d.Policy == _resource.Name && d.Figures.CapacityPerReplica is > 0)?.Figures.CapacityPerReplica;
            _lastScaleTime = recent.LastOrDefault(d => d.Outcome == DecisionOutcomes.Scaled)?.Time;
            if (learned is not null)
            {
                policy = policy with { CapacityHint = learned };
            }
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            LogTickFailed(_resource.Key, $"earlier decisions unreadable, starting from the policy's hint: {e.Message}");
        }
        _scaler = new ObserveScaler(policy, _objective);
        _conditions.Set(ConditionTypes.Active, true, "PolicyLoaded", $"scaling {_target.Kind}/{_target.Name} every {_policy.Tick.TotalSeconds:0} s for {_objective.Target:P2} within {_objective.ThresholdSeconds:0.###} s", _startedAt);
    }

    /// <summary>One tick; returns the decision taken, or null when the target could not be read.</summary>
    internal async Task<ScalingDecision?> TickAsync(CancellationToken cancellationToken)
    {
        var scaler = _scaler ?? throw new InvalidOperationException("StartAsync first");
        var now = _services.Time.GetUtcNow();

        Scale scale;
        IReadOnlyList<PodState> pods;
        string? hpa;
        try
        {
            hpa = await CompetingHpaAsync(cancellationToken).ConfigureAwait(false);
            scale = await _services.Api.GetScaleAsync(_target, cancellationToken).ConfigureAwait(false);
            pods = scale.Selector is { Length: > 0 } selector
                ? await _services.Api.ListPodsAsync(_target.Namespace!, selector, cancellationToken).ConfigureAwait(false)
                : [];
        }
        catch (KubernetesApiException e)
        {
            _conditions.Set(ConditionTypes.AbleToScale, false, "FailedGetScale", $"reading {_target.Kind}/{_target.Name}: {e.Message}", now);
            await EmitAsync("Warning", "FailedGetScale", "Read", e.Message, now, cancellationToken).ConfigureAwait(false);
            await WriteStatusAsync(null, null, now, [], cancellationToken).ConfigureAwait(false);
            return null;
        }

        var current = scale.SpecReplicas;
        if (hpa is not null)
        {
            var message = $"HorizontalPodAutoscaler {hpa} also scales {_target.Kind}/{_target.Name}; Observe does not act on a target another autoscaler controls. Delete the HPA to hand the target over.";
            if (_conditions.Set(ConditionTypes.Conflict, true, "HorizontalPodAutoscaler", message, now))
            {
                await EmitAsync("Warning", "ConflictingHpa", "Refuse", message, now, cancellationToken).ConfigureAwait(false);
            }
            _conditions.Set(ConditionTypes.AbleToScale, false, "ConflictingHpa", message, now);
            var refused = new ScalingDecision(now, current, current, [], new DecisionFigures());
            await RecordAsync(refused, Signals(now, Empty, null, Snapshot(current, pods, now)), DecisionOutcomes.Refused, message, cancellationToken).ConfigureAwait(false);
            await WriteStatusAsync(current, current, now, [], cancellationToken).ConfigureAwait(false);
            return refused;
        }
        _conditions.Set(ConditionTypes.Conflict, false, "NoConflict", "no HorizontalPodAutoscaler scales this target", now);

        var replicas = Snapshot(current, pods, now);
        WorkloadReading reading;
        string? storeProblem = null;
        try
        {
            reading = await _services.Signals.ReadAsync(new WorkloadRef(_target.Name, _target.Namespace!), scaler.Cadence, _objective.Target, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            // No data is not zero traffic: the scaler holds on missing data, never scales down.
            reading = Empty;
            storeProblem = $"the store did not answer: {e.Message}";
        }
        var slo = storeProblem is null ? await _services.Slos.ReadAsync(_resource.Slos, now, cancellationToken).ConfigureAwait(false) : null;
        var signals = Signals(now, reading, slo, replicas);
        var decision = Resume(scaler.Decide(signals));

        var held = storeProblem is not null || decision.Reasons.Any(r => r.Code == ReasonCodes.MissingDataHold);
        string outcome;
        string? problem = storeProblem;
        if (!decision.Changes)
        {
            outcome = held ? DecisionOutcomes.Held : DecisionOutcomes.Unchanged;
        }
        else if (_policy.Mode == ScalingMode.DryRun)
        {
            outcome = DecisionOutcomes.DryRun;
            if (_lastDryRunDesired != decision.Desired)
            {
                await EmitAsync("Normal", "DryRunScale", "Scale", $"dryRun: would scale from {current} to {decision.Desired}: {Explain(decision)}", now, cancellationToken).ConfigureAwait(false);
            }
            _lastDryRunDesired = decision.Desired;
        }
        else
        {
            (outcome, problem) = await ApplyAsync(scale, decision, now, cancellationToken).ConfigureAwait(false);
        }

        if (storeProblem is not null)
        {
            _conditions.Set(ConditionTypes.AbleToScale, false, "StoreUnreachable", $"holding at {current}: {storeProblem}", now);
        }
        else if (held)
        {
            _conditions.Set(ConditionTypes.AbleToScale, false, "StaleData", $"holding at {current}: {decision.Reasons.First(r => r.Code == ReasonCodes.MissingDataHold).Message}", now);
        }
        else if (outcome == DecisionOutcomes.Failed)
        {
            _conditions.Set(ConditionTypes.AbleToScale, false, "FailedUpdateScale", problem ?? "the scale write failed", now);
        }
        else
        {
            _conditions.Set(ConditionTypes.AbleToScale, true, outcome == DecisionOutcomes.Scaled ? "SucceededRescale" : "ReadyForNewScale",
                outcome == DecisionOutcomes.Scaled ? $"scaled from {current} to {decision.Desired}" : "the target and its signals are readable", now);
        }
        var limits = decision.Reasons.Where(r => r.Code is ReasonCodes.BoundedByMax or ReasonCodes.BoundedByMin or ReasonCodes.ScaleUpLimited or ReasonCodes.ScaleDownLimited).ToList();
        _conditions.Set(ConditionTypes.ScalingLimited, limits.Count > 0, limits.Count > 0 ? Camel(limits[0].Code) : "DesiredWithinRange",
            limits.Count > 0 ? string.Join("; ", limits.Select(l => l.Message)) : "the desired count is within bounds and rate limits", now);

        await RecordAsync(decision, signals, outcome, problem, cancellationToken).ConfigureAwait(false);
        await WriteStatusAsync(outcome == DecisionOutcomes.Scaled ? decision.Desired : current, decision.Desired, now, decision.Reasons, cancellationToken).ConfigureAwait(false);
        return decision;
    }

    /// <summary>Patches the scale with the resourceVersion read this tick; on a conflict re-reads and writes the same count again.</summary>
    private async Task<(string Outcome, string? Problem)> ApplyAsync(Scale scale, ScalingDecision decision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var version = scale.Metadata.ResourceVersion ?? "";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _services.Api.PatchScaleAsync(_target, decision.Desired, version, cancellationToken).ConfigureAwait(false);
                _lastScaleTime = now;
                var up = decision.Desired > decision.Current;
                await EmitAsync("Normal", up ? "ScaledUp" : "ScaledDown", "Scale",
                    $"scaled from {decision.Current} to {decision.Desired}: {Explain(decision)}", now, cancellationToken).ConfigureAwait(false);
                return (DecisionOutcomes.Scaled, attempt == 0 ? null : $"written after {attempt} conflicting write(s)");
            }
            catch (KubernetesConflictException) when (attempt < _services.Settings.ConflictRetries)
            {
                // Someone wrote the scale since we read it (often the workload's own controller
                // updating status): the count we decided on still stands, under the new version.
                version = (await _services.Api.GetScaleAsync(_target, cancellationToken).ConfigureAwait(false)).Metadata.ResourceVersion ?? "";
            }
            catch (KubernetesApiException e)
            {
                var message = $"scaling from {decision.Current} to {decision.Desired} failed: {e.Message}";
                await EmitAsync("Warning", "FailedScale", "Scale", message, now, cancellationToken).ConfigureAwait(false);
                return (DecisionOutcomes.Failed, message);
            }
        }
    }

    /// <summary>
    /// The new scaler's stabilisation window starts empty; until it has filled, a scale-down
    /// could undo what the previous loop held up for a reason. So a fresh loop does not scale
    /// down before one stabilisation window has passed.
    /// </summary>
    private ScalingDecision Resume(ScalingDecision decision)
    {
        var until = _startedAt + _policy.ScaleDown.Stabilisation;
        // A lowered maxReplicas is the user's word, not a recommendation: it is not held back.
        var hold = Math.Min(decision.Current, _policy.MaxReplicas);
        if (decision.Desired >= hold || decision.Time >= until)
        {
            return decision;
        }
        return decision with
        {
            Desired = hold,
            Reasons = [.. decision.Reasons, new ScalingReason(ReasonCodes.ScaleDownStabilised,
                $"wants {decision.Desired}, holding {hold}: the controller (re)started at {_startedAt:HH:mm:ss} and scales down only after one stabilisation window ({_policy.ScaleDown.Stabilisation.TotalSeconds:0} s)")],
        };
    }

    private async Task<string?> CompetingHpaAsync(CancellationToken cancellationToken)
    {
        var hpas = await _services.Api.ListHorizontalPodAutoscalersAsync(_target.Namespace!, cancellationToken).ConfigureAwait(false);
        var group = _target.ApiVersion.Split('/')[0];
        var competing = hpas.FirstOrDefault(h => h.TargetName == _target.Name && h.TargetKind == _target.Kind && h.TargetApiVersion.Split('/')[0] == group);
        return competing is null ? null : $"{competing.Metadata.Namespace ?? _target.Namespace}/{competing.Metadata.Name}";
    }

    private static ReplicaSnapshot Snapshot(int desired, IReadOnlyList<PodState> pods, DateTimeOffset now) =>
        new(desired, [.. pods.Where(p => !p.Terminating).Select(p => new PodInfo(now - p.Created, p.Ready))]);

    private static readonly WorkloadReading Empty = new(null, null, null, null, null, null);

    private static ScalingSignals Signals(DateTimeOffset now, WorkloadReading reading, SloSignal? slo, ReplicaSnapshot replicas) =>
        new(now, reading.DataUntil, reading.RateShort, reading.RateLong, reading.InFlight, reading.Latency, reading.ErrorRatio, replicas, slo);

    private async Task RecordAsync(ScalingDecision decision, ScalingSignals signals, string outcome, string? message, CancellationToken cancellationToken)
    {
        var record = new DecisionRecord(decision.Time, _resource.Namespace, _resource.Name, _target, _policy.Mode, outcome,
            decision.Current, decision.Desired, decision.Reasons, decision.Figures, signals, message);
        _state = _state with
        {
            Current = decision.Current,
            Desired = decision.Desired,
            LastScaleTime = _lastScaleTime,
            LastDecisionTime = decision.Time,
            Reasons = decision.Reasons,
            Conditions = _conditions.All,
        };
        try
        {
            await _services.Log.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            LogTickFailed(_resource.Key, $"decision not recorded: {e.Message}");
        }
    }

    private async Task WriteStatusAsync(int? current, int? desired, DateTimeOffset now, IReadOnlyList<ScalingReason> reasons, CancellationToken cancellationToken)
    {
        _state = _state with { Conditions = _conditions.All };
        var status = new JsonObject
        {
            ["observedGeneration"] = _resource.Resource.Metadata.Generation,
            ["currentReplicas"] = current,
            ["desiredReplicas"] = desired,
            ["lastScaleTime"] = _lastScaleTime is { } scaled ? Time(scaled) : null,
            ["lastDecisionTime"] = Time(now),
            ["reasons"] = new JsonArray([.. reasons.Select(r => (JsonNode)new JsonObject { ["code"] = r.Code, ["message"] = r.Message })]),
            ["conditions"] = new JsonArray([.. _conditions.All.Select(c => (JsonNode)new JsonObject
            {
                ["type"] = c.Type,
                ["status"] = c.Status,
                ["reason"] = c.Reason,
                ["message"] = c.Message,
                ["lastTransitionTime"] = Time(c.LastTransitionTime),
                ["observedGeneration"] = _resource.Resource.Metadata.Generation,
            })]),
        };
        try
        {
            await _services.Api.PatchStatusAsync(ResourceKind.ScalingPolicies, _resource.Namespace, _resource.Name,
                JsonSerializer.SerializeToElement(status), cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException e)
        {
            LogTickFailed(_resource.Key, $"status not written: {e.Message}");
        }
    }

    private async Task EmitAsync(string type, string reason, string action, string note, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await _services.Api.CreateEventAsync(new ClusterEvent(_resource.Reference, type, reason, action, note, now,
                ControllerSettings.ReportingController, _services.Identity), cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException e)
        {
            LogTickFailed(_resource.Key, $"event {reason} not written: {e.Message}");
        }
    }

    private static string Explain(ScalingDecision decision) => string.Join("; ", decision.Reasons.Select(r => r.ToString()));

    /// <summary>A time as Kubernetes writes metav1.Time: RFC 3339 in UTC, whole seconds.</summary>
    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A reason code as a condition reason: <c>bounded-by-max</c> → <c>BoundedByMax</c>.</summary>
    private static string Camel(string code) => string.Concat(code.Split('-').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "policy {Policy}: {Reason}")]
    private partial void LogTickFailed(string policy, string reason);

}
