using System.Globalization;
using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Simulation;
using Xunit.Abstractions;
namespace Observe.Autoscaler.Tests.Simulation;
public sealed class Scratch(ITestOutputHelper output)
{
    [Fact]
    public void Perf()
    {
        var lines = File.ReadAllLines("/work/shared/data/traces/worldcup98-requests-per-minute.csv").Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        var peak = lines.Max() / 60;
        var f = 40 * 20 * 0.8 / peak;
        var counts = lines.Skip(lines.Length - 30 * 1440).Select(c => c * f).ToArray();
        var trace = new RequestTrace("wc", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1), counts);
        var model = new WorkloadModel(20, new PodStartup(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), 0.5), new LatencyObjective(0.75, 0.999), 256, 2);
        var r = Simulator.Run(trace, model, new OracleScaler(trace, model, 2, 60, 0.8), 1);
        output.WriteLine($"oracle good={r.GoodShare:0.00000} viol={r.ViolationMinutes} rh={r.ReplicaHours:0} actions={r.ScalingActions} req={r.Requests} {r.Elapsed.TotalSeconds:0.0}s");
    }
}
