namespace Observe.Autoscaler.Scaling.Capacity;

/// <summary>
/// Safe load per replica as a function of the fleet's size. Requests balanced over many
/// replicas queue less than over a few (pooling: two replicas at 80 % keep a request waiting far
/// more often than forty at 80 %), so the load one replica can take within the latency objective
/// grows with the fleet. One <see cref="CapacityLearner"/> per band of sizes, each a quarter
/// larger than the one below, learns it from the observations made at that size; a band not yet
/// observed borrows from the nearest band that was, else the hint.
/// </summary>
internal sealed class CapacityBySize(double thresholdSeconds, double? hint, TimeSpan tick, TimeSpan memory)
{
    // Bands: 1, 2, 3, 4, 5, 6, 7–8, 9–10, 11–12, 13–15, 16–19, 20–24 … replicas.
    private const double BandGrowth = 1.25;
    private const int Bands = 64;

    // Sizing never searches beyond this many replicas; the bounds cap far below it anyway.
    private const int SearchLimit = 100_000;

    // The learners aim at a latency this share of the threshold: a quantile measured over one
    // window scatters around its true value, and a fleet sized to meet the threshold exactly
    // misses it in every window that scatters upwards.
    private const double Margin = 0.8;

    private readonly CapacityLearner?[] _bands = new CapacityLearner?[Bands];

    private static int Band(double replicas) =>
        replicas <= 1 ? 0 : Math.Min(Bands - 1, (int)Math.Round(Math.Log(replicas) / Math.Log(BandGrowth)));

    /// <summary>Takes an observation made while <paramref name="replicas"/> (effective) shared the load.</summary>
    public void Observe(double replicas, double loadPerReplica, double quantileSeconds)
    {
        var band = Band(replicas);
        var learner = _bands[band] ??= new CapacityLearner(thresholdSeconds * Margin, Nearest(band) ?? hint, tick, memory);
        learner.Observe(loadPerReplica, quantileSeconds);
    }

    /// <summary>Safe load of one replica in a fleet of <paramref name="replicas"/>; null before anything is known.</summary>
    public double? At(double replicas) => Nearest(Band(replicas)) ?? hint;

    private double? Nearest(int band)
    {
        for (var distance = 0; distance < Bands; distance++)
        {
            // Borrow from below first: a smaller fleet's figure is the cautious one.
            if (band - distance >= 0 && _bands[band - distance]?.Capacity is { } below) return below;
            if (band + distance < Bands && _bands[band + distance]?.Capacity is { } above) return above;
        }
        return null;
    }

    /// <summary>
    /// Replicas <paramref name="rate"/> needs with <paramref name="headroom"/>: the smallest fleet
    /// whose size covers rate × (1 + headroom) at that size's safe load, as a fraction of
    /// replicas (rate × (1 + headroom) / safe load); null before anything is known.
    /// </summary>
    public (double Replicas, double PerReplica)? Need(double rate, double headroom)
    {
        if (At(1) is null) return null;
        var load = rate * (1 + headroom);
        if (!(load > 0)) return (0, At(1)!.Value);
        for (var n = 1; ; n++)
        {
            var perReplica = At(n)!.Value;
            var replicas = load / perReplica;
            if (replicas <= n || n >= SearchLimit) return (replicas, perReplica);
        }
    }
}
