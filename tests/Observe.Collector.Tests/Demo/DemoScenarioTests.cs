using Observe.Collector.Demo;

namespace Observe.Collector.Tests.Demo;

/// <summary>The script: phases in order on the compressed clock, looping, with the traffic each one asks for.</summary>
public sealed class DemoScenarioTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Phases_follow_each_other_with_their_configured_lengths_and_the_script_loops()
    {
        var scenario = new DemoScenario(new DemoOptions(), Start);

        Assert.Equal(["steady", "burst", "zone-a-failure", "recovery", "canary"], scenario.Phases.Select(p => p.Name));
        Assert.Equal(TimeSpan.FromSeconds(215), scenario.LoopLength);
        Assert.Equal("steady", scenario.At(Start).Phase.Name);
        Assert.Equal("burst", scenario.At(Start.AddSeconds(30)).Phase.Name);
        Assert.Equal("zone-a-failure", scenario.At(Start.AddSeconds(90)).Phase.Name);
        Assert.Equal("recovery", scenario.At(Start.AddSeconds(135)).Phase.Name);
        Assert.Equal("canary", scenario.At(Start.AddSeconds(214)).Phase.Name);
        var second = scenario.At(Start.AddSeconds(215 + 31));
        Assert.Equal(("burst", 2), (second.Phase.Name, second.Loop));
        Assert.Equal(Start.AddSeconds(245), second.PhaseStartedAt);
        Assert.Equal(Start.AddSeconds(305), second.PhaseEndsAt);
    }

    [Fact]
    public void Speed_compresses_every_phase()
    {
        var scenario = new DemoScenario(new DemoOptions { Speed = 2, Steady = TimeSpan.FromSeconds(10) }, Start);

        Assert.Equal(TimeSpan.FromSeconds(5), scenario.Phases[0].Length);
        Assert.Equal(TimeSpan.FromSeconds(30), scenario.Phases[1].Length);
    }

    [Fact]
    public void The_burst_multiplies_the_load_the_zone_failure_fails_then_fails_over_and_the_canary_ramps_to_half()
    {
        var options = new DemoOptions
        {
            BaseLoad = 40,
            Steady = TimeSpan.FromSeconds(60), Burst = TimeSpan.FromSeconds(90), ZoneFailure = TimeSpan.FromSeconds(60),
            Recovery = TimeSpan.FromSeconds(30), Canary = TimeSpan.FromSeconds(90),
        };
        var scenario = new DemoScenario(options, Start);

        var steady = scenario.At(Start.AddSeconds(59));
        var burst = scenario.At(Start.AddSeconds(61));
        Assert.InRange(burst.Load / steady.Load, 4.8, 5.2);
        // The day curve: night at the loop's start, busier towards its middle.
        Assert.True(scenario.At(Start).Load < steady.Load, $"{scenario.At(Start).Load} vs {steady.Load}");

        var failing = scenario.At(Start.AddSeconds(155));
        Assert.Equal(("a", (string?)null), (failing.ReviewsFailingIn, failing.ReviewsAvoid));
        var failedOver = scenario.At(Start.AddSeconds(200));
        Assert.Equal("a", failedOver.ReviewsAvoid);
        Assert.Null(scenario.At(Start.AddSeconds(215)).ReviewsAvoid);

        Assert.Equal(0, scenario.At(Start.AddSeconds(240)).CanaryShare, 3);
        Assert.Equal(0.25, scenario.At(Start.AddSeconds(285)).CanaryShare, 3);
        Assert.Equal(0, steady.CanaryShare);
    }

    [Theory]
    [InlineData("BaseLoad", "0")]
    [InlineData("SampleShare", "1.5")]
    [InlineData("Speed", "0")]
    [InlineData("Burst", "00:00:00")]
    public void Bad_options_are_refused_naming_the_key(string key, string value)
    {
        var options = new DemoOptions();
        var property = typeof(DemoOptions).GetProperty(key)!;
        property.SetValue(options, property.PropertyType == typeof(TimeSpan) ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : Convert.ChangeType(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains($"Demo:{key}", error.Message);
    }

    [Fact]
    public void A_burst_too_large_for_one_batch_is_refused_with_its_size()
    {
        var options = new DemoOptions { BaseLoad = 2000, BurstFactor = 20, BatchInterval = TimeSpan.FromSeconds(1) };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("up to 54000 gateway requests in one batch", error.Message);
        options.BurstFactor = 5;
        options.Validate(); // 13,500 per batch fits
    }
}
