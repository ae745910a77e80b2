using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Control;

/// <summary>
/// The autoscaler as a Kubernetes controller. Every replica watches the ScalingPolicy and
/// ServiceLevelObjective resources; the one holding the Lease runs a <see cref="PolicyLoop"/>
/// per valid policy, restarting a loop when its policy or SLOs change and stopping it when the
/// policy goes. Losing the Lease stops every loop before anyone else may take over.
/// </summary>
internal sealed partial class ScalingController : IControllerStates
{
    private readonly IKubernetesApi _api;
    private readonly PolicyLoopServices _services;
    private readonly ControllerSettings _settings;
    private readonly ILogger _logger;
    private readonly ResourceInformer _policies;
    private readonly ResourceInformer _slos;
    private readonly LeaderElector _elector;
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _lock = new();
    private IReadOnlyList<ClusterPolicy> _catalog = [];
    private IReadOnlyDictionary<string, PolicyLoop> _running = new Dictionary<string, PolicyLoop>();

    public ScalingController(IKubernetesApi api, IWorkloadSignals signals, IPolicySloSignals slos, IScalingDecisionLog log,
        ControllerSettings settings, TimeProvider time, ILoggerFactory loggers)
    {
        settings.Validate();
        _api = api;
        _settings = settings;
        _logger = loggers.CreateLogger<ScalingController>();
        Identity = settings.ResolvedIdentity();
        _services = new PolicyLoopServices(api, signals, slos, log, settings, Identity, time, loggers.CreateLogger<PolicyLoop>());
        _policies = new ResourceInformer(api, ResourceKind.ScalingPolicies, settings.WatchNamespace, time, _logger);
        _slos = new ResourceInformer(api, ResourceKind.ServiceLevelObjectives, settings.WatchNamespace, time, _logger);
        _elector = new LeaderElector(api, settings.Lease(Identity), time, _logger);
    }

    public string Identity { get; }

    public ControllerState Current
    {
        get
        {
            IReadOnlyList<ClusterPolicy> catalog;
            IReadOnlyDictionary<string, PolicyLoop> running;
            lock (_lock)
            {
                (catalog, running) = (_catalog, _running);
            }
            var states = catalog.Select(p => running.TryGetValue(p.Key, out var loop) ? loop.State : Idle(p)).ToList();
            return new ControllerState(Identity, _elector.IsLeader, _elector.Leader, states);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var policies = _policies.RunAsync(OnPolicyChangeAsync, cancellationToken);
        var slos = _slos.RunAsync(OnChangeAsync, cancellationToken);
        // Lead only with a complete picture: a loop started before the SLOs are listed would
        // find its policy's SLOs missing.
        await Task.WhenAll(_policies.Synced, _slos.Synced).WaitAsync(cancellationToken).ConfigureAwait(false);
        Rebuild();
        await Task.WhenAll(_elector.RunAsync(LeadAsync, cancellationToken), policies, slos).ConfigureAwait(false);
    }

    /// <summary>
    /// The loops write each policy's status every tick. Such a write leaves the spec, and so the
    /// generation, as it was, and the catalog reads only the spec: re-reading every policy and its
    /// SLOs for it would be work for nothing.
    /// </summary>
    private ValueTask OnPolicyChangeAsync(ResourceChange change, CancellationToken cancellationToken)
    {
        var meta = change.Object.Metadata;
        if (change.Type == WatchEventType.Modified && meta.Generation is > 0)
        {
            lock (_lock)
            {
                if (_catalog.Any(p => p.Resource.Metadata.Uid == meta.Uid && p.Resource.Metadata.Generation == meta.Generation))
                {
                    return ValueTask.CompletedTask;
                }
            }
        }
        return OnChangeAsync(change, cancellationToken);
    }

    private ValueTask OnChangeAsync(ResourceChange change, CancellationToken cancellationToken)
    {
        if (_policies.Synced.IsCompleted && _slos.Synced.IsCompleted)
        {
            Rebuild();
        }
        return ValueTask.CompletedTask;
    }

    private void Rebuild()
    {
        var catalog = ClusterDocuments.Read(_policies.Current.Values, _slos.Current.Values);
        lock (_lock)
        {
            _catalog = catalog;
        }
        _changed.Writer.TryWrite(true);
    }

    /// <summary>While this replica holds the Lease: keep one loop per valid policy, each with the fingerprint it started from.</summary>
    private async Task LeadAsync(CancellationToken leading)
    {
        LogLeading(Identity);
        var loops = new Dictionary<string, (PolicyLoop Loop, string Fingerprint, CancellationTokenSource Stop, Task Run)>();
        var reported = new Dictionary<string, string>();
        try
        {
            while (!leading.IsCancellationRequested)
            {
                IReadOnlyList<ClusterPolicy> catalog;
                lock (_lock)
                {
                    catalog = _catalog;
                }
                var wanted = catalog.Where(p => p.Policy is not null).ToDictionary(p => p.Key);
                foreach (var (key, loop) in loops.ToList())
                {
                    if (!wanted.TryGetValue(key, out var policy) || policy.Fingerprint != loop.Fingerprint)
                    {
                        await loop.Stop.CancelAsync().ConfigureAwait(false);
                        await loop.Run.ConfigureAwait(false);
                        loop.Stop.Dispose();
                        loops.Remove(key);
                    }
                }
                foreach (var (key, policy) in wanted.Where(w => !loops.ContainsKey(w.Key)))
                {
                    var loop = new PolicyLoop(policy, _services);
                    var stop = CancellationTokenSource.CreateLinkedTokenSource(leading);
                    loops[key] = (loop, policy.Fingerprint, stop, RunLoopAsync(loop, key, stop.Token));
                }
                lock (_lock)
                {
                    _running = loops.ToDictionary(l => l.Key, l => l.Value.Loop);
                }
                foreach (var invalid in catalog.Where(p => p.Policy is null && reported.GetValueOrDefault(p.Key) != p.Fingerprint))
                {
                    await ReportInvalidAsync(invalid, leading).ConfigureAwait(false);
                    reported[invalid.Key] = invalid.Fingerprint;
                }
                await _changed.Reader.ReadAsync(leading).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var loop in loops.Values)
            {
                await loop.Stop.CancelAsync().ConfigureAwait(false);
            }
            await Task.WhenAll(loops.Values.Select(l => l.Run)).ConfigureAwait(false);
            foreach (var loop in loops.Values)
            {
                loop.Stop.Dispose();
            }
            lock (_lock)
            {
                _running = new Dictionary<string, PolicyLoop>();
            }
            LogStoppedLeading(Identity);
        }
    }

    private async Task RunLoopAsync(PolicyLoop loop, string key, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await loop.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One policy's failure must not end the others' loops nor the leadership: it is
            // logged, and the loop starts again when its policy next changes or leadership moves.
            LogLoopFailed(key, e.ToString());
        }
    }

    /// <summary>An invalid policy gets Active=False with the findings, once per version of it, and a Warning Event.</summary>
    private async Task ReportInvalidAsync(ClusterPolicy policy, CancellationToken cancellationToken)
    {
        var now = _services.Time.GetUtcNow();
        var status = System.Text.Json.JsonSerializer.SerializeToElement(new
        {
            observedGeneration = policy.Resource.Metadata.Generation,
            conditions = new[]
            {
                new { type = ConditionTypes.Active, status = "False", reason = "InvalidPolicy", message = policy.Problem, lastTransitionTime = PolicyLoop.Time(now) },
            },
        });
        try
        {
            await _api.PatchStatusAsync(ResourceKind.ScalingPolicies, policy.Namespace, policy.Name, status, cancellationToken).ConfigureAwait(false);
            await _api.CreateEventAsync(new ClusterEvent(policy.Reference, "Warning", "InvalidPolicy", "Load", policy.Problem ?? "", now,
                ControllerSettings.ReportingController, Identity), cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException e)
        {
            LogLoopFailed(policy.Key, e.Message);
        }
    }

    private PolicyState Idle(ClusterPolicy policy)
    {
        var now = _services.Time.GetUtcNow();
        var active = policy.Policy is null
            ? new PolicyCondition(ConditionTypes.Active, "False", "InvalidPolicy", policy.Problem ?? "", now)
            : _elector.IsLeader
                ? new PolicyCondition(ConditionTypes.Active, "False", "Starting", "this replica leads; the policy's loop is starting", now)
                : new PolicyCondition(ConditionTypes.Active, "False", "NotLeader", $"another replica ({_elector.Leader ?? "none yet"}) holds the Lease {_settings.LeaseNamespace}/{_settings.LeaseName}", now);
        var target = policy.Policy?.Target is { } t ? t with { Namespace = t.Namespace ?? policy.Namespace } : null;
        return new PolicyState(policy.Namespace, policy.Name, target, policy.Policy?.Mode ?? ScalingMode.Enforce, null, null, null, null, [], [active], policy.Problem);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} leads: running the scaling policies")]
    private partial void LogLeading(string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} no longer leads: every policy loop stopped")]
    private partial void LogStoppedLeading(string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "policy {Policy}: {Reason}")]
    private partial void LogLoopFailed(string policy, string reason);
}
