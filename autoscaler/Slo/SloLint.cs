using System.Globalization;

namespace Observe.Autoscaler.Slo;

/// <summary>Answers whether any request matched a selector lately (the store implements it).</summary>
public interface ISelectorCatalog
{
    Task<bool> AnyRequestsAsync(RequestSelector selector, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>Checks of SLOs against the data: what the documents alone cannot tell.</summary>
public static class SloLint
{
    /// <summary>A day covers daily traffic patterns, so a quiet night does not look like a typo.</summary>
    private static readonly TimeSpan Lookback = TimeSpan.FromHours(24);

    /// <summary>A warning for each request query whose selector matched no request in the last 24 hours: most often a misspelt name.</summary>
    public static async Task<IReadOnlyList<Finding>> CheckSelectorsAsync(SloDocumentSet set, ISelectorCatalog catalog, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(time);
        var since = time.GetUtcNow() - Lookback;
        var findings = new List<Finding>();
        var answers = new Dictionary<RequestSelector, bool>();
        foreach (var slo in set.Slos)
        {
            foreach (var query in Queries(slo.Indicator).DistinctBy(q => q.Selector))
            {
                if (!answers.TryGetValue(query.Selector, out var any))
                {
                    any = await catalog.AnyRequestsAsync(query.Selector, since, ct).ConfigureAwait(false);
                    answers[query.Selector] = any;
                }
                if (!any)
                {
                    findings.Add(new Finding(FindingSeverity.Warning, query.Location ?? slo.Location,
                        $"selector {Describe(query.Selector)} matched no request since {since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}: check the names against /api/v1/services"));
                }
            }
        }
        return findings;
    }

    private static IEnumerable<RequestQuery> Queries(Indicator indicator) => indicator switch
    {
        RatioIndicator ratio => [ratio.Total, ratio.Counted],
        ThresholdIndicator threshold => [threshold.Requests],
        _ => [],
    };

    internal static string Describe(RequestSelector selector)
    {
        var parts = new List<string>();
        if (selector.Source != RequestSource.Auto)
        {
            parts.Add($"source={selector.Source.ToString().ToLowerInvariant()}");
        }
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={value}");
            }
        }
        Add("namespace", selector.Namespace);
        Add("service", selector.Service);
        Add("workload", selector.Workload);
        Add("version", selector.Version);
        Add("route", selector.Route);
        Add("method", selector.Method);
        Add("operation", selector.Operation);
        return $"{{{string.Join(", ", parts)}}}";
    }
}
