using MathNet.Numerics;

namespace Observe.Autoscaler.Scaling.Forecast;

/// <summary>
/// The short-term trend of the stable-window rate: a least-squares line through the samples of
/// the trend window, kept in a fixed ring so a tick costs the same after a month as after a minute.
/// </summary>
internal sealed class TrendForecast
{
    // Fewer points, or points spanning less than half the window, give a slope that is mostly noise.
    private const int MinPoints = 3;

    private readonly TimeSpan _window;
    private readonly double[] _seconds;
    private readonly double[] _rates;
    private int _count;
    private int _next;
    private DateTimeOffset _origin;
    private double _newest;

    public TrendForecast(TimeSpan window, TimeSpan tick)
    {
        _window = window;
        var capacity = Math.Max(MinPoints, (int)Math.Ceiling(window / tick) + 1);
        _seconds = new double[capacity];
        _rates = new double[capacity];
    }

    /// <summary>Adds the rate measured over a window centred on <paramref name="at"/>.</summary>
    public void Add(DateTimeOffset at, double rate)
    {
        if (_count == 0)
        {
            _origin = at;
        }
        var seconds = (at - _origin).TotalSeconds;
        if (_count > 0 && seconds <= _newest)
        {
            return;
        }
        _newest = seconds;
        _seconds[_next] = seconds;
        _rates[_next] = rate;
        _next = (_next + 1) % _seconds.Length;
        _count = Math.Min(_count + 1, _seconds.Length);
    }

    /// <summary>The line's value at <paramref name="target"/>; null when the window holds too little to fit, or the slope is not upward.</summary>
    public double? UpwardAt(DateTimeOffset target)
    {
        if (_count < MinPoints)
        {
            return null;
        }
        var from = _newest - _window.TotalSeconds;
        int inWindow = 0;
        double oldest = double.MaxValue;
        for (var i = 0; i < _count; i++)
        {
            if (_seconds[i] >= from)
            {
                inWindow++;
                oldest = Math.Min(oldest, _seconds[i]);
            }
        }
        if (inWindow < MinPoints || _newest - oldest < _window.TotalSeconds / 2)
        {
            return null;
        }
        var (intercept, slope) = inWindow == _seconds.Length
            ? Fit.Line(_seconds, _rates)
            : FitWindow(from, inWindow);
        if (!(slope > 0))
        {
            // A fall that has not been seen yet is no reason to shed replicas.
            return null;
        }
        return Math.Max(0, intercept + (slope * (target - _origin).TotalSeconds));
    }

    // The ring is not full yet, or a gap in the data left old samples in it: copy what is in the window.
    private (double, double) FitWindow(double from, int inWindow)
    {
        var seconds = new double[inWindow];
        var rates = new double[inWindow];
        for (int i = 0, j = 0; i < _count; i++)
        {
            if (_seconds[i] >= from)
            {
                seconds[j] = _seconds[i];
                rates[j++] = _rates[i];
            }
        }
        return Fit.Line(seconds, rates);
    }
}
