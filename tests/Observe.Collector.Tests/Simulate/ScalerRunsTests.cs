using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Simulation;
using Observe.Collector.Simulate;

namespace Observe.Collector.Tests.Simulate;

/// <summary>The scalers run side by side through a stand-in engine; the real one is tested with the engine.</summary>
public sealed class ScalerRunsTests
{
    private static readonly RequestTrace Trace = new("t", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), [1, 2, 3]);

    private static readonly WorkloadModel Model = new(20, new PodStartup(TimeSpan.FromSeconds(30), TimeSpan.Zero, 1), new LatencyObjective(0.5, 0.999), 256, 1);

    private sealed class Named(string name) : IReplicaScaler
    {
        public string Name => name;
        public ScalerCadence Cadence => new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(60), TimeSpan.Zero);
        public ScalingDecision Decide(ScalingSignals signals) => throw new InvalidOperationException("not called by the stand-in engine");
    }

    private static SimulationResult Result(string policy) => new(policy, 10, 10, 0, 1, 0, 0, 1, 0, TimeSpan.Zero, [], []);

    [Fact]
    public async Task Results_come_back_in_the_scalers_order_with_the_same_trace_model_and_seed()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<(RequestTrace, WorkloadModel, int)>();
        var results = await ScalerRuns.RunAsync(Trace, Model, [new Named("observe"), new Named("hpa"), new Named("oracle")], 42, null, CancellationToken.None,
            (trace, model, scaler, seed, _, _) =>
            {
                seen.Add((trace, model, seed));
                return Result(scaler.Name);
            });
        Assert.Equal(["observe", "hpa", "oracle"], results.Select(r => r.Policy));
        Assert.All(seen, s => Assert.Equal((Trace, Model, 42), s));
    }

    [Fact]
    public async Task A_failed_run_stops_the_others_and_its_own_error_is_the_one_reported()
    {
        var waited = false;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ScalerRuns.RunAsync(Trace, Model, [new Named("waits"), new Named("fails")], 1, null,
            CancellationToken.None, (_, _, scaler, _, _, cancellationToken) =>
            {
                if (scaler.Name == "fails")
                {
                    throw new InvalidOperationException("engine broke");
                }
                // Blocks until the failure cancels it; the bound only keeps a broken test from hanging.
                waited = cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
                cancellationToken.ThrowIfCancellationRequested();
                return Result(scaler.Name);
            }));
        Assert.Equal("engine broke", error.Message);
        Assert.True(waited);
    }
}
