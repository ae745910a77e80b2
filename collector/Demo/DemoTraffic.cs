namespace Observe.Collector.Demo;

/// <summary>
/// Generates the requests of one batch window: how many arrive at the gateway (the scenario's
/// load), where each hop goes (zone-local unless the scenario fails over or a zone has no Ready
/// pod; which reviews version by the canary share), and then, with every station's arrivals
/// known, how long each hop takes and whether it fails (<see cref="LatencyModel"/>).
/// </summary>
internal sealed class DemoTraffic(DemoOptions options, Random random)
{
    /// <summary>Which requests send spans: Demo:SampleShare of them, decided by their trace ids.</summary>
    public TraceSampling Sampling { get; } = TraceSampling.ForShare(options.SampleShare);

    private double _carry;

    /// <summary>A hop before its timing is known.</summary>
    private sealed record Plan(DemoWorkload? Workload, string Zone, List<Plan> Children);

    /// <summary>Requests of the window [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public IReadOnlyList<DemoCall> Generate(DateTimeOffset from, DateTimeOffset to, ScenarioMoment moment, IReadOnlyList<ClusterWorkload> cluster)
    {
        var seconds = (to - from).TotalSeconds;
        var wanted = _carry + moment.Load * seconds;
        var count = (int)wanted;
        _carry = wanted - count;

        var pods = cluster.ToDictionary(w => w.Workload.Key);
        var plans = new List<Plan>(count);
        var arrivals = new Dictionary<(string, string), int>();
        for (var i = 0; i < count; i++)
        {
            var plan = Route(BookinfoMesh.Zones[random.Next(BookinfoMesh.Zones.Count)], moment, pods);
            plans.Add(plan);
            Count(plan, arrivals);
        }

        var utilisation = arrivals.ToDictionary(a => a.Key, a =>
        {
            var (key, zone) = a.Key;
            var ready = pods.TryGetValue(key, out var w) ? w.Zones[zone].Ready : 0;
            var capacity = ready * options.PodCapacity * (w?.Workload.CapacityFactor ?? 1) * seconds;
            return capacity <= 0 ? double.PositiveInfinity : a.Value / capacity;
        });
        var calls = new List<DemoCall>(count);
        foreach (var plan in plans)
        {
            var start = from + (to - from) * random.NextDouble();
            var traceId = Hex(16);
            calls.Add(Realize(plan, null, null, traceId, Sampling.Keeps(traceId), start, moment, pods, utilisation));
        }
        return calls;
    }

    private Plan Route(string userZone, ScenarioMoment moment, Dictionary<string, ClusterWorkload> pods)
    {
        var gateway = new Plan(BookinfoMesh.Gateway, Zone(BookinfoMesh.Gateway, userZone, null, pods), []);
        var page = new Plan(BookinfoMesh.ProductPage, Zone(BookinfoMesh.ProductPage, gateway.Zone, null, pods), []);
        gateway.Children.Add(page);
        page.Children.Add(new Plan(BookinfoMesh.Details, Zone(BookinfoMesh.Details, page.Zone, null, pods), []));
        var reviews = PickReviews(moment.CanaryShare);
        var review = new Plan(reviews, Zone(reviews, page.Zone, moment.ReviewsAvoid, pods), []);
        page.Children.Add(review);
        if (reviews != BookinfoMesh.ReviewsV1)
        {
            var ratings = new Plan(BookinfoMesh.Ratings, Zone(BookinfoMesh.Ratings, review.Zone, null, pods), []);
            review.Children.Add(ratings);
            ratings.Children.Add(new Plan(null, ratings.Zone, []));
        }
        return gateway;
    }

    /// <summary>v1 and v2 share what the canary leaves.</summary>
    private DemoWorkload PickReviews(double canaryShare)
    {
        var r = random.NextDouble();
        return r < canaryShare ? BookinfoMesh.ReviewsV3 : r < canaryShare + (1 - canaryShare) / 2 ? BookinfoMesh.ReviewsV1 : BookinfoMesh.ReviewsV2;
    }

    /// <summary>Zone-local, unless that zone is avoided (failover) or has no Ready pod and the other has.</summary>
    private static string Zone(DemoWorkload workload, string callerZone, string? avoid, Dictionary<string, ClusterWorkload> pods)
    {
        var other = BookinfoMesh.OtherZone(callerZone);
        if (!pods.TryGetValue(workload.Key, out var w))
        {
            return callerZone;
        }
        if (callerZone == avoid && w.Zones[other].Ready > 0)
        {
            return other;
        }
        return w.Zones[callerZone].Ready == 0 && w.Zones[other].Ready > 0 ? other : callerZone;
    }

    private static void Count(Plan plan, Dictionary<(string, string), int> arrivals)
    {
        if (plan.Workload is { } workload)
        {
            var key = (workload.Key, plan.Zone);
            arrivals[key] = arrivals.GetValueOrDefault(key) + 1;
        }
        foreach (var child in plan.Children)
        {
            Count(child, arrivals);
        }
    }

    private DemoCall Realize(Plan plan, Station? caller, string? parentSpanId, string traceId, bool sampled, DateTimeOffset start,
        ScenarioMoment moment, Dictionary<string, ClusterWorkload> pods, Dictionary<(string, string), double> utilisation)
    {
        var clientSpanId = Hex(8);
        var serverSpanId = Hex(8);
        var requestId = RequestId();
        if (plan.Workload is not { } workload)
        {
            var db = BookinfoMesh.DatabaseLatency * LatencyModel.Jitter(random);
            return new DemoCall(requestId, traceId, clientSpanId, serverSpanId, parentSpanId, caller, null, start, db, 0, "", sampled, []);
        }
        var ready = pods.TryGetValue(workload.Key, out var w) ? w.Zones[plan.Zone].ReadyPods : [];
        var callee = new Station(workload, plan.Zone, ready.Count == 0 ? null : ready[random.Next(ready.Count)]);
        var rho = utilisation.GetValueOrDefault((workload.Key, plan.Zone), 0);
        var jitter = LatencyModel.Jitter(random);
        if (callee.Pod is null)
        {
            // No healthy upstream: the caller's proxy answers at once.
            return new DemoCall(requestId, traceId, clientSpanId, serverSpanId, parentSpanId, caller, callee, start, TimeSpan.FromMilliseconds(jitter), 503, "UH", sampled, []);
        }
        if (workload.App == "reviews" && plan.Zone == moment.ReviewsFailingIn)
        {
            return new DemoCall(requestId, traceId, clientSpanId, serverSpanId, parentSpanId, caller, callee, start, TimeSpan.FromMilliseconds(3 * jitter), 503, "", sampled, []);
        }
        if (random.NextDouble() < LatencyModel.ShedShare(rho))
        {
            // Over capacity: the queue is full and the proxy sheds the request.
            return new DemoCall(requestId, traceId, clientSpanId, serverSpanId, parentSpanId, caller, callee, start, TimeSpan.FromMilliseconds(2 * jitter), 503, "UO", sampled, []);
        }
        var own = workload.BaseLatency * (jitter * LatencyModel.Slowdown(rho));
        var at = start + own / 2;
        var children = new List<DemoCall>(plan.Children.Count);
        foreach (var child in plan.Children)
        {
            var call = Realize(child, callee, serverSpanId, traceId, sampled, at + TimeSpan.FromMilliseconds(0.3), moment, pods, utilisation);
            children.Add(call);
            at = call.Start + call.Duration + TimeSpan.FromMilliseconds(0.3);
        }
        var status = children.Any(c => c.Failed) ? (workload == BookinfoMesh.Gateway ? children.First(c => c.Failed).Status : 502) : 200;
        return new DemoCall(requestId, traceId, clientSpanId, serverSpanId, parentSpanId, caller, callee, start, at - start + own / 2, status, "", sampled, children);
    }

    private string Hex(int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    private string RequestId()
    {
        Span<byte> buffer = stackalloc byte[16];
        random.NextBytes(buffer);
        return new Guid(buffer).ToString();
    }
}
