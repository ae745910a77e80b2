using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Simulation.Engine;

/// <summary>
/// The workload's pods behind a load balancer: creates and deletes pods as a ReplicaSet does,
/// ages them through start-up and warm-up, and sends each request to a ready pod.
/// </summary>
internal sealed class PodFleet
{
    private readonly WorkloadModel _model;
    private readonly RandomSource _random;
    private readonly List<Pod> _pods = [];
    private Pod[] _ready = [];
    private bool _readyChanged;
    private double _versionFactor = 1;
    private int _nextChange;

    public PodFleet(WorkloadModel model, RandomSource random)
    {
        _model = model;
        _random = random;
        // The pods at the start of a trace have long been running: warm.
        var longAgo = -(model.Startup.Delay + model.Startup.Warmup).TotalSeconds - 3600;
        for (var i = 0; i < model.InitialReplicas; i++) _pods.Add(new Pod(longAgo, longAgo, model.QueueLimit));
        _readyChanged = true;
    }

    public int Count => _pods.Count;

    public int ReadyCount => _ready.Length;

    /// <summary>Σ service rate of the ready pods: what they could complete per second if never idle.</summary>
    public double Capacity { get; private set; }

    /// <summary>Moves every pod's state to <paramref name="now"/>: readiness, warm-up, and the version's capacity.</summary>
    public void Advance(double now)
    {
        var changes = _model.CapacityChanges;
        var versionChanged = false;
        while (changes is not null && _nextChange < changes.Count && changes[_nextChange].At.TotalSeconds <= now)
        {
            _versionFactor = changes[_nextChange++].Factor;
            versionChanged = true;
        }
        var capacity = 0.0;
        foreach (var pod in _pods)
        {
            if (!pod.Warm || versionChanged)
            {
                var factor = _model.Startup.CapacityFactor(TimeSpan.FromSeconds(now - pod.CreatedAt));
                pod.ServiceRate = _model.ServiceRate * _versionFactor * factor;
                var ready = now >= pod.ReadyAt;
                if (ready != pod.Ready) { pod.Ready = ready; _readyChanged = true; }
                pod.Warm = factor >= 1;
            }
            if (pod.Ready) capacity += pod.ServiceRate;
        }
        Capacity = capacity;
        if (_readyChanged) RebuildReady();
    }

    private void RebuildReady()
    {
        _ready = _pods.Where(p => p.Ready).ToArray();
        _readyChanged = false;
    }

    /// <summary>Sends a request arriving at <paramref name="now"/>; its latency, or null when rejected (no ready pod, or the chosen pod's queue is full).</summary>
    public double? Dispatch(double now)
    {
        var ready = _ready;
        if (ready.Length == 0) return null;
        var pod = _model.Balancer == Balancer.LeastWork ? LeastWork(ready, now) : TwoChoices(ready, now);
        var service = _random.Exponential(pod.ServiceRate);
        return pod.TryAccept(now, service, out var completion) ? completion - now : null;
    }

    private Pod TwoChoices(Pod[] ready, double now)
    {
        if (ready.Length == 1) return ready[0];
        var a = ready[_random.Below(ready.Length)];
        var b = ready[_random.Below(ready.Length - 1)];
        if (ReferenceEquals(a, b)) b = ready[ready.Length - 1]; // the two picks are distinct
        return b.InFlight(now) < a.InFlight(now) ? b : a;
    }

    private static Pod LeastWork(Pod[] ready, double now)
    {
        var best = ready[0];
        var least = best.WorkLeft(now);
        for (var i = 1; i < ready.Length && least > 0; i++)
        {
            var work = ready[i].WorkLeft(now);
            if (work < least) { least = work; best = ready[i]; }
        }
        return best;
    }

    /// <summary>Requests held by all pods at <paramref name="now"/>.</summary>
    public int InFlight(double now)
    {
        var total = 0;
        foreach (var pod in _pods) total += pod.InFlight(now);
        return total;
    }

    /// <summary>
    /// Creates or deletes pods to reach <paramref name="desired"/>. Deletion follows the
    /// ReplicaSet's preference: pods not ready before ready ones, then the youngest first.
    /// </summary>
    public void Resize(int desired, double now)
    {
        if (desired > _pods.Count)
        {
            var readyAt = now + _model.Startup.Delay.TotalSeconds;
            while (_pods.Count < desired) _pods.Add(new Pod(now, readyAt, _model.QueueLimit));
        }
        else if (desired < _pods.Count)
        {
            var doomed = _pods.OrderBy(p => p.Ready).ThenByDescending(p => p.CreatedAt).Take(_pods.Count - desired).ToHashSet();
            _pods.RemoveAll(doomed.Contains);
            _readyChanged = true;
        }
    }

    public ReplicaSnapshot Snapshot(double now, int desired)
    {
        var pods = new PodInfo[_pods.Count];
        for (var i = 0; i < pods.Length; i++)
            pods[i] = new PodInfo(TimeSpan.FromSeconds(now - _pods[i].CreatedAt), _pods[i].Ready);
        return new ReplicaSnapshot(desired, pods);
    }
}
