namespace Observe.Autoscaler.Scaling.Capacity;

/// <summary>
/// Learns the safe load of one warm replica: the requests/s at which the latency quantile of the
/// objective reaches its threshold. For a pod that behaves like an M/M/1 queue the quantile is
/// K/(μ − x) at load x, so its reciprocal is a straight line in x; the line 1/y = a + b·x is fitted
/// by recursive least squares with forgetting, and the safe load is where it meets 1/threshold.
/// </summary>
/// <remarks>
/// Loads are divided by the seed capacity and reciprocal latencies multiplied by the threshold,
/// so the fit works on numbers near 1 whatever the units; the safe load is where the scaled line
/// crosses 1. Under a scaler the load per replica stays near one operating point, which pins the
/// line's height there but hardly its slope; with plain forgetting the slope's uncertainty then
/// grows without bound (wind-up) and a jump in latency can tilt the line instead of lowering it.
/// So the prior's slope is never forgotten entirely: it keeps the weight it started with, while
/// the prior's level is forgotten like any old observation. Near the operating point the slope
/// matters little: the safe load is only the headroom away.
/// </remarks>
internal sealed class CapacityLearner
{
    // At the hinted safe load a replica is assumed to be 80 % busy, i.e. μ = 1.25 × hint, which
    // with the threshold met there fixes the prior line: a0 = 5/L, b0 = −4/(L·c0).
    private const double PriorUtilisation = 0.8;

    // The prior weighs as much as this many observations (half at half the hint, half at the
    // hint), so a few minutes of data override it.
    private const double PriorWeight = 5;

    // What the prior knows of the slope (Σ(u − ū)² of its pseudo-observations), kept for ever.
    private const double SlopeInformation = PriorWeight * 0.25 * 0.25;

    // Overestimating capacity costs the SLO, underestimating costs replicas: the estimate may halve
    // in one observation but rises at most 10 % per observation.
    private const double MaxFall = 0.8;
    private const double MaxRise = 1.02;

    // A line fitted near one operating point says little far from it: the estimate rises only on
    // an observation within the threshold at a load of at least half the estimate, and to at
    // most 5 % above that load. An over-provisioned fleet (at night, after a burst) teaches nothing
    // about how far it could be pushed.
    private const double ExtrapolationLimit = 1.05;

    // Latency that is high at every load (a slow dependency) drags the fit down without end;
    // capacity is not believed to fall below a tenth of its seed.
    private const double FloorShareOfSeed = 0.1;

    // A latency more than twice (or less than half) what the fit predicts is news, not noise:
    // that observation is taken in with a one-minute memory, so a new version's latency
    // replaces the old version's within minutes instead of being averaged with it. So is any
    // observation while the fit says latency does not rise with load: old and new behaviour
    // mixed in one fit can do that, and only forgetting the old resolves it.
    private const double SurpriseRatio = 2;
    private static readonly TimeSpan SurpriseMemory = TimeSpan.FromMinutes(1);

    private readonly double _threshold;
    private readonly double _forgetting;
    private readonly double _surprisedForgetting;
    private double _seed;
    private double _alpha, _beta;
    private double _priorSlope;

    // The fit in information form: R (2×2, symmetric) and v, with θ = (α, β) = R⁻¹·v.
    private double _r11, _r12, _r22, _v1, _v2;

    /// <param name="thresholdSeconds">The objective's latency threshold L.</param>
    /// <param name="hint">Safe load of one warm replica, if the policy gives one.</param>
    /// <param name="tick">Time between observations.</param>
    /// <param name="memory">Time constant of forgetting: data this old weighs 1/e of new data.</param>
    public CapacityLearner(double thresholdSeconds, double? hint, TimeSpan tick, TimeSpan memory)
    {
        if (thresholdSeconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(thresholdSeconds), thresholdSeconds, "the latency threshold must be positive");
        }
        _threshold = thresholdSeconds;
        _forgetting = Math.Exp(-tick.TotalSeconds / memory.TotalSeconds);
        _surprisedForgetting = Math.Min(_forgetting, Math.Exp(-tick.TotalSeconds / SurpriseMemory.TotalSeconds));
        if (hint is > 0 and var h && double.IsFinite(h))
        {
            Seed(h);
        }
    }

    /// <summary>Requests/s one warm replica serves within the threshold; null before the first observation when there is no hint.</summary>
    public double? Capacity { get; private set; }

    /// <summary>Observations the fit has taken in.</summary>
    public int Observations { get; private set; }

    /// <summary>
    /// Takes one observation: the load per warm replica and the latency quantile at the objective
    /// over the same window. Observations without load or latency are ignored.
    /// </summary>
    public void Observe(double loadPerReplica, double quantileSeconds)
    {
        if (!(loadPerReplica > 0) || !(quantileSeconds > 0) || !double.IsFinite(loadPerReplica) || !double.IsFinite(quantileSeconds))
        {
            return;
        }
        if (Capacity is null)
        {
            // Without a hint the current load is assumed safe until the data says otherwise.
            Seed(loadPerReplica);
        }
        Observations++;
        var surprised = Update(loadPerReplica / _seed, _threshold / quantileSeconds);
        Capacity = Bounded(Capacity!.Value, loadPerReplica, quantileSeconds <= _threshold && !surprised);
    }

    private void Seed(double capacity)
    {
        _seed = capacity;
        Capacity = capacity;
        _alpha = 1 / (1 - PriorUtilisation);
        _beta = _priorSlope = -PriorUtilisation / (1 - PriorUtilisation);
        // Information of PriorWeight/2 pseudo-observations at u = 0.5 and as many at u = 1.
        var half = PriorWeight / 2;
        _r11 = 2 * half;
        _r12 = half * (0.5 + 1);
        _r22 = half * ((0.5 * 0.5) + 1);
        _v1 = (_r11 * _alpha) + (_r12 * _beta);
        _v2 = (_r12 * _alpha) + (_r22 * _beta);
    }

    /// <summary>
    /// One recursive least-squares step on the scaled line w = α + β·u, in information form.
    /// Forgetting renews the prior's slope information (a penalty on β − β0 alone), so the slope
    /// stays defined while the level follows the data.
    /// </summary>
    /// <returns>Whether the observation was a surprise.</returns>
    private bool Update(double u, double w)
    {
        var predicted = _alpha + (_beta * u);
        var surprised = !(_beta < 0) || !(predicted > 0) || w > SurpriseRatio * predicted || w * SurpriseRatio < predicted;
        var keep = surprised ? _surprisedForgetting : _forgetting;
        var renew = (1 - keep) * SlopeInformation;
        _r11 = (keep * _r11) + 1;
        _r12 = (keep * _r12) + u;
        _r22 = (keep * _r22) + renew + (u * u);
        _v1 = (keep * _v1) + w;
        _v2 = (keep * _v2) + (renew * _priorSlope) + (u * w);
        var det = (_r11 * _r22) - (_r12 * _r12);
        _alpha = ((_r22 * _v1) - (_r12 * _v2)) / det;
        _beta = ((_r11 * _v2) - (_r12 * _v1)) / det;
        return surprised;
    }

    private double Bounded(double previous, double load, bool mayRise)
    {
        if (!(_beta < 0))
        {
            // Latency that does not rise with load says nothing about where the threshold is.
            return previous;
        }
        var fitted = _seed * (1 - _alpha) / _beta;
        var next = Math.Max(fitted, previous * MaxFall);
        if (next > previous)
        {
            next = mayRise && load * ExtrapolationLimit >= previous
                ? Math.Min(next, Math.Min(previous * MaxRise, load * ExtrapolationLimit))
                : previous;
        }
        return Math.Max(next, _seed * FloorShareOfSeed);
    }
}
