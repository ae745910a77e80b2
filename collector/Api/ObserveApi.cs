using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Observe.Collector.Pipeline;
using Observe.Collector.Receivers.AccessLogs;
using Observe.Store.Mesh;
using Observe.Topology.Mesh;
using Observe.Topology.Spans;
using Observe.Store;

namespace Observe.Collector.Api;

/// <summary>Health, statistics and read endpoints on the HTTP API port.</summary>
internal sealed class ObserveApi(
    IClickHouseTransport store, StoreOptions storeOptions, TelemetryQueries queries, IngestCounters counters, GroupCommitter committer, TimeProvider time,
    AccessLogErrors accessLogErrors, MeshRequestResolver resolver, MeshReportPairing pairing, SpanPairing spanPairing)
{
    /// <summary>The window /api/v1/services covers when no <c>from</c> is given.</summary>
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(1);

    /// <summary>The window a trace search covers when no <c>from</c> is given.</summary>
    private static readonly TimeSpan DefaultSearchWindow = TimeSpan.FromMinutes(15);

    /// <summary>Traces a search returns at most.</summary>
    public const int MaxTraceSearchLimit = 200;

    public RouteGroupBuilder Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("");
        group.MapGet("/healthz", () => Results.Text("ok\n"));
        group.MapGet("/readyz", ReadyAsync);
        group.MapGet("/api/v1/stats", StatsAsync);
        group.MapGet("/api/v1/traces", SearchTracesAsync);
        group.MapGet("/api/v1/traces/{traceId}", TraceAsync);
        group.MapGet("/api/v1/services", ServicesAsync);
        return group;
    }

    private async Task<IResult> ReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await ClickHouseStore.IsMigratedAsync(store, storeOptions, cancellationToken).ConfigureAwait(false))
            {
                return Results.Json(new { status = "not ready", reason = "schema migrations are not all applied" }, statusCode: 503);
            }
            return Results.Json(new { status = "ready", store = store.Description });
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            return Results.Json(new { status = "not ready", reason = e.Message }, statusCode: 503);
        }
    }

    private async Task<IResult> StatsAsync(CancellationToken cancellationToken)
    {
        var ingest = new
        {
            totals = counters.Totals.OrderBy(t => t.Key, StringComparer.Ordinal).ToDictionary(),
            queuedBytes = committer.QueuedBytes,
            accessLogs = new
            {
                recentErrors = accessLogErrors.Recent().Select(e => new { at = e.At, transport = e.Transport, where = e.Where, error = e.Error }),
                learnedAddresses = resolver.LearnedAddresses,
                pairing = pairing.Progress is { } p ? new { reportsThrough = p.Reports, sourceReportsThrough = p.SourceReports, newestReport = p.Newest } : null,
            },
            spans = new { pairing = await SpanPairingStatsAsync(cancellationToken).ConfigureAwait(false) },
        };
        try
        {
            var rows = await queries.RowCountsAsync(cancellationToken).ConfigureAwait(false);
            return Results.Json(new { tables = rows, ingest });
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            return Results.Json(new { error = $"the store did not answer: {e.Message}", ingest }, statusCode: 503);
        }
    }

    /// <summary>The span pairing's marks (null before its first step) and its outcome counts (null when the store does not answer).</summary>
    private async Task<object> SpanPairingStatsAsync(CancellationToken cancellationToken)
    {
        SpanPairingOutcomes? outcomes = null;
        try
        {
            outcomes = await spanPairing.OutcomesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
        }
        var progress = spanPairing.Progress;
        return new
        {
            spansThrough = progress?.Spans,
            spanSinglesThrough = progress?.Singles,
            newestSpan = progress?.Newest,
            outcomes = outcomes is null ? null : new { paired = outcomes.Paired, user = outcomes.User, @virtual = outcomes.Virtual, unpaired = outcomes.Unpaired, late = outcomes.Late },
        };
    }

    private async Task<IResult> TraceAsync(string traceId, CancellationToken cancellationToken)
    {
        if (traceId.Length != 32 || !traceId.All(char.IsAsciiHexDigit) || traceId.All(c => c == '0'))
        {
            return ApiError.Answer(400, $"trace id '{ApiError.Quote(traceId)}' must be 32 hex digits, not all zero");
        }
        var spans = await queries.TraceAsync(traceId.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        return spans.Count == 0
            ? ApiError.Answer(404, $"no spans of trace {traceId.ToLowerInvariant()} are stored")
            : Results.Json(new { traceId = traceId.ToLowerInvariant(), spans });
    }

    private async Task<IResult> SearchTracesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var query = request.Query;
        if (TimeParameter.ReadRange(query, time.GetUtcNow(), DefaultSearchWindow, out var range) is { } error)
        {
            return ApiError.Answer(400, error);
        }
        var minDuration = 0.0;
        if (query["minDurationMs"].ToString() is { Length: > 0 } minText
            && (!double.TryParse(minText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out minDuration) || !(minDuration >= 0)))
        {
            return ApiError.Answer(400, $"minDurationMs='{ApiError.Quote(minText)}' must be a number of milliseconds, 0 or more");
        }
        var errorsOnly = false;
        if (query["errorsOnly"].ToString() is { Length: > 0 } errorsText && !bool.TryParse(errorsText, out errorsOnly))
        {
            return ApiError.Answer(400, $"errorsOnly='{ApiError.Quote(errorsText)}' must be true or false");
        }
        var limit = 20;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxTraceSearchLimit))
        {
            return ApiError.Answer(400, $"limit='{ApiError.Quote(limitText)}' must be a whole number from 1 to {MaxTraceSearchLimit}");
        }
        var search = new TraceSearch(range.From, range.To, query["service"].ToString(), query["namespace"].ToString(), minDuration, errorsOnly, limit,
            query["workload"].ToString(), query["version"].ToString(), query["zone"].ToString());
        try
        {
            var traces = await queries.SearchTracesAsync(search, cancellationToken).ConfigureAwait(false);
            return Results.Json(new { from = range.From, to = range.To, traces });
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            return Results.Json(new { error = $"the store did not answer: {e.Message}" }, statusCode: 503);
        }
    }

    private async Task<IResult> ServicesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (TimeParameter.ReadRange(request.Query, time.GetUtcNow(), DefaultWindow, out var range) is { } error)
        {
            return ApiError.Answer(400, error);
        }
        var (from, to) = range;
        var services = await queries.ServicesAsync(from, to, cancellationToken).ConfigureAwait(false);
        return Results.Json(new { from, to, services });
    }
}
