using System.Net.Http.Headers;
using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Kubernetes;

namespace Observe.Autoscaler.Tests.Kubernetes;

public sealed class RetryBackoffTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Full_jitter_stays_between_zero_and_the_exponential_ceiling_capped_by_the_maximum()
    {
        var cases =
            from attempt in Gen.Choose(0, 60)
            from random in Gen.Choose(0, 999_999).Select(i => i / 1_000_000.0)
            from baseMs in Gen.Choose(1, 1000)
            from maxMs in Gen.Choose(1000, 60_000)
            select (attempt, random, baseMs, maxMs);

        Prop.ForAll(Arb.From(cases), c =>
        {
            var backoff = new RetryBackoff(TimeSpan.FromMilliseconds(c.baseMs), TimeSpan.FromMilliseconds(c.maxMs), () => c.random);
            var delay = backoff.Delay(c.attempt, null, Now);
            var ceiling = Math.Min(c.maxMs, c.baseMs * Math.Pow(2, c.attempt));
            return delay >= TimeSpan.Zero && delay.TotalMilliseconds <= ceiling && Math.Abs(delay.TotalMilliseconds - c.random * ceiling) < 0.001;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(120, 30)]
    public void Retry_After_seconds_replace_the_backoff_up_to_the_maximum(int askedSeconds, int expectedSeconds)
    {
        var backoff = new RetryBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), () => 0.1);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), backoff.Delay(3, new RetryConditionHeaderValue(TimeSpan.FromSeconds(askedSeconds)), Now));
    }

    [Fact]
    public void Retry_After_date_in_the_past_means_retry_now()
    {
        var backoff = new RetryBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), () => 0.1);

        Assert.Equal(TimeSpan.Zero, backoff.Delay(0, new RetryConditionHeaderValue(Now.AddSeconds(-5)), Now));
    }
}
