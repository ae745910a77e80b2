namespace Observe.Autoscaler.Scaling.Forecast;

internal enum ForecastSource { Current, Trend, Daily, Weekly }

/// <param name="Value">The rate to size for: the highest of the current rate, the trend and the seasonal forecast.</param>
/// <param name="Source">Which of them gave <see cref="Value"/>.</param>
/// <param name="Trend">The upward trend's value at the horizon; null without an upward trend.</param>
/// <param name="Seasonal">The seasonal forecast at the horizon; null before enough seasons.</param>
internal readonly record struct DemandForecast(double Value, ForecastSource Source, double? Trend, double? Seasonal);

/// <summary>
/// The demand expected by the end of the horizon, from the stable-window rate: its short-term
/// trend and, once enough seasons are seen, the daily or weekly profile.
/// </summary>
internal sealed class DemandForecaster
{
    // Five-minute slots: fine enough to place a morning ramp, coarse enough for a stable mean
    // (288 a day, 2016 a week).
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(5);

    // A forecast more than 5× (or less than a fifth of) the current rate is more likely an
    // artefact of a thin profile or a step in the data than a real prospect.
    private const double MinRatio = 0.2;
    private const double MaxRatio = 5;

    private readonly PredictionSettings _settings;
    private readonly TrendForecast _trend;
    private readonly SeasonalProfile? _daily;
    private readonly SeasonalProfile? _weekly;

    public DemandForecaster(PredictionSettings settings, TimeSpan tick)
    {
        _settings = settings;
        _trend = new TrendForecast(settings.TrendWindow, tick);
        _daily = settings.Enabled && settings.Daily ? new SeasonalProfile(TimeSpan.FromDays(1), Slot, settings.MinSeasons) : null;
        _weekly = settings.Enabled && settings.Weekly ? new SeasonalProfile(TimeSpan.FromDays(7), Slot, settings.MinSeasons) : null;
    }

    /// <summary>
    /// Takes the stable-window rate measured around <paramref name="measuredAt"/> (the middle of
    /// its window) and forecasts the rate at <paramref name="target"/>.
    /// </summary>
    public DemandForecast Next(DateTimeOffset measuredAt, double rate, DateTimeOffset target)
    {
        if (!_settings.Enabled)
        {
            return new(rate, ForecastSource.Current, null, null);
        }
        _trend.Add(measuredAt, rate);
        _daily?.Add(measuredAt, rate);
        _weekly?.Add(measuredAt, rate);

        var trend = _trend.UpwardAt(target) is { } t ? Math.Min(t, rate * MaxRatio) : (double?)null;
        // The weekly profile knows weekends from weekdays; the daily one is the fallback until it is ready.
        var (seasonal, seasonalSource) = Seasonal(_weekly, measuredAt, target, rate) is { } weekly
            ? (weekly, ForecastSource.Weekly)
            : Seasonal(_daily, measuredAt, target, rate) is { } daily ? (daily, ForecastSource.Daily) : ((double?)null, ForecastSource.Current);

        var forecast = new DemandForecast(rate, ForecastSource.Current, trend, seasonal);
        if (trend > forecast.Value)
        {
            forecast = forecast with { Value = trend.Value, Source = ForecastSource.Trend };
        }
        if (seasonal > forecast.Value)
        {
            forecast = forecast with { Value = seasonal.Value, Source = seasonalSource };
        }
        return forecast;
    }

    private static double? Seasonal(SeasonalProfile? profile, DateTimeOffset now, DateTimeOffset target, double rate) =>
        profile is not null && profile.Ready(now) && profile.Ratio(now, target) is { } ratio
            ? rate * Math.Clamp(ratio, MinRatio, MaxRatio)
            : null;
}
