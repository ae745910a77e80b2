using Observe.Store;

namespace Observe.Autoscaler.Slo.Evaluation;

/// <summary>Answers lint's "did this selector match anything lately" from the hourly SLI rollup.</summary>
public sealed class StoreSelectorCatalog(IClickHouseTransport store, string database) : ISelectorCatalog
{
    private readonly SliReader _reader = new(store, database);

    public Task<bool> AnyRequestsAsync(RequestSelector selector, DateTimeOffset since, CancellationToken cancellationToken) =>
        _reader.AnyAsync(new RequestMatcher(new RequestQuery(selector, RequestCondition.All)), since, cancellationToken);
}
