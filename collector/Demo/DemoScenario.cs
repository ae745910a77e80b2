namespace Observe.Collector.Demo;

/// <summary>One phase of the scenario, as offsets into a loop.</summary>
public sealed record DemoPhase(string Name, string Description, TimeSpan Start, TimeSpan End)
{
    public TimeSpan Length => End - Start;
}

/// <summary>Where the scenario is at one instant, and what the traffic does there.</summary>
/// <param name="Loop">1-based count of the loop being played.</param>
/// <param name="Load">Requests per second at the gateway.</param>
/// <param name="ReviewsFailingIn">A zone whose reviews pods answer 503 (null: none).</param>
/// <param name="ReviewsAvoid">A zone productpage no longer sends reviews traffic to (failover).</param>
/// <param name="CanaryShare">Share of reviews traffic to v3.</param>
public sealed record ScenarioMoment(
    DemoPhase Phase, int Loop, DateTimeOffset PhaseStartedAt, DateTimeOffset PhaseEndsAt,
    double Load, string? ReviewsFailingIn, string? ReviewsAvoid, double CanaryShare);

/// <summary>
/// The demo's script on a compressed clock, looping: steady load following a day curve squeezed
/// into one loop, a burst, reviews failing in zone a and then failing over to zone b, recovery,
/// and a canary shift to reviews v3. A pure function of the time since the start.
/// </summary>
internal sealed class DemoScenario
{
    private readonly DemoOptions _options;
    private readonly DateTimeOffset _start;

    public DemoScenario(DemoOptions options, DateTimeOffset start)
    {
        _options = options;
        _start = start;
        var lengths = new (string Name, string Description, TimeSpan Length)[]
        {
            ("steady", "steady traffic following a day curve compressed into one loop; zone-local routing", options.Steady),
            ("burst", $"{options.BurstFactor:0.#}x the load at the gateway: latency and errors rise until the autoscaler adds replicas", options.Burst),
            ("zone-a-failure", "reviews in zone a answer 503, then productpage in zone a fails over to reviews in zone b (cross-zone)", options.ZoneFailure),
            ("recovery", "zone a is healthy again and routing returns to zone-local", options.Recovery),
            ("canary", "traffic to the slower reviews-v3 canary shifts from 0 to 50 %", options.Canary),
        };
        var phases = new List<DemoPhase>();
        var at = TimeSpan.Zero;
        foreach (var (name, description, length) in lengths)
        {
            var scaled = length / options.Speed;
            phases.Add(new DemoPhase(name, description, at, at + scaled));
            at += scaled;
        }
        Phases = phases;
        LoopLength = at;
    }

    public IReadOnlyList<DemoPhase> Phases { get; }

    public TimeSpan LoopLength { get; }

    public ScenarioMoment At(DateTimeOffset now)
    {
        var elapsed = now < _start ? TimeSpan.Zero : now - _start;
        var loop = (int)(elapsed.Ticks / LoopLength.Ticks);
        var offset = TimeSpan.FromTicks(elapsed.Ticks % LoopLength.Ticks);
        var phase = Phases.Last(p => p.Start <= offset);
        var loopStart = _start + LoopLength * loop;
        var progress = (offset - phase.Start) / phase.Length;

        // A day squeezed into one loop: night at its start, the peak half-way.
        var day = 1 - 0.35 * Math.Cos(2 * Math.PI * offset / LoopLength);
        var load = _options.BaseLoad * day;
        string? failing = null, avoid = null;
        var canary = 0.0;
        switch (phase.Name)
        {
            case "burst":
                load *= _options.BurstFactor;
                break;
            case "zone-a-failure":
                // The first third fails outright; then the mesh's outlier detection moves the traffic.
                failing = "a";
                if (progress >= 1.0 / 3)
                {
                    avoid = "a";
                }
                break;
            case "canary":
                canary = 0.5 * progress;
                break;
        }
        return new ScenarioMoment(phase, loop + 1, loopStart + phase.Start, loopStart + phase.End, load, failing, avoid, canary);
    }
}
