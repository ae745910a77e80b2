namespace Observe.Autoscaler.Scaling.Forecast;

/// <summary>
/// The mean rate in each slot of a season (a day or a week, in UTC; weeks start on Monday),
/// smoothed across seasons, so a recurring peak can be met before it arrives. Fixed size: one
/// number per slot.
/// </summary>
internal sealed class SeasonalProfile
{
    // Weight of the newest season in a slot's mean: recent seasons count most, and a change of
    // pattern takes over within a few seasons.
    private const double Smoothing = 0.3;

    private readonly long _slotTicks;
    private readonly int _minSeasons;
    private readonly double[] _profile;
    private long _slot = long.MinValue;
    private double _sum;
    private int _samples;
    private DateTimeOffset? _first;

    public SeasonalProfile(TimeSpan season, TimeSpan slot, int minSeasons)
    {
        if (slot <= TimeSpan.Zero || season.Ticks % slot.Ticks != 0)
        {
            throw new ArgumentException($"a slot ({slot}) must divide the season ({season})", nameof(slot));
        }
        Season = season;
        _slotTicks = slot.Ticks;
        _minSeasons = Math.Max(1, minSeasons);
        _profile = new double[season.Ticks / slot.Ticks];
        Array.Fill(_profile, double.NaN);
    }

    public TimeSpan Season { get; }

    /// <summary>True once the history holds the minimum number of full seasons.</summary>
    public bool Ready(DateTimeOffset now) => _first is { } first && now - first >= Season * _minSeasons;

    /// <summary>Adds the rate measured at <paramref name="at"/>; a slot's mean enters the profile when the slot ends.</summary>
    public void Add(DateTimeOffset at, double rate)
    {
        _first ??= at;
        var slot = at.UtcTicks / _slotTicks;
        if (slot < _slot)
        {
            return;
        }
        if (slot != _slot)
        {
            Close();
            _slot = slot;
        }
        _sum += rate;
        _samples++;
    }

    /// <summary>
    /// How much higher than now the rate is expected to be at its highest between now and
    /// <paramref name="target"/>: the largest slot mean after now's slot up to the target's, over
    /// now's slot mean. Null when either has not been seen or now's slot had no traffic.
    /// </summary>
    public double? Ratio(DateTimeOffset now, DateTimeOffset target)
    {
        var nowSlot = now.UtcTicks / _slotTicks;
        var baseline = _profile[Index(nowSlot)];
        if (!(baseline > 0))
        {
            return null;
        }
        var last = Math.Min(target.UtcTicks / _slotTicks, nowSlot + _profile.Length - 1);
        if (last <= nowSlot)
        {
            return 1;
        }
        var highest = double.NaN;
        for (var slot = nowSlot + 1; slot <= last; slot++)
        {
            var mean = _profile[Index(slot)];
            if (!double.IsNaN(mean) && !(mean <= highest))
            {
                highest = mean;
            }
        }
        return double.IsNaN(highest) ? null : highest / baseline;
    }

    private void Close()
    {
        if (_samples > 0)
        {
            var index = Index(_slot);
            var mean = _sum / _samples;
            _profile[index] = double.IsNaN(_profile[index]) ? mean : (Smoothing * mean) + ((1 - Smoothing) * _profile[index]);
        }
        _sum = 0;
        _samples = 0;
    }

    private int Index(long slot) => (int)(slot % _profile.Length);
}
