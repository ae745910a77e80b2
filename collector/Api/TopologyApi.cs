using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Observe.Store;
using Observe.Topology.Graph;

namespace Observe.Collector.Api;

/// <summary>GET /api/v1/topology (the graph of a window) and GET /api/v1/topology/replay (every frame of a range).</summary>
internal sealed class TopologyApi(IGraphReader graphs, TimeProvider time)
{
    /// <summary>The window a graph covers when no <c>from</c> is given.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    /// <summary>The range a replay covers when no <c>from</c> is given.</summary>
    public static readonly TimeSpan DefaultReplayRange = TimeSpan.FromHours(1);

    /// <summary>Enums as camelCase names and durations as 10s / 1m, for every topology answer and hub message.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new DurationParameter.JsonConverter() },
    };

    public void Map(RouteGroupBuilder group)
    {
        group.MapGet("/api/v1/topology", GraphAsync);
        group.MapGet("/api/v1/topology/replay", ReplayAsync);
    }

    private async Task<IResult> GraphAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var query = request.Query;
        var error = TimeParameter.ReadRange(query, time.GetUtcNow(), DefaultWindow, out var range);
        var filterError = Filter(query, out var filter);
        if ((error ?? filterError) is { } message)
        {
            return Error(message);
        }
        return await AnswerAsync(async () => Results.Json(await graphs.GraphAsync(range.From, range.To, filter, cancellationToken).ConfigureAwait(false), Json)).ConfigureAwait(false);
    }

    private async Task<IResult> ReplayAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var query = request.Query;
        var error = TimeParameter.ReadRange(query, time.GetUtcNow(), DefaultReplayRange, out var range);
        var filterError = Filter(query, out var filter);
        if ((error ?? filterError) is { } message)
        {
            return Error(message);
        }
        var step = GraphReader.Resolution;
        if (query["step"].ToString() is { Length: > 0 } stepText && !DurationParameter.TryParse(stepText, out step))
        {
            return Error($"step='{ApiError.Quote(stepText)}' is not a duration such as 10s or 1m");
        }
        var window = step;
        if (query["window"].ToString() is { Length: > 0 } windowText && !DurationParameter.TryParse(windowText, out window))
        {
            return Error($"window='{ApiError.Quote(windowText)}' is not a duration such as 10s or 1m");
        }
        return await AnswerAsync(async () => Results.Json(
            await graphs.ReplayAsync(new ReplayRange(range.From, range.To, step, window), filter, cancellationToken).ConfigureAwait(false), Json)).ConfigureAwait(false);
    }

    /// <summary>Runs a read; what the reader refuses is the caller's error (400), a store that fails is 503.</summary>
    private static async Task<IResult> AnswerAsync(Func<Task<IResult>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            return Error(e.Message);
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            return Results.Json(new { error = $"the store did not answer: {e.Message}" }, statusCode: 503);
        }
    }

    /// <summary>groupBy, namespace and service (comma-separated or repeated), byZone.</summary>
    internal static string? Filter(IQueryCollection query, out GraphFilter filter)
    {
        filter = new GraphFilter();
        var groupByText = query["groupBy"].ToString();
        var groupBy = GraphGrouping.Workload;
        if (groupByText.Length > 0 && !TryGrouping(groupByText, out groupBy))
        {
            return $"groupBy='{ApiError.Quote(groupByText)}' must be one of workload, version, app, service";
        }
        var byZone = true;
        if (query["byZone"].ToString() is { Length: > 0 } byZoneText && !bool.TryParse(byZoneText, out byZone))
        {
            return $"byZone='{ApiError.Quote(byZoneText)}' must be true or false";
        }
        filter = new GraphFilter(groupBy, List(query["namespace"]), List(query["service"]), byZone);
        return null;
    }

    internal static bool TryGrouping(string text, out GraphGrouping grouping) =>
        Enum.TryParse(text, ignoreCase: true, out grouping) && Enum.IsDefined(grouping) && !char.IsAsciiDigit(text[0]);

    private static string[] List(Microsoft.Extensions.Primitives.StringValues values) =>
        [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    private static IResult Error(string message) => ApiError.Answer(400, message);
}
