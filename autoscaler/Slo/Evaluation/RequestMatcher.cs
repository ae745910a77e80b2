using Observe.Store;

namespace Observe.Autoscaler.Slo.Evaluation;

/// <summary>A <see cref="RequestQuery"/> compiled for counting series: globs built once, a SQL filter on demand.</summary>
internal sealed class RequestMatcher
{
    private readonly RequestQuery _query;
    private readonly (Func<SeriesKey, string> Field, string Column, Glob Glob)[] _fields;

    public RequestMatcher(RequestQuery query)
    {
        _query = query;
        var s = query.Selector;
        var fields = new List<(Func<SeriesKey, string>, string, Glob)>();
        void Add(string? pattern, Func<SeriesKey, string> field, string column)
        {
            if (pattern is not null)
            {
                fields.Add((field, column, new Glob(pattern)));
            }
        }
        Add(s.Namespace, k => k.Namespace, "DestinationNamespace");
        Add(s.Service, k => k.Service, "DestinationService");
        Add(s.Workload, k => k.Workload, "DestinationWorkload");
        Add(s.Version, k => k.Version, "DestinationVersion");
        Add(s.Route, k => k.Route, "Route");
        Add(s.Method, k => k.Method, "Method");
        // A gRPC route is /package.Service/Method; operations are written without the slash.
        Add(s.Operation is null ? null : "/" + s.Operation, k => k.Protocol == "grpc" ? k.Route : "", "Route");
        _fields = [.. fields];
        Service = s.Service is { } service && new Glob(service).IsLiteral ? service : null;
    }

    public RequestSource Source => _query.Selector.Source;

    /// <summary>The service every selected request goes to, when the selector names exactly one.</summary>
    public string? Service { get; }

    public bool Selects(SeriesKey key)
    {
        if ((Source == RequestSource.Mesh && key.Origin != SeriesKey.MeshOrigin) || (Source == RequestSource.Spans && key.Origin != SeriesKey.SpanOrigin))
        {
            return false;
        }
        foreach (var (field, _, glob) in _fields)
        {
            if (!glob.IsMatch(field(key)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether a series' status is one the condition counts (always, when it names none).</summary>
    public bool StatusMatches(SeriesKey key)
    {
        var condition = _query.Condition;
        return (condition.Statuses.Count == 0 && condition.GrpcStatuses.Count == 0)
            || condition.Statuses.Any(s => s.Matches(key.ResponseCode)) || condition.GrpcStatuses.Contains(key.GrpcStatus);
    }

    /// <summary>How many of a selected series' requests the condition counts (fractional where a latency threshold falls between histogram bounds).</summary>
    public double Count(SeriesKey key, SeriesCounts counts)
    {
        var condition = _query.Condition;
        if (!StatusMatches(key))
        {
            return 0;
        }
        double count = counts.Requests;
        if (condition.LatencyAtMost is { } atMost)
        {
            count = Math.Min(count, counts.AtMostMillis(atMost.TotalMilliseconds));
        }
        if (condition.LatencyAbove is { } above)
        {
            count = Math.Min(count, counts.Requests - counts.AtMostMillis(above.TotalMilliseconds));
        }
        return count;
    }

    /// <summary>
    /// The selector as a WHERE condition over the SLI rollups (the status and latency condition is
    /// applied per series afterwards, by <see cref="Count"/>); patterns go in as parameters.
    /// </summary>
    public string Where(QueryParameters parameters, string prefix)
    {
        var terms = new List<string> { "1" };
        if (Source != RequestSource.Auto)
        {
            parameters.Add($"{prefix}origin", Source == RequestSource.Mesh ? SeriesKey.MeshOrigin : SeriesKey.SpanOrigin);
            terms.Add($"Origin = {{{prefix}origin:String}}");
        }
        for (var i = 0; i < _fields.Length; i++)
        {
            var (_, column, glob) = _fields[i];
            parameters.Add($"{prefix}f{i}", glob.IsLiteral ? glob.Literal : glob.ToLike());
            terms.Add(glob.IsLiteral ? $"{column} = {{{prefix}f{i}:String}}" : $"{column} LIKE {{{prefix}f{i}:String}}");
        }
        if (_query.Selector.Operation is not null)
        {
            terms.Add("Protocol = 'grpc'");
        }
        return string.Join(" AND ", terms);
    }
}
