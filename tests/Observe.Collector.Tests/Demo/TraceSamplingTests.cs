using Observe.Collector.Demo;

namespace Observe.Collector.Tests.Demo;

public sealed class TraceSamplingTests
{
    [Theory]
    [InlineData(1.0, "ot=th:0")]
    [InlineData(0.5, "ot=th:8")]
    [InlineData(0.25, "ot=th:c")]
    [InlineData(0.1, "ot=th:e6666666666666")]
    [InlineData(0.001, "ot=th:ffbe76c8b43958")]
    [InlineData(0.0, "")]
    public void The_trace_state_names_the_rejection_threshold_of_the_share(double share, string traceState) =>
        Assert.Equal(traceState, TraceSampling.ForShare(share).TraceState);

    [Fact]
    public void A_trace_is_kept_when_the_last_56_bits_of_its_id_reach_the_threshold()
    {
        var half = TraceSampling.ForShare(0.5);
        Assert.True(half.Keeps("ffffffffffffffff" + "0080000000000000"));
        Assert.False(half.Keeps("ffffffffffffffff" + "ff7fffffffffffff"));
        Assert.True(TraceSampling.ForShare(1).Keeps(new string('0', 32)));
        Assert.False(TraceSampling.ForShare(0).Keeps(new string('f', 32)));
    }

    [Fact]
    public void Random_trace_ids_are_kept_at_the_share()
    {
        var random = new Random(7);
        var tenth = TraceSampling.ForShare(0.1);
        var kept = Enumerable.Range(0, 20_000).Count(_ => tenth.Keeps(Convert.ToHexStringLower(random.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 16))));
        Assert.InRange(kept, 1_800, 2_200);
    }
}
