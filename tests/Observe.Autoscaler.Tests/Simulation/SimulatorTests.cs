using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Simulation;

namespace Observe.Autoscaler.Tests.Simulation;

public sealed class SimulatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RequestTrace Constant(double rate, int seconds) =>
        new("constant", Start, TimeSpan.FromSeconds(1), Enumerable.Repeat(rate, seconds).ToArray());

    private static WorkloadModel Model(double mu, int replicas, double threshold = 0.75, double target = 0.999,
        TimeSpan? delay = null, TimeSpan? warmup = null, Balancer balancer = Balancer.PowerOfTwoChoices, int queueLimit = 1000,
        IReadOnlyList<CapacityChange>? changes = null) =>
        new(mu, new PodStartup(delay ?? TimeSpan.FromSeconds(60), warmup ?? TimeSpan.Zero, 0.5), new LatencyObjective(threshold, target),
            queueLimit, replicas, balancer, CapacityChanges: changes);

    /// <summary>Asks for a fixed count from a given second on, and records what it saw.</summary>
    private sealed class FixedScaler(int replicas, long fromSecond = 0, double lagSeconds = 0) : IReplicaScaler
    {
        public List<ScalingSignals> Seen { get; } = [];
        public string Name => "fixed";
        public ScalerCadence Cadence { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(lagSeconds));

        public ScalingDecision Decide(ScalingSignals signals)
        {
            Seen.Add(signals);
            var desired = (signals.Time - Start).TotalSeconds >= fromSecond ? replicas : signals.Replicas.Desired;
            return new ScalingDecision(signals.Time, signals.Replicas.Desired, desired, [new ScalingReason(ReasonCodes.Steady, "fixed")], new DecisionFigures());
        }
    }

    /// <summary>
    /// M/M/c with FCFS: a request waits with probability C (Erlang C), and then for an
    /// exponential time of rate cμ − λ; its sojourn adds an exponential service of rate μ.
    /// </summary>
    private static double SojournWithin(double t, int c, double lambda, double mu)
    {
        var a = lambda / mu;
        var rho = a / c;
        double term = 1, sum = 0;
        for (var k = 0; k < c; k++) { sum += term; term *= a / (k + 1); }
        var last = term / (1 - rho); // a^c / c! / (1 − ρ)
        var erlangC = last / (sum + last);
        var theta = c * mu - lambda;
        var waitedAndServedLonger = (mu * Math.Exp(-theta * t) - theta * Math.Exp(-mu * t)) / (mu - theta);
        var beyond = (1 - erlangC) * Math.Exp(-mu * t) + erlangC * waitedAndServedLonger;
        return 1 - beyond;
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.2)]
    [InlineData(0.4)]
    [InlineData(0.8)]
    public void Least_work_pods_are_an_M_M_c_queue_whose_sojourn_times_match_the_closed_form(double threshold)
    {
        const int c = 4;
        const double mu = 10, lambda = 32; // ρ = 0.8
        var result = Simulator.Run(Constant(lambda, 40_000), Model(mu, c, threshold, balancer: Balancer.LeastWork), new FixedScaler(c), seed: 7);

        var expected = SojournWithin(threshold, c, lambda, mu);
        Assert.Equal(0, result.Rejected);
        Assert.InRange(result.GoodShare, expected - 0.006, expected + 0.006);
    }

    [Fact]
    public void Arrivals_follow_the_trace_and_replica_hours_count_every_pod_second()
    {
        var result = Simulator.Run(Constant(50, 7200), Model(20, 5), new FixedScaler(5), seed: 1);

        // 360,000 expected arrivals; a Poisson count's standard deviation is 600.
        Assert.InRange(result.Requests, 360_000 - 3_000, 360_000 + 3_000);
        Assert.Equal(10.0, result.ReplicaHours, 6);
        Assert.Equal(0, result.ScalingActions);
        Assert.Equal(120, result.Minutes.Count);
        Assert.All(result.Minutes, m => Assert.Equal(100.0, m.Capacity, 6));
        Assert.All(result.Minutes, m => Assert.Equal(50.0, m.Demand, 6));
    }

    [Fact]
    public void Requests_are_rejected_until_the_first_pod_has_started()
    {
        var result = Simulator.Run(Constant(10, 600), Model(20, 0, delay: TimeSpan.FromSeconds(120)), new FixedScaler(2), seed: 3);

        Assert.All(result.Minutes.Take(2), m => Assert.Equal(0, m.Good));
        Assert.All(result.Minutes.Take(2), m => Assert.Equal(0, m.Ready));
        Assert.All(result.Minutes.Skip(2), m => Assert.Equal(2, m.Ready));
        Assert.InRange(result.Rejected, 1_000, 1_400); // the first 120 s at 10/s
        Assert.Equal(2, result.ViolationMinutes);
        Assert.Equal(1, result.ScalingActions);
    }

    [Fact]
    public void Warming_pods_serve_at_a_rising_share_of_their_rate()
    {
        var model = Model(20, 0, delay: TimeSpan.FromSeconds(60), warmup: TimeSpan.FromSeconds(120));
        var result = Simulator.Run(Constant(1, 300), model, new FixedScaler(3), seed: 3);

        // Ready at 60 s at half rate, full at 180 s: minute 1 averages 0.5 + 0.5 × 29.5/120 of μ per pod.
        Assert.Equal(0, result.Minutes[0].Capacity, 6);
        Assert.Equal(3 * 20 * (0.5 + 0.5 * 29.5 / 120), result.Minutes[1].Capacity, 6);
        Assert.Equal(3 * 20 * (0.5 + 0.5 * 89.5 / 120), result.Minutes[2].Capacity, 6);
        Assert.Equal(60, result.Minutes[3].Capacity, 6);
    }

    [Fact]
    public void A_capacity_change_slows_every_pod_from_its_time_on()
    {
        var model = Model(20, 4, changes: [new CapacityChange(TimeSpan.FromMinutes(2), 0.5)]);
        var result = Simulator.Run(Constant(10, 300), model, new FixedScaler(4), seed: 3);

        Assert.Equal(80, result.Minutes[1].Capacity, 6);
        Assert.Equal(40, result.Minutes[2].Capacity, 6);
    }

    [Fact]
    public void A_scaler_sees_its_windows_ending_the_metrics_lag_before_now()
    {
        var scaler = new FixedScaler(3, lagSeconds: 15);
        Simulator.Run(Constant(12, 300), Model(20, 3), scaler, seed: 5);

        var late = scaler.Seen.Single(s => s.Time == Start.AddSeconds(200));
        Assert.Equal(Start.AddSeconds(185), late.DataUntil);
        Assert.InRange(late.RateLong!.Value, 12 - 3, 12 + 3);
        Assert.NotNull(late.Latency?.P50);
        Assert.Equal(3, late.Replicas.Ready);
        Assert.Equal(0, late.ErrorRatio);
        Assert.Null(scaler.Seen[0].DataUntil); // nothing measured yet at second 0
        Assert.Null(scaler.Seen[0].RateLong);
    }

    [Fact]
    public void Overload_fills_the_queues_and_the_rest_is_rejected()
    {
        // 2 pods of 10/s offered 40/s: they complete about 20/s and turn the rest away.
        var result = Simulator.Run(Constant(40, 600), Model(10, 2, queueLimit: 50), new FixedScaler(2), seed: 9);

        Assert.InRange(result.Rejected / (double)result.Requests, 0.45, 0.55);
        Assert.True(result.GoodShare < 0.5);
        Assert.Equal(10, result.ViolationMinutes);
    }

    [Fact]
    public void The_same_seed_gives_the_same_run()
    {
        var a = Simulator.Run(Constant(30, 600), Model(20, 3), new FixedScaler(3), seed: 11);
        var b = Simulator.Run(Constant(30, 600), Model(20, 3), new FixedScaler(3), seed: 11);

        Assert.Equal(a.Requests, b.Requests);
        Assert.Equal(a.Good, b.Good);
    }

    [Fact]
    public void The_oracle_has_warm_pods_before_a_step_arrives_and_drops_them_after()
    {
        var counts = Enumerable.Repeat(20.0, 1200).Concat(Enumerable.Repeat(200.0, 600)).Concat(Enumerable.Repeat(20.0, 1200)).ToArray();
        var trace = new RequestTrace("step", Start, TimeSpan.FromSeconds(1), counts);
        var model = Model(20, 2, delay: TimeSpan.FromSeconds(60), warmup: TimeSpan.FromSeconds(30));
        var result = Simulator.Run(trace, model, new OracleScaler(trace, model, 2, 40, 0.8), seed: 2);

        // 200/s at 16/s per pod needs 13 pods, ready during minute 19 and warm by the step at 20 min.
        Assert.Equal(13, result.Minutes[19].Ready);
        Assert.Equal(2, result.Minutes[18].Ready);
        Assert.Equal(13 * 20.0, result.Minutes[20].Capacity, 6);
        Assert.Equal(2, result.Minutes[40].Replicas);
        Assert.True(result.GoodShare > 0.999, $"good share {result.GoodShare}");
        Assert.Equal(2, result.ScalingActions);
    }
}
