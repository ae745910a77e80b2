using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Observe.Autoscaler.Slo;
using Observe.Autoscaler.Slo.Evaluation;
using Observe.Collector.Slos;
using Observe.Store;

namespace Observe.Collector.Api;

/// <summary>SLOs: current state of each, history of one, and lint of posted YAML.</summary>
internal sealed class SloApi(SloEvaluationService slos, SloHistory history, ISelectorCatalog selectors, SloOptions options, TimeProvider time)
{
    /// <summary>At most this many points per objective in one history answer, unless a step is given.</summary>
    private const int MaxPoints = 1000;

    public void Map(RouteGroupBuilder group)
    {
        group.MapGet("/api/v1/slos", List);
        group.MapGet("/api/v1/slos/{name}", HistoryAsync);
        group.MapPost("/api/v1/slos/lint", LintAsync);
    }

    private IResult List()
    {
        var latest = slos.Latest;
        var byName = latest.Evaluations.ToLookup(e => e.Slo, StringComparer.Ordinal);
        return Results.Json(new
        {
            evaluatedAt = latest.At,
            error = latest.Error,
            directory = options.Directory,
            loadedAt = slos.Catalog?.LastLoaded,
            slos = slos.Slos.Select(s => new
            {
                name = s.Name,
                displayName = s.DisplayName,
                description = s.Description,
                service = s.Service,
                format = s.Format,
                budgeting = s.Budgeting,
                window = Window(s.Window),
                source = s.Location.ToString(),
                objectives = byName[s.Name].Select(e => new
                {
                    name = e.Objective,
                    target = e.Target,
                    sli = e.Sli,
                    good = e.Good,
                    total = e.Total,
                    period = new { start = e.Period.Start, end = e.Period.End },
                    budget = e.Budget,
                    burnRates = e.BurnRates,
                    alert = new
                    {
                        state = e.Alert.State,
                        since = e.Alert.Since,
                        conditions = e.Alert.Conditions.Select(c => new
                        {
                            name = c.Condition.Name,
                            severity = c.Condition.Severity,
                            threshold = c.Condition.Threshold,
                            longWindow = c.Condition.LongWindow,
                            shortWindow = c.Condition.ShortWindow,
                            longBurn = c.LongBurn,
                            shortBurn = c.ShortBurn,
                            firing = c.Firing,
                            since = c.Since,
                        }),
                    },
                }),
            }),
            findings = slos.Findings.Select(Finding),
        }, TopologyApi.Json);
    }

    private async Task<IResult> HistoryAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var error = TimeParameter.ReadRange(request.Query, time.GetUtcNow(), TimeSpan.FromDays(1), out var range);
        if (error is not null)
        {
            return ApiError.Answer(400, error);
        }
        var step = TimeSpan.FromSeconds(Math.Max(options.HistoryStep.TotalSeconds, Math.Ceiling((range.To - range.From).TotalSeconds / MaxPoints)));
        if (request.Query["step"].ToString() is { Length: > 0 } stepText && !DurationParameter.TryParse(stepText, out step))
        {
            return ApiError.Answer(400, $"step='{ApiError.Quote(stepText)}' is not a duration such as 1m or 1h");
        }
        try
        {
            var points = await history.ReadAsync(name, range.From, range.To, step, cancellationToken).ConfigureAwait(false);
            if (points.Count == 0 && !slos.Slos.Any(s => s.Name == name))
            {
                return ApiError.Answer(404, $"no SLO named '{ApiError.Quote(name)}' is loaded or has history; GET /api/v1/slos lists them");
            }
            return Results.Json(new { name, from = range.From, to = range.To, step, points }, TopologyApi.Json);
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            return ApiError.Answer(503, $"the store did not answer: {e.Message}");
        }
    }

    /// <summary>YAML in the body (one file's text; <c>?file=</c> names it in findings), findings out.</summary>
    private async Task<IResult> LintAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var file = request.Query["file"].ToString() is { Length: > 0 } f ? f : "request.yaml";
        if (request.ContentLength > options.LintMaxBytes)
        {
            return ApiError.Answer(413, $"the body has {request.ContentLength} bytes; Slo:LintMaxBytes allows {options.LintMaxBytes}");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > options.LintMaxBytes)
            {
                return ApiError.Answer(413, $"the body is over the {options.LintMaxBytes} bytes Slo:LintMaxBytes allows");
            }
            buffer.Write(chunk, 0, read);
        }
        var set = SloDocuments.Read([new SloSource(file, Encoding.UTF8.GetString(buffer.ToArray()))]);
        var findings = set.Findings.ToList();
        try
        {
            findings.AddRange(await SloLint.CheckSelectorsAsync(set, selectors, time, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            findings.Add(new Finding(FindingSeverity.Warning, new SourceLocation(file, 1, 1), $"selectors were not checked against traffic: the store did not answer ({e.Message})"));
        }
        return Results.Json(new
        {
            valid = findings.All(x => x.Severity != FindingSeverity.Error),
            errors = findings.Count(x => x.Severity == FindingSeverity.Error),
            warnings = findings.Count(x => x.Severity == FindingSeverity.Warning),
            slos = set.Slos.Select(s => s.Name),
            findings = findings.Select(Finding),
        }, TopologyApi.Json);
    }

    internal static object Finding(Finding f) => new
    {
        severity = f.Severity,
        file = f.Location.File,
        line = f.Location.Line,
        column = f.Location.Column,
        message = f.Message,
    };

    private static string Window(SloWindow w) => w.IsRolling
        ? $"rolling {DurationParameter.Format(w.Duration)}"
        : $"calendar {w.Count} {w.Unit.ToString().ToLowerInvariant()} from {w.CalendarStart:yyyy-MM-dd HH:mm:ss} {(w.TimeZone ?? TimeZoneInfo.Utc).Id}";
}
