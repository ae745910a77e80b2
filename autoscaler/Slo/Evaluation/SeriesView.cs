namespace Observe.Autoscaler.Slo.Evaluation;

/// <summary>
/// A read of the SLI rollups arranged for counting: rows by series, series by service, and which
/// destinations the proxies reported in each segment (where they did, spans of the same
/// requests are not counted again).
/// </summary>
internal sealed class SeriesView
{
    private readonly SeriesSegments _read;
    private readonly List<(int Segment, SeriesCounts Counts)>[] _rows;
    private readonly Dictionary<string, List<int>> _byService = new(StringComparer.Ordinal);
    private readonly HashSet<(int, (string, string, string, string))> _meshReported = [];

    public SeriesView(SeriesSegments read)
    {
        _read = read;
        _rows = new List<(int, SeriesCounts)>[read.Keys.Count];
        for (var i = 0; i < _rows.Length; i++)
        {
            _rows[i] = [];
            var service = read.Keys[i].Service;
            if (!_byService.TryGetValue(service, out var list))
            {
                _byService[service] = list = [];
            }
            list.Add(i);
        }
        foreach (var (series, segment, counts) in read.Rows)
        {
            _rows[series].Add((segment, counts));
            var key = read.Keys[series];
            if (key.Origin == SeriesKey.MeshOrigin && counts.Requests > 0)
            {
                _meshReported.Add((segment, key.Destination));
            }
        }
    }

    /// <summary>
    /// Every (segment, series, counts) of the series either matcher selects, skipping span-origin
    /// rows of a destination the proxies reported in that segment when the matcher's source is auto.
    /// </summary>
    public IEnumerable<(int Segment, SeriesKey Key, SeriesCounts Counts)> Selected(RequestMatcher first, RequestMatcher? second = null)
    {
        IEnumerable<int> candidates = first.Service is { } service && (second is null || second.Service == service)
            ? _byService.GetValueOrDefault(service) ?? []
            : Enumerable.Range(0, _rows.Length);
        foreach (var series in candidates)
        {
            var key = _read.Keys[series];
            if (!first.Selects(key) && second?.Selects(key) != true)
            {
                continue;
            }
            foreach (var (segment, counts) in _rows[series])
            {
                if (key.Origin == SeriesKey.SpanOrigin && first.Source == RequestSource.Auto && _meshReported.Contains((segment, key.Destination)))
                {
                    continue;
                }
                yield return (segment, key, counts);
            }
        }
    }
}
