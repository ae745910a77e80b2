using Observe.Autoscaler.Simulation;
using Observe.Autoscaler.Simulation.Traces;

namespace Observe.Autoscaler.Tests.Simulation.Traces;

public sealed class GeneratedCasesTests
{
    private const int Replicas = 25;
    private const double Mu = 20;
    private const double Peak = Replicas * Mu * 0.8;

    private static RequestTrace Case(string name, int seed = 1) => GeneratedCases.Create(name, Replicas, Mu, 0.8, seed).Trace;

    private static double Hour(RequestTrace trace, double hours) => trace.RateAt((long)(hours * 3600));

    [Theory]
    [InlineData("step-5x", 5)]
    [InlineData("step-20x", 20)]
    public void Steps_burst_to_their_factor_of_base_for_an_hour(string name, double factor)
    {
        var trace = Case(name);
        Assert.Equal(TimeSpan.FromHours(4), trace.Length);
        Assert.Equal(TimeSpan.FromSeconds(1), trace.Step);
        Assert.Equal(Peak, trace.PeakRate, 9);
        var baseRate = Hour(trace, 0);
        Assert.Equal(factor * baseRate, Hour(trace, 2), 9);
        Assert.Equal(baseRate, Hour(trace, 2 - 1 / 3600.0), 9);
        Assert.Equal(factor * baseRate, Hour(trace, 3 - 1 / 3600.0), 9);
        Assert.Equal(baseRate, Hour(trace, 3), 9);
        Assert.Equal(baseRate, Hour(trace, 4 - 1 / 3600.0), 9);
    }

    [Fact]
    public void Ramp_climbs_from_5_percent_to_the_peak_in_6_hours_and_back()
    {
        var trace = Case("ramp");
        Assert.Equal(TimeSpan.FromHours(12), trace.Length);
        Assert.Equal(0.05 * Peak, Hour(trace, 0), 9);
        Assert.Equal(Peak, Hour(trace, 6), 9);
        Assert.Equal(Peak * (0.05 + 0.95 / 2), Hour(trace, 3), 9);
        Assert.Equal(Hour(trace, 3), Hour(trace, 9), 9);
        Assert.Equal(Peak, trace.PeakRate, 9);
    }

    [Fact]
    public void Flash_crowd_reaches_the_peak_within_a_minute_and_halves_its_excess_every_10_minutes()
    {
        var trace = Case("flash-crowd");
        Assert.Equal(TimeSpan.FromHours(4), trace.Length);
        var baseRate = 0.05 * Peak;
        Assert.Equal(baseRate, Hour(trace, 1 - 1 / 3600.0), 9);
        Assert.Equal(Peak, trace.RateAt(3660), 9);
        Assert.Equal(baseRate + (Peak - baseRate) / 2, trace.RateAt(3660 + 600), 9);
        Assert.Equal(baseRate + (Peak - baseRate) / 4, trace.RateAt(3660 + 1200), 9);
        Assert.Equal(Peak, trace.PeakRate, 9);
    }

    [Fact]
    public void Diurnal_is_a_week_of_daily_waves_with_seeded_noise()
    {
        var trace = Case("diurnal", seed: 7);
        Assert.Equal(TimeSpan.FromDays(7), trace.Length);
        Assert.Equal(Peak, trace.PeakRate, 9);
        Assert.Equal(trace.Counts, Case("diurnal", seed: 7).Counts);
        Assert.NotEqual(trace.Counts, Case("diurnal", seed: 8).Counts);
        // Noise is drawn once a minute: over the wave, a minute's seconds share one factor, the next minute has another.
        static double Wave(int t) => 1 + 0.8 * Math.Sin(2 * Math.PI * t / 86_400);
        Assert.Equal(trace.Counts[60] / Wave(60), trace.Counts[119] / Wave(119), 9);
        Assert.NotEqual(trace.Counts[119] / Wave(119), trace.Counts[120] / Wave(120), 9);
        // Each day's busy quarter (around 6:00) outweighs its quiet one (around 18:00) by far.
        for (var day = 0; day < 7; day++)
        {
            double Mean(double fromHour, double toHour) => trace.Counts.Skip((int)((day * 24 + fromHour) * 3600)).Take((int)((toHour - fromHour) * 3600)).Average();
            Assert.True(Mean(3, 9) > 5 * Mean(15, 21), $"day {day}");
        }
    }

    [Fact]
    public void Half_capacity_needs_half_the_replicas_at_the_original_rate_and_carries_the_change()
    {
        var created = GeneratedCases.Create("half-capacity", Replicas, Mu, 0.8, seed: 1);
        Assert.Equal(TimeSpan.FromDays(3), created.Trace.Length);
        Assert.Equal(Replicas / 2.0 * Mu * 0.8, created.Trace.PeakRate, 9);
        Assert.Equal([new CapacityChange(TimeSpan.FromDays(1.5), 0.5)], created.CapacityChanges);
        // No noise: every day is the same wave.
        Assert.Equal(created.Trace.RateAt(6 * 3600), created.Trace.RateAt(30 * 3600), 9);
    }

    [Fact]
    public void Every_named_case_is_created_and_an_unknown_one_lists_them()
    {
        Assert.All(GeneratedCases.Names, name => Assert.Equal(name, Case(name).Name));
        var error = Assert.Throws<ArgumentException>(() => Case("spike"));
        Assert.Contains("unknown case 'spike'", error.Message, StringComparison.Ordinal);
        Assert.All(GeneratedCases.Names, name => Assert.Contains(name, error.Message, StringComparison.Ordinal));
    }
}
