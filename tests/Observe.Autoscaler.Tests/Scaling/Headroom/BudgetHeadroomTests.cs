using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Scaling.Headroom;

namespace Observe.Autoscaler.Tests.Scaling.Headroom;

public sealed class BudgetHeadroomTests
{
    private static readonly HeadroomSettings Settings = new(0.1, 0.5);
    private static readonly BudgetHeadroom Headroom = new(Settings);

    [Fact]
    public void Without_an_SLO_signal_the_minimum_is_kept() => Assert.Equal(Settings.Min, Headroom.For(null).Value);

    [Fact]
    public void A_healthy_budget_keeps_the_minimum() => Assert.Equal(Settings.Min, Headroom.For(new SloSignal(0.5, 1, 1)).Value);

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    public void Burning_ten_times_or_faster_takes_the_maximum(double burn) =>
        Assert.Equal(Settings.Max, Headroom.For(new SloSignal(0.9, burn, null)).Value, 9);

    [Fact]
    public void Between_calm_and_alarm_headroom_rises_with_the_log_of_the_burn_rate() =>
        Assert.Equal((Settings.Min + Settings.Max) / 2, Headroom.For(new SloSignal(0.9, Math.Sqrt(10), null)).Value, 9);

    [Fact]
    public void The_long_burn_rate_stands_in_when_the_short_one_is_unknown() =>
        Assert.Equal(Settings.Max, Headroom.For(new SloSignal(0.9, null, 10)).Value, 9);

    [Theory]
    [InlineData(0.25, 0.3)]
    [InlineData(0, 0.5)]
    [InlineData(-0.4, 0.5)]
    public void A_budget_running_out_raises_headroom_from_half_left_to_none(double remaining, double expected) =>
        Assert.Equal(expected, Headroom.For(new SloSignal(remaining, 0.5, 0.5)).Value, 9);

    [Fact]
    public void The_larger_of_burn_and_budget_wins()
    {
        var headroom = Headroom.For(new SloSignal(0.25, 10, 10));

        Assert.Equal(Settings.Max, headroom.Value, 9);
        Assert.True(headroom.FromBudget < headroom.FromBurn);
    }
}
