using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Scaling.Forecast;
using static Observe.Autoscaler.Tests.Scaling.ScalingFixtures;

namespace Observe.Autoscaler.Tests.Scaling.Forecast;

public sealed class DemandForecasterTests
{
    private static readonly TimeSpan TrendWindow = TimeSpan.FromMinutes(10);

    private static DemandForecaster Forecaster(bool daily = false, int minSeasons = 2) =>
        new(new PredictionSettings(true, null, TrendWindow, daily, false, minSeasons), Tick);

    /// <summary>A daily sine: 100 ± 50 req/s, lowest at midnight UTC, highest at noon.</summary>
    private static double Daily(DateTimeOffset at) => 100 - (50 * Math.Cos(2 * Math.PI * at.TimeOfDay.TotalDays));

    /// <summary>Feeds the daily sine from <see cref="ScalingFixtures.Start"/> (a midnight) until <paramref name="until"/>; returns the last forecast.</summary>
    private static DemandForecast Feed(DemandForecaster forecaster, DateTimeOffset until, TimeSpan horizon)
    {
        DemandForecast last = default;
        for (var at = Start; at <= until; at += Tick)
        {
            last = forecaster.Next(at, Daily(at), at + horizon);
        }
        return last;
    }

    [Fact]
    public void A_linear_rise_is_extrapolated_to_the_horizon()
    {
        var forecaster = Forecaster();
        var horizon = TimeSpan.FromMinutes(3);
        static double Rate(TimeSpan since) => 100 + (0.1 * since.TotalSeconds);
        DemandForecast forecast = default;
        var now = Start;
        for (var i = 0; i <= 40; i++)
        {
            now = Start + (Tick * i);
            forecast = forecaster.Next(now, Rate(now - Start), now + horizon);
        }

        Assert.Equal(ForecastSource.Trend, forecast.Source);
        Assert.Equal(Rate(now + horizon - Start), forecast.Value, 6);
    }

    [Fact]
    public void A_fall_not_yet_seen_is_not_forecast()
    {
        var forecaster = Forecaster();
        DemandForecast forecast = default;
        for (var i = 0; i <= 40; i++)
        {
            forecast = forecaster.Next(Start + (Tick * i), 500 - i, Start + (Tick * i) + TimeSpan.FromMinutes(3));
        }

        Assert.Equal(ForecastSource.Current, forecast.Source);
        Assert.Equal(500 - 40, forecast.Value);
        Assert.Null(forecast.Trend);
    }

    [Fact]
    public void A_daily_pattern_seen_for_enough_days_raises_the_forecast_before_the_rise_arrives()
    {
        var forecaster = Forecaster(daily: true);
        var horizon = TimeSpan.FromHours(3);
        // The third midnight: the bottom of the valley, where the trend is flat and only the past days know what comes.
        var midnight = Start.AddDays(2);

        var forecast = Feed(forecaster, midnight, horizon);

        Assert.Equal(ForecastSource.Daily, forecast.Source);
        Assert.True(forecast.Value > Daily(midnight) * 1.2, $"forecast {forecast.Value} at {Daily(midnight)} req/s now");
        // Between now and the horizon the rate rises to its value three hours on.
        Assert.InRange(forecast.Seasonal!.Value, Daily(midnight + horizon) * 0.95, Daily(midnight + horizon) * 1.05);
    }

    [Fact]
    public void Seasonality_is_ignored_before_the_minimum_number_of_seasons()
    {
        var forecaster = Forecaster(daily: true, minSeasons: 2);
        var horizon = TimeSpan.FromHours(3);

        var forecast = Feed(forecaster, Start.AddDays(1.99), horizon);

        Assert.Null(forecast.Seasonal);
        Assert.NotEqual(ForecastSource.Daily, forecast.Source);
    }

    [Fact]
    public void Prediction_disabled_forecasts_the_current_rate()
    {
        var forecaster = new DemandForecaster(new PredictionSettings(false, null, TrendWindow, true, true, 1), Tick);
        DemandForecast forecast = default;
        for (var i = 0; i <= 40; i++)
        {
            forecast = forecaster.Next(Start + (Tick * i), 100 + (10 * i), Start + (Tick * i) + TimeSpan.FromMinutes(3));
        }

        Assert.Equal(new DemandForecast(500, ForecastSource.Current, null, null), forecast);
    }
}
