namespace Observe.Collector.Live;

/// <summary>The live graph pushed over /hubs/topology (section Topology:Live).</summary>
public sealed class LiveOptions
{
    /// <summary>How often each view's graph is read again and its changes pushed.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The trailing window a live graph covers.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Distinct views (grouping and filters) kept live at once; each costs one graph query per interval.</summary>
    public int MaxViews { get; set; } = 64;

    public void Validate()
    {
        if (Interval < TimeSpan.FromMilliseconds(100) || Interval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"Topology:Live:Interval must be 100 ms to 1 minute, got {Interval}.");
        }
        if (Window < TimeSpan.FromSeconds(10) || Window > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"Topology:Live:Window must be 10 s to 1 hour, got {Window}.");
        }
        if (MaxViews < 1)
        {
            throw new ArgumentException($"Topology:Live:MaxViews must be at least 1, got {MaxViews}.");
        }
    }
}
