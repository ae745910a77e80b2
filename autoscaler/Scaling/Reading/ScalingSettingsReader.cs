using Observe.Autoscaler.Slo.Reading;
using YamlDotNet.RepresentationModel;
using Defaults = Observe.Autoscaler.Scaling.Reading.ScalingPolicyDefaults;

namespace Observe.Autoscaler.Scaling.Reading;

/// <summary>
/// Reads the tuning sections of a <c>ScalingPolicy</c> spec (capacity, startup, burst, scaleUp,
/// scaleDown, prediction, headroom). Each gives its record, or null after an error in it.
/// </summary>
internal static class ScalingSettingsReader
{
    public static readonly string[] CapacityKeys = ["requestsPerReplica"];
    public static readonly string[] StartupKeys = ["delay", "warmup", "warmupStartFactor"];
    public static readonly string[] BurstKeys = ["threshold", "window", "stableWindow", "holdFor"];
    public static readonly string[] ScaleUpKeys = ["maxPercent", "maxPods", "period"];

    // Both spellings, so that `stabilization` (the HPA's) reads without a finding.
    public static readonly string[] ScaleDownKeys = ["stabilisation", "stabilization", "maxPercent", "maxPods", "period"];
    public static readonly string[] PredictionKeys = ["enabled", "horizon", "trendWindow", "seasonality", "minSeasons"];
    public static readonly string[] HeadroomKeys = ["min", "max"];

    public static readonly string[] Seasons = ["daily", "weekly"];

    /// <summary>An example requests-per-replica figure for findings; there is no default (null: learn it).</summary>
    private const double CapacityExample = 16;

    /// <summary>An example horizon for findings; the default is derived from start-up and tick.</summary>
    private static readonly TimeSpan HorizonExample = TimeSpan.FromSeconds(90);

    public static double? Capacity(YamlContext context, YamlNode node) =>
        PolicyFields.Open(context, node, "spec.capacity", CapacityKeys)?.OptionalReal("requestsPerReplica", Bounds.Above(0.0), CapacityExample);

    public static PodStartup? Startup(PolicyFields section)
    {
        var delay = section.Span("delay", Defaults.Startup.Delay, Bounds.AtLeast(TimeSpan.Zero));
        var warmup = section.Span("warmup", Defaults.Startup.Warmup, Bounds.AtLeast(TimeSpan.Zero));
        var factor = section.Real("warmupStartFactor", Defaults.Startup.WarmupStartFactor, Bounds.AboveAtMost(0.0, 1.0));
        return delay is { } d && warmup is { } w && factor is { } f ? new PodStartup(d, w, f) : null;
    }

    public static BurstSettings? Burst(PolicyFields section)
    {
        var threshold = section.Real("threshold", Defaults.Burst.Threshold, Bounds.Above(1.0));
        var window = section.Span("window", Defaults.Burst.ShortWindow, Bounds.Above(TimeSpan.Zero));
        var stable = section.Span("stableWindow", Defaults.Burst.StableWindow, Bounds.Above(TimeSpan.Zero));
        var holdFor = section.Span("holdFor", Defaults.Burst.HoldFor, Bounds.AtLeast(TimeSpan.Zero));
        if (window is { } shortWindow && stable is { } stableWindow && shortWindow >= stableWindow)
        {
            // Point at what was written: the window, or else the stable window that undercuts the default window.
            if (section["window"] is not null)
            {
                section.Error("window", $"`window` in `{section.Path}` is {PolicyDurations.Format(shortWindow)}, and must be shorter than `stableWindow` ({PolicyDurations.Format(stableWindow)}): "
                    + $"write a shorter window, e.g. `{PolicyDurations.Format(Defaults.Burst.ShortWindow)}`, or a longer stableWindow");
            }
            else
            {
                section.Error("stableWindow", $"`stableWindow` in `{section.Path}` is {PolicyDurations.Format(stableWindow)}, and must be longer than `window` ({PolicyDurations.Format(shortWindow)}, the default): "
                    + $"write a longer stableWindow, e.g. `{PolicyDurations.Format(Defaults.Burst.StableWindow)}`, or a shorter window");
            }
            return null;
        }
        return threshold is { } t && window is { } w && stable is { } s && holdFor is { } h ? new BurstSettings(t, w, s, h) : null;
    }

    public static ScaleUpSettings? ScaleUp(PolicyFields section)
    {
        var percent = section.Real("maxPercent", Defaults.ScaleUp.MaxPercent, Bounds.Above(0.0));
        var pods = section.Whole("maxPods", Defaults.ScaleUp.MaxPods, Bounds.AtLeast(1));
        var period = section.Span("period", Defaults.ScaleUp.Period, Bounds.Above(TimeSpan.Zero));
        return percent is { } pc && pods is { } po && period is { } pe ? new ScaleUpSettings(pc, po, pe) : null;
    }

    public static ScaleDownSettings? ScaleDown(PolicyFields section)
    {
        var key = "stabilisation";
        if (section.Fields.Has("stabilisation") && section.Fields.Has("stabilization"))
        {
            var (british, american) = (section.Fields.KeyNode("stabilisation")!, section.Fields.KeyNode("stabilization")!);
            section.Context.Error(british.Start.Index > american.Start.Index ? british : american,
                $"`{section.Path}` has both `stabilisation` and `stabilization`, two spellings of one setting: keep one");
            return null;
        }
        if (section.Fields.Has("stabilization"))
        {
            key = "stabilization";
        }
        var stabilisation = section.Span(key, Defaults.ScaleDown.Stabilisation, Bounds.AtLeast(TimeSpan.Zero));
        var percent = section.Real("maxPercent", Defaults.ScaleDown.MaxPercent, Bounds.AboveAtMost(0.0, 100.0));
        var pods = section.Whole("maxPods", Defaults.ScaleDown.MaxPods, Bounds.AtLeast(1));
        var period = section.Span("period", Defaults.ScaleDown.Period, Bounds.Above(TimeSpan.Zero));
        return stabilisation is { } st && percent is { } pc && pods is { } po && period is { } pe ? new ScaleDownSettings(st, pc, po, pe) : null;
    }

    public static PredictionSettings? Prediction(PolicyFields section)
    {
        var errorsBefore = section.Context.Findings.Errors;
        var enabled = section.Boolean("enabled", Defaults.Prediction.Enabled);
        var horizon = section.OptionalSpan("horizon", Bounds.Above(TimeSpan.Zero), HorizonExample);
        var trendWindow = section.Span("trendWindow", Defaults.Prediction.TrendWindow, Bounds.Above(TimeSpan.Zero));
        var (daily, weekly) = section["seasonality"] is { } seasonality
            ? ReadSeasonality(section, seasonality)
            : (Defaults.Prediction.Daily, Defaults.Prediction.Weekly);
        var minSeasons = section.Whole("minSeasons", Defaults.Prediction.MinSeasons, Bounds.AtLeast(1));
        return section.Context.Findings.Errors == errorsBefore && enabled is { } e && trendWindow is { } t && minSeasons is { } m
            ? new PredictionSettings(e, horizon, t, daily, weekly, m)
            : null;
    }

    /// <summary>Which seasonal profiles are used; an empty list turns both off.</summary>
    private static (bool Daily, bool Weekly) ReadSeasonality(PolicyFields section, YamlNode node)
    {
        if (section.Context.Sequence(node, $"`seasonality` in `{section.Path}`") is not { } list)
        {
            return (false, false);
        }
        var chosen = list.Children
            .Select(item => section.Choice(item, $"`seasonality` in `{section.Path}`", Seasons))
            .ToList();
        return (chosen.Contains("daily"), chosen.Contains("weekly"));
    }

    public static HeadroomSettings? Headroom(PolicyFields section)
    {
        var min = section.Real("min", Defaults.Headroom.Min, Bounds.AtLeast(0.0));
        var max = section.Real("max", Defaults.Headroom.Max, Bounds.AtMost(Defaults.MaxHeadroom));
        if (min is { } low && max is { } high && high < low)
        {
            if (section["max"] is not null)
            {
                section.Error("max", $"`max` in `{section.Path}` is {Number(high)}, below `min` ({Number(low)}): write a max of at least {Number(low)}");
            }
            else
            {
                section.Error("min", $"`min` in `{section.Path}` is {Number(low)}, above `max` ({Number(high)}, the default): write a min of at most {Number(high)}, or a larger `max`");
            }
            return null;
        }
        return min is { } mi && max is { } ma ? new HeadroomSettings(mi, ma) : null;
    }

    private static string Number(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
