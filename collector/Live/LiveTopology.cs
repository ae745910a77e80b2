using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Observe.Collector.Api;
using Observe.Store;
using Observe.Topology.Graph;

namespace Observe.Collector.Live;

/// <summary>
/// Keeps one graph per distinct view (grouping and filters) that some client watches, reads it
/// again every Topology:Live:Interval over the trailing Topology:Live:Window, and pushes what
/// changed to the view's SignalR group. A view's gate orders snapshots and diffs, so a new
/// subscriber's snapshot is exactly the graph the next diff applies to.
/// </summary>
internal sealed class LiveTopology(IGraphReader graphs, IHubContext<TopologyHub> hub, LiveOptions options, TimeProvider time, ILogger<LiveTopology> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, View> _views = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, View> _connections = new(StringComparer.Ordinal);

    public async Task SubscribeAsync(string connectionId, TopologySubscription subscription, CancellationToken cancellationToken)
    {
        var filter = Filter(subscription);
        await UnsubscribeAsync(connectionId).ConfigureAwait(false);
        var key = Key(filter);
        while (true)
        {
            if (!_views.TryGetValue(key, out var view))
            {
                if (_views.Count >= options.MaxViews)
                {
                    throw new HubException($"{options.MaxViews} live views are open (Topology:Live:MaxViews); subscribe to one of them or raise the limit.");
                }
                view = _views.GetOrAdd(key, _ => new View(key, filter));
            }
            await view.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (view.Closed)
                {
                    continue;
                }
                view.Graph ??= await ReadAsync(view, cancellationToken).ConfigureAwait(false);
                await hub.Groups.AddToGroupAsync(connectionId, key, cancellationToken).ConfigureAwait(false);
                view.Subscribers++;
                _connections[connectionId] = view;
                await hub.Clients.Client(connectionId).SendAsync("snapshot", new { sequence = view.Sequence, graph = view.Graph }, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
            {
                throw new HubException($"the store did not answer: {e.Message}");
            }
            finally
            {
                view.Gate.Release();
            }
        }
    }

    public async Task UnsubscribeAsync(string connectionId)
    {
        if (!_connections.TryRemove(connectionId, out var view))
        {
            return;
        }
        await view.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await hub.Groups.RemoveFromGroupAsync(connectionId, view.Key).ConfigureAwait(false);
            if (--view.Subscribers == 0)
            {
                view.Closed = true;
                _views.TryRemove(view.Key, out _);
            }
        }
        finally
        {
            view.Gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var view in _views.Values)
                {
                    await TickAsync(view, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads a view's graph again and pushes the diff, if anything changed.</summary>
    internal async Task TickAsync(View view, CancellationToken cancellationToken)
    {
        await view.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (view.Closed || view.Graph is null)
            {
                return;
            }
            var next = await ReadAsync(view, cancellationToken).ConfigureAwait(false);
            var diff = GraphDiff.Between(view.Graph, next, view.Sequence + 1);
            view.Failing = false;
            if (diff.IsEmpty)
            {
                return;
            }
            view.Graph = next;
            view.Sequence = diff.Sequence;
            await hub.Clients.Group(view.Key).SendAsync("diff", diff, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StoreUnavailableException or ClickHouseException)
        {
            // Subscribers keep the last graph; the next tick tries again.
            if (!view.Failing)
            {
                logger.LogWarning("Live topology view {View} could not be read: {Error}", view.Key, e.Message);
                view.Failing = true;
            }
        }
        finally
        {
            view.Gate.Release();
        }
    }

    private Task<ServiceGraph> ReadAsync(View view, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return graphs.GraphAsync(now - options.Window, now, view.Filter, cancellationToken);
    }

    private static GraphFilter Filter(TopologySubscription subscription)
    {
        var grouping = GraphGrouping.Workload;
        if (subscription.GroupBy is { Length: > 0 } text && !TopologyApi.TryGrouping(text, out grouping))
        {
            throw new HubException($"groupBy '{text}' must be one of workload, version, app, service");
        }
        static string[] Sorted(string[]? values) => [.. (values ?? []).Where(v => v.Length > 0).Distinct().Order(StringComparer.Ordinal)];
        return new GraphFilter(grouping, Sorted(subscription.Namespaces), Sorted(subscription.Services), subscription.ByZone);
    }

    private static string Key(GraphFilter filter) =>
        $"{filter.GroupBy}|{string.Join(',', filter.Namespaces!)}|{string.Join(',', filter.Services!)}|{filter.ByZone}";

    internal sealed class View(string key, GraphFilter filter)
    {
        public string Key { get; } = key;
        public GraphFilter Filter { get; } = filter;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public ServiceGraph? Graph { get; set; }
        public long Sequence { get; set; }
        public int Subscribers { get; set; }
        public bool Closed { get; set; }
        public bool Failing { get; set; }
    }
}
