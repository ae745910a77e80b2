using Microsoft.AspNetCore.SignalR;

namespace Observe.Collector.Live;

/// <summary>What a client of /hubs/topology watches; every field is optional.</summary>
public sealed class TopologySubscription
{
    /// <summary>workload (default), version, app or service.</summary>
    public string? GroupBy { get; set; }

    public string[]? Namespaces { get; set; }

    public string[]? Services { get; set; }

    public bool ByZone { get; set; } = true;
}

/// <summary>
/// The live graph hub. A client invokes <c>Subscribe</c> and receives a <c>snapshot</c> message
/// (the current graph and its sequence number), then a <c>diff</c> message whenever the graph of
/// its view changes. Subscribing again replaces the view.
/// </summary>
internal sealed class TopologyHub(LiveTopology live) : Hub
{
    public const string Path = "/hubs/topology";

    public Task Subscribe(TopologySubscription subscription) => live.SubscribeAsync(Context.ConnectionId, subscription, Context.ConnectionAborted);

    public Task Unsubscribe() => live.UnsubscribeAsync(Context.ConnectionId);

    public override Task OnDisconnectedAsync(Exception? exception) => live.UnsubscribeAsync(Context.ConnectionId);
}
