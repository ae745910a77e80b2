using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Slo;

namespace Observe.Autoscaler.Tests.Scaling;

/// <summary>A policy, an objective and signal builders for the scaler's tests.</summary>
internal static class ScalingFixtures
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(15);

    /// <summary>p99.9 within 500 ms.</summary>
    public static readonly LatencyObjective Objective = new(0.5, 0.999);

    /// <summary>
    /// 2–50 replicas of 10 req/s each; ready 30 s after being asked for, at half capacity, warm
    /// 60 s later; burst at 2× for 60 s; up 100 % or 4 pods a minute; down after 5 minutes,
    /// 50 % or 2 pods a minute; headroom 10–50 %.
    /// </summary>
    public static ScalingPolicy Policy(
        int min = 2, int max = 50, double? hint = 10, bool predict = true, bool daily = false, int minSeasons = 2,
        TimeSpan? horizon = null, TimeSpan? trendWindow = null, TimeSpan? stabilisation = null) => new(
        Name: "checkout",
        Namespace: "shop",
        Target: new("apps/v1", "Deployment", "checkout", null),
        Slos: ["checkout-latency"],
        MinReplicas: min,
        MaxReplicas: max,
        CapacityHint: hint,
        Startup: new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), 0.5),
        Burst: new(2, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60)),
        ScaleUp: new(100, 4, TimeSpan.FromSeconds(60)),
        ScaleDown: new(stabilisation ?? TimeSpan.FromMinutes(5), 50, 2, TimeSpan.FromSeconds(60)),
        Prediction: new(predict, horizon, trendWindow ?? TimeSpan.FromMinutes(10), daily, false, minSeasons),
        Headroom: new(0.1, 0.5),
        Mode: ScalingMode.Enforce,
        Tick: Tick,
        Location: new SourceLocation("policy.yaml", 1, 1));

    public static ObserveScaler Scaler(ScalingPolicy? policy = null) => new(policy ?? Policy(), Objective);

    /// <summary><paramref name="count"/> pods, all warm (an hour old).</summary>
    public static ReplicaSnapshot Warm(int count) => Fleet(count, TimeSpan.FromHours(1));

    /// <summary><paramref name="count"/> ready pods of one age.</summary>
    public static ReplicaSnapshot Fleet(int count, TimeSpan age) =>
        new(count, [.. Enumerable.Repeat(new PodInfo(age, true), count)]);

    /// <summary>
    /// Fresh signals at a steady rate (short window = stable window), no latency (so the learned
    /// capacity stays at the hint) and no in-flight figure unless given.
    /// </summary>
    public static ScalingSignals Signals(
        DateTimeOffset time, double rate, ReplicaSnapshot replicas, double? rateShort = null, double? inFlight = null,
        double? atObjective = null, SloSignal? slo = null) => new(
        Time: time,
        DataUntil: time - TimeSpan.FromSeconds(10),
        RateShort: rateShort ?? rate,
        RateLong: rate,
        InFlight: inFlight,
        Latency: atObjective is null ? null : new LatencyQuantiles(null, null, null, atObjective),
        ErrorRatio: 0,
        Replicas: replicas,
        Slo: slo);

    /// <summary>The p-quantile of an M/M/1 queue's time in system at load x and service rate μ (exponential with rate μ − x).</summary>
    public static double MM1Quantile(double load, double serviceRate, double quantile) =>
        -Math.Log(1 - quantile) / (serviceRate - load);

    /// <summary>The load at which that quantile equals the threshold.</summary>
    public static double MM1SafeLoad(double serviceRate, double quantile, double threshold) =>
        serviceRate + (Math.Log(1 - quantile) / threshold);

    public static bool Has(this ScalingDecision decision, string code) => decision.Reasons.Any(r => r.Code == code);
}
