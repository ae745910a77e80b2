using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Observe.Collector.Demo;

namespace Observe.Collector.Api;

/// <summary>
/// <c>GET /api/v1/demo</c>: whether the demo mesh runs, and if so the scenario's phase, loop and
/// script (absolute times of the current loop), each workload's replicas and Ready pods per zone, and
/// the newest Events the controller created in the simulated cluster.
/// </summary>
internal sealed class DemoApi(DemoMesh? mesh = null)
{
    private const int RecentEvents = 20;

    public void Map(RouteGroupBuilder group) => group.MapGet("/api/v1/demo", Answer);

    internal IResult Answer()
    {
        if (mesh is null)
        {
            return Results.Json(new { enabled = false });
        }
        var now = mesh.Now;
        var loopStart = now.PhaseStartedAt - now.Phase.Start;
        return Results.Json(new
        {
            enabled = true,
            phase = new { name = now.Phase.Name, description = now.Phase.Description, startedAt = now.PhaseStartedAt, endsAt = now.PhaseEndsAt },
            loop = now.Loop,
            load = Math.Round(now.Load, 1),
            scenario = mesh.Scenario.Phases.Select(p => new { name = p.Name, description = p.Description, start = loopStart + p.Start, end = loopStart + p.End }),
            workloads = mesh.Cluster.Workloads().Select(w => new
            {
                @namespace = w.Workload.Namespace,
                name = w.Workload.Name,
                version = w.Workload.Version,
                replicas = w.SpecReplicas,
                zones = w.Zones.ToDictionary(z => z.Key, z => new { replicas = z.Value.Replicas, ready = z.Value.Ready }),
            }),
            // What `kubectl get events` would show in the simulated cluster: the controller's scaling story.
            events = mesh.Cluster.Events.TakeLast(RecentEvents).Reverse().Select(e => new
            {
                time = e.Time,
                type = e.Type,
                reason = e.Reason,
                regarding = $"{e.Regarding.Kind}/{e.Regarding.Namespace}/{e.Regarding.Name}",
                note = e.Note,
            }),
        });
    }
}
