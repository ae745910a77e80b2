using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Observe.Autoscaler.Control;
using Observe.Store;

namespace Observe.Collector.Api;

/// <summary>
/// The autoscaler: each policy's state as the running controller sees it, and the decisions log.
/// The controller is optional (no cluster configured): its state is then absent, not an error,
/// while the decisions already stored stay readable.
/// </summary>
internal sealed class ScalingApi(IScalingDecisionLog decisions, TimeProvider time, IControllerStates? controller = null)
{
    private static readonly TimeSpan DefaultRange = TimeSpan.FromHours(1);
    private const int DefaultLimit = 1000;

    public void Map(RouteGroupBuilder group)
    {
        group.MapGet("/api/v1/scaling/policies", Policies);
        group.MapGet("/api/v1/scaling/decisions", DecisionsAsync);
    }

    internal IResult Policies()
    {
        if (controller is null)
        {
            return Results.Json(new
            {
                controller = (object?)null,
                policies = Array.Empty<PolicyState>(),
                message = "no Kubernetes cluster is configured: run `./observe controller`, or `./observe up --kubeconfig <file>`, to scale workloads",
            }, DecisionJson.Options);
        }
        var state = controller.Current;
        return Results.Json(new
        {
            controller = new { identity = state.Identity, leading = state.Leading, leader = state.Leader },
            policies = state.Policies,
        }, DecisionJson.Options);
    }

    private async Task<IResult> DecisionsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (TimeParameter.ReadRange(request.Query, time.GetUtcNow(), DefaultRange, out var range) is { } error)
        {
            return ApiError.Answer(400, error);
        }
        var limit = DefaultLimit;
        var limitText = request.Query["limit"].ToString();
        if (limitText.Length > 0 && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit)
            || limit is < 1 or > StoreDecisionLog.MaxLimit))
        {
            return ApiError.Answer(400, $"limit='{ApiError.Quote(limitText)}' must be a whole number from 1 to {StoreDecisionLog.MaxLimit}");
        }
        string? name = null, ns = null;
        var target = request.Query["target"].ToString();
        if (target.Length > 0)
        {
            var parts = target.Split('/');
            if (parts.Length > 2 || parts.Any(p => p.Length == 0))
            {
                return ApiError.Answer(400, $"target='{ApiError.Quote(target)}' must be a workload name or namespace/name");
            }
            (ns, name) = parts.Length == 2 ? (parts[0], parts[1]) : (null, parts[0]);
        }
        try
        {
            var records = await decisions.ReadAsync(new DecisionQuery(range.From, range.To, name, ns, limit), cancellationToken).ConfigureAwait(false);
            return Results.Json(new { from = range.From, to = range.To, decisions = records.Select(Decision) }, DecisionJson.Options);
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            return ApiError.Answer(503, $"the store did not answer: {e.Message}");
        }
    }

    private static object Decision(DecisionRecord d) => new
    {
        time = d.Time,
        policy = new { @namespace = d.PolicyNamespace, name = d.Policy },
        target = new { apiVersion = d.Target.ApiVersion, kind = d.Target.Kind, @namespace = d.Target.Namespace, name = d.Target.Name },
        mode = d.Mode,
        outcome = d.Outcome,
        current = d.Current,
        desired = d.Desired,
        reasons = d.Reasons.Select(r => new { code = r.Code, message = r.Message }),
        figures = d.Figures,
        signals = d.Signals,
        message = d.Message,
    };
}
