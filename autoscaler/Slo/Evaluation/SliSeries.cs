using System.Text.RegularExpressions;
using Observe.Store;
using Observe.Store.Slo;

namespace Observe.Autoscaler.Slo.Evaluation;

/// <summary>One series of the SLI rollups: the requests to one destination, route and status.</summary>
internal sealed record SeriesKey(
    string Namespace, string Service, string Workload, string Version, string Origin, string Protocol,
    string Route, string Method, int ResponseCode, int GrpcStatus)
{
    public const string MeshOrigin = "accesslog";
    public const string SpanOrigin = "span";

    /// <summary>The destination the series belongs to, for preferring one origin per workload.</summary>
    public (string, string, string, string) Destination => (Namespace, Service, Workload, Version);

    public static SeriesKey Parse(string[] f) => new(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7],
        (int)TabSeparated.Long(f[8]), (int)TabSeparated.Long(f[9]));
}

/// <summary>
/// Requests of one series in one span of time, with the cumulative latency histogram:
/// <see cref="AtMost"/>[i] requests took at most <see cref="SloSchema.LatencyBoundsMillis"/>[i].
/// </summary>
internal readonly record struct SeriesCounts(long Requests, long[] AtMost)
{
    public static SeriesCounts Empty { get; } = new(0, new long[SloSchema.LatencyBoundsMillis.Count]);

    public static SeriesCounts Parse(string requests, string buckets)
    {
        var all = TabSeparated.Longs(buckets);
        // The histogram's last bucket is "slower than every bound": it equals Requests.
        return new(TabSeparated.Long(requests), all.Length == 0 ? Empty.AtMost : all[..SloSchema.LatencyBoundsMillis.Count]);
    }

    public SeriesCounts Plus(SeriesCounts other)
    {
        var sum = new long[AtMost.Length];
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] = AtMost[i] + other.AtMost[i];
        }
        return new(Requests + other.Requests, sum);
    }

    /// <summary>
    /// Requests that took at most <paramref name="millis"/>: exact on a histogram bound, linear
    /// between the two bounds around it otherwise (lint warns about such thresholds).
    /// </summary>
    public double AtMostMillis(double millis)
    {
        var bounds = SloSchema.LatencyBoundsMillis;
        if (millis < 0)
        {
            return 0;
        }
        var i = 0;
        while (i < bounds.Count && bounds[i] < millis)
        {
            i++;
        }
        if (i < bounds.Count && bounds[i] == millis)
        {
            return AtMost[i];
        }
        var (lowBound, low) = i == 0 ? (0.0, 0.0) : (bounds[i - 1], (double)AtMost[i - 1]);
        var (highBound, high) = i == bounds.Count ? (double.PositiveInfinity, (double)Requests) : (bounds[i], (double)AtMost[i]);
        return double.IsInfinity(highBound) ? low : low + (high - low) * (millis - lowBound) / (highBound - lowBound);
    }

    /// <summary>The latency at quantile q (0..1), interpolated inside the bucket that holds it; null without requests.</summary>
    public double? QuantileMillis(double q) => CumulativeHistogram.QuantileMillis(SloSchema.LatencyBoundsMillis, AtMost, Requests, q);
}

/// <summary>A glob: <c>*</c> any run of characters, <c>?</c> one; matched against the whole value.</summary>
internal sealed class Glob
{
    private readonly Regex? _regex;
    private readonly string _literal;

    public Glob(string pattern)
    {
        _literal = pattern;
        if (pattern.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            var body = Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal);
            _regex = new Regex($"^{body}$", RegexOptions.CultureInvariant | RegexOptions.Compiled);
        }
    }

    public bool IsLiteral => _regex is null;

    public string Literal => _literal;

    public bool IsMatch(string value) => _regex?.IsMatch(value) ?? string.Equals(value, _literal, StringComparison.Ordinal);

    /// <summary>The same pattern for SQL LIKE, with LIKE's own wildcards escaped.</summary>
    public string ToLike() => string.Concat(_literal.Select(c => c switch
    {
        '*' => "%",
        '?' => "_",
        '%' or '_' or '\\' => "\\" + c,
        _ => c.ToString(),
    }));
}
