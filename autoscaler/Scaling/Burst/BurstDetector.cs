namespace Observe.Autoscaler.Scaling.Burst;

/// <summary>What set a burst off at one tick.</summary>
/// <param name="RateRatio">Short-window rate over stable-window rate; null without both.</param>
/// <param name="InFlightRatio">In-flight load over what the stable rate implies; null without a baseline.</param>
/// <param name="InFlightRate">The arrival rate the in-flight load implies at the baseline time in system.</param>
internal readonly record struct BurstTrigger(bool ByRate, bool ByInFlight, double? RateRatio, double? InFlightRatio, double? InFlightRate)
{
    public bool Any => ByRate || ByInFlight;
}

/// <summary>
/// Burst (panic) mode: entered when the short window shows a jump the stable window has not
/// caught up with yet and the fleet cannot serve it; left once no trigger has been seen for the
/// hold time.
/// </summary>
internal sealed class BurstDetector(BurstSettings settings, TimeSpan tick)
{
    // Minutes: long enough to average out a tick's noise, short enough to follow a new version.
    private static readonly TimeSpan BaselineMemory = TimeSpan.FromMinutes(5);

    private readonly InFlightBaseline _baseline = new(tick, BaselineMemory);
    private DateTimeOffset _lastTrigger;

    public bool Active { get; private set; }

    /// <summary>When the current burst began.</summary>
    public DateTimeOffset Since { get; private set; }

    /// <summary>When a trigger was last seen.</summary>
    public DateTimeOffset LastTrigger => _lastTrigger;

    public BurstTrigger Trigger(double? rateShort, double rateLong, double? inFlight)
    {
        double? rateRatio = rateShort is { } s && rateLong > 0 ? s / rateLong : null;
        var byRate = rateShort > settings.Threshold * rateLong;
        double? inFlightRatio = null, inFlightRate = null;
        var byInFlight = false;
        if (inFlight is { } f && _baseline.TimeInSystem is { } w && w > 0)
        {
            // A backlog says more work is queued than the rates show, not how much more will
            // come: the rate it implies is bounded by the threshold times the rate seen, so a
            // queue built during a start-up does not ask for every replica the bounds allow.
            inFlightRate = Math.Min(f / w, settings.Threshold * Math.Max(rateShort ?? 0, rateLong));
            var expected = rateLong * w;
            inFlightRatio = expected > 0 ? f / expected : null;
            byInFlight = f > settings.Threshold * expected && f > 0;
        }
        return new(byRate, byInFlight, rateRatio, inFlightRatio, inFlightRate);
    }

    /// <summary>
    /// Moves the mode on by one tick. <paramref name="needExceedsFleet"/>: the short-window need is
    /// more than the fleet serves now, without which a trigger is a blip the fleet absorbs.
    /// </summary>
    public void Step(DateTimeOffset time, BurstTrigger trigger, bool needExceedsFleet)
    {
        if (trigger.Any && (Active || needExceedsFleet))
        {
            if (!Active)
            {
                Active = true;
                Since = time;
            }
            _lastTrigger = time;
        }
        else if (Active && time - _lastTrigger >= settings.HoldFor)
        {
            Active = false;
        }
    }

    /// <summary>Lets the in-flight baseline learn from a tick whose rate shows no burst.</summary>
    public void Learn(BurstTrigger trigger, double? rateShort, double? inFlight)
    {
        if (!trigger.ByRate && rateShort is { } s && inFlight is { } f)
        {
            _baseline.Learn(s, f);
        }
    }
}
