using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Scaling.Reading;

namespace Observe.Autoscaler.Tests.Scaling.Reading;

public class PolicyDurationsTests
{
    [Theory]
    [InlineData("15s", 15_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("250ms", 250)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h0m5s", 3_605_000)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("-5s", -5_000)]
    public void Reads_the_Kubernetes_forms(string text, long millis) =>
        Assert.Equal(TimeSpan.FromMilliseconds(millis), PolicyDurations.Parse(text));

    [Theory]
    [InlineData("15")]
    [InlineData("5 s")]
    [InlineData("5sec")]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData(".5s")]
    [InlineData("5s ")]
    [InlineData("5s\n")]
    [InlineData("")]
    [InlineData("99999999999999h")]
    public void Rejects_what_is_not_a_duration(string text) => Assert.Null(PolicyDurations.Parse(text));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(15_000, "15s")]
    [InlineData(60_000, "60s")]
    [InlineData(180_000, "180s")]
    [InlineData(300_000, "5m")]
    [InlineData(1_500, "1500ms")]
    public void Writes_whole_seconds_and_from_five_minutes_whole_minutes(long millis, string text) =>
        Assert.Equal(text, PolicyDurations.Format(TimeSpan.FromMilliseconds(millis)));

    [Fact]
    public void What_it_writes_it_reads_back()
    {
        var spans = from millis in Gen.Choose(0, int.MaxValue)
                    from unit in Gen.Elements(1L, 1_000L, 60_000L)
                    select TimeSpan.FromMilliseconds(millis / 1000 * unit);
        Prop.ForAll(Arb.From(spans), span => PolicyDurations.Parse(PolicyDurations.Format(span)) == span).QuickCheckThrowOnFailure();
    }
}
