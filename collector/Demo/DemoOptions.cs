namespace Observe.Collector.Demo;

/// <summary>The built-in demo mesh (section Demo; <c>up --demo</c>).</summary>
public sealed class DemoOptions
{
    /// <summary>Run the traffic generator, the simulated cluster and the controller against it.</summary>
    public bool Enabled { get; set; }

    /// <summary>Seed of every random choice of the generator, so two runs tell the same story.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Requests per second at the gateway in the steady phase, at the middle of the day curve.</summary>
    public double BaseLoad { get; set; } = 40;

    /// <summary>Load at the gateway in the burst phase, as a multiple of the steady load.</summary>
    public double BurstFactor { get; set; } = 5;

    /// <summary>Share of requests whose spans are sent as OTLP traces (every request sends access logs).</summary>
    public double SampleShare { get; set; } = 0.1;

    /// <summary>Requests per second one Ready pod serves before it queues past its base latency.</summary>
    public double PodCapacity { get; set; } = ShippedPodCapacity;

    /// <summary>The pod capacity the shipped policies' <c>requestsPerReplica</c> figures were written for.</summary>
    internal const double ShippedPodCapacity = 20;

    /// <summary>Gateway requests one batch may carry at the burst's peak (each becomes about a dozen access-log entries and spans).</summary>
    internal const double MaxBatchRequests = 20_000;

    /// <summary>From a pod's creation to Ready in the simulated cluster.</summary>
    public TimeSpan PodStartup { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Divides every phase length: 2 plays the scenario twice as fast.</summary>
    public double Speed { get; set; } = 1;

    // Short enough that a newcomer sees the burst and the autoscaler's answer within the first
    // minute and the whole story in under four.
    public TimeSpan Steady { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan Burst { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan ZoneFailure { get; set; } = TimeSpan.FromSeconds(45);

    public TimeSpan Recovery { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan Canary { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a batch of the generated traffic is sent (and the cluster's pods move on).</summary>
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The controller's tick in the demo policies.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        if (Seed < 0)
        {
            throw new ArgumentException($"Demo:Seed must not be negative, got {Seed}.");
        }
        if (BaseLoad is <= 0 or > 2000)
        {
            throw new ArgumentException($"Demo:BaseLoad must be above 0 and at most 2000 requests/s, got {BaseLoad}.");
        }
        if (BurstFactor is < 1 or > 20)
        {
            throw new ArgumentException($"Demo:BurstFactor must be 1 to 20, got {BurstFactor}.");
        }
        if (SampleShare is < 0 or > 1)
        {
            throw new ArgumentException($"Demo:SampleShare must be 0 to 1, got {SampleShare}.");
        }
        if (PodCapacity is <= 0 or > 10000)
        {
            throw new ArgumentException($"Demo:PodCapacity must be above 0 and at most 10000 requests/s, got {PodCapacity}.");
        }
        if (PodStartup < TimeSpan.Zero || PodStartup > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException($"Demo:PodStartup must be 0 to 10 minutes, got {PodStartup}.");
        }
        if (Speed is < 0.1 or > 100)
        {
            throw new ArgumentException($"Demo:Speed must be 0.1 to 100, got {Speed}.");
        }
        foreach (var (name, length) in new[] { ("Steady", Steady), ("Burst", Burst), ("ZoneFailure", ZoneFailure), ("Recovery", Recovery), ("Canary", Canary) })
        {
            if (length < TimeSpan.FromSeconds(1) || length > TimeSpan.FromHours(6))
            {
                throw new ArgumentException($"Demo:{name} must be 1 s to 6 hours, got {length}.");
            }
        }
        if (BatchInterval < TimeSpan.FromMilliseconds(100) || BatchInterval > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException($"Demo:BatchInterval must be 100 ms to 10 s, got {BatchInterval}.");
        }
        // One batch is one gRPC and one OTLP request: past this many gateway requests (the burst at
        // the day curve's peak, 1.35×) a batch would pass the receivers' request size limit.
        var peakBatch = BaseLoad * BurstFactor * 1.35 * BatchInterval.TotalSeconds;
        if (peakBatch > MaxBatchRequests)
        {
            throw new ArgumentException(
                $"Demo:BaseLoad × Demo:BurstFactor × Demo:BatchInterval gives up to {peakBatch:0} gateway requests in one batch at the burst's peak; at most {MaxBatchRequests} fit: lower one of them.");
        }
        if (Tick < TimeSpan.FromSeconds(1) || Tick > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"Demo:Tick must be 1 s to 5 minutes, got {Tick}.");
        }
    }
}
