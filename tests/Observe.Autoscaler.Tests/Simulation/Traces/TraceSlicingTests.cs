using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Simulation;
using Observe.Autoscaler.Simulation.Traces;

namespace Observe.Autoscaler.Tests.Simulation.Traces;

public sealed class TraceSlicingTests
{
    private static readonly DateTimeOffset Start = new(1998, 5, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Three days a minute apart, each count its own index.</summary>
    private static RequestTrace Minutes() => new("m", Start, TimeSpan.FromMinutes(1), [.. Enumerable.Range(0, 3 * 1440).Select(i => (double)i)]);

    [Fact]
    public void Slicing_by_absolute_times_keeps_the_steps_between_them()
    {
        var slice = RequestTraces.Slice(Minutes(), "1998-05-02 00:00:00", "1998-05-02T06:00:00Z");
        Assert.Equal(Start.AddDays(1), slice.Start);
        Assert.Equal(360, slice.Counts.Length);
        Assert.Equal(1440, slice.Counts[0]);
        Assert.Equal(TimeSpan.FromMinutes(1), slice.Step);
    }

    [Fact]
    public void Slicing_by_offsets_counts_from_the_trace_start()
    {
        var slice = RequestTraces.Slice(Minutes(), "1d", "36h");
        Assert.Equal(Start.AddDays(1), slice.Start);
        Assert.Equal(720, slice.Counts.Length);
        var tail = RequestTraces.Slice(Minutes(), "90m", null);
        Assert.Equal(90, tail.Counts[0]);
        Assert.Equal(3 * 1440 - 90, tail.Counts.Length);
        var head = RequestTraces.Slice(Minutes(), null, "30s");
        Assert.Equal([0.0], head.Counts);
    }

    [Fact]
    public void A_bound_inside_a_step_keeps_that_whole_step()
    {
        var slice = RequestTraces.Slice(Minutes(), "1998-05-01 00:10:30", "1998-05-01 00:12:01");
        Assert.Equal([10.0, 11, 12], slice.Counts);
        Assert.Equal(Start.AddMinutes(10), slice.Start);
    }

    [Theory]
    [InlineData("yesterday", null, "--from 'yesterday' is neither")]
    [InlineData(null, "1M", "--to '1M' is neither")]
    [InlineData("4d", null, "--from 4d (1998-05-05 00:00:00) is outside the trace")]
    [InlineData("1998-04-30 00:00:00", null, "--from 1998-04-30 00:00:00 (1998-04-30 00:00:00) is outside the trace")]
    [InlineData(null, "0m", "--to 0m (1998-05-01 00:00:00) is outside the trace")]
    [InlineData("2d", "1d", "--to 1d (1998-05-02 00:00:00) is not after --from 2d (1998-05-03 00:00:00)")]
    public void Bad_bounds_are_errors_naming_the_option(string? from, string? to, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => RequestTraces.Slice(Minutes(), from, to));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scaling_to_a_peak_makes_the_peak_need_the_replicas_at_the_utilisation()
    {
        var scaled = RequestTraces.ScaleToPeak(Minutes(), peakReplicas: 30, serviceRate: 20, utilisation: 0.8);
        Assert.Equal(30 * 20 * 0.8, scaled.PeakRate, 9);
        Assert.Equal(Minutes().Start, scaled.Start);
        Assert.Equal(Minutes().Step, scaled.Step);
    }

    [Fact]
    public void Scaling_keeps_the_shape()
    {
        var gen = from counts in Gen.ArrayOf(Gen.Choose(0, 10_000).Select(c => (double)c))
                  where counts.Any(c => c > 0)
                  from replicas in Gen.Choose(1, 200)
                  select (counts, replicas);
        Prop.ForAll(Arb.From(gen), x =>
        {
            var trace = new RequestTrace("t", Start, TimeSpan.FromSeconds(1), x.counts);
            var scaled = RequestTraces.ScaleToPeak(trace, x.replicas, 20, 0.8);
            var factor = x.replicas * 20 * 0.8 / x.counts.Max();
            return Math.Abs(scaled.PeakRate - x.replicas * 16) < 1e-9 * x.replicas * 16
                && scaled.Counts.Zip(x.counts).All(p => Math.Abs(p.First - p.Second * factor) <= 1e-9 * Math.Max(1, p.First));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_trace_without_requests_cannot_be_scaled()
    {
        var empty = new RequestTrace("zero", Start, TimeSpan.FromSeconds(1), [0, 0]);
        Assert.Throws<ArgumentException>(() => RequestTraces.ScaleToPeak(empty, 10, 20, 0.8));
    }
}
