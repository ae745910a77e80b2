namespace Observe.Autoscaler.Simulation.Traces;

/// <summary>A generated demand curve and the capacity changes that go with it.</summary>
internal sealed record GeneratedCase(RequestTrace Trace, IReadOnlyList<CapacityChange> CapacityChanges);

/// <summary>
/// Synthetic traces, one a second from the Unix epoch, each shaped to test one thing a scaler must
/// do and scaled so that its peak needs the asked replicas at the asked utilisation of μ.
/// </summary>
internal static class GeneratedCases
{
    public const string All = "all";

    public static IReadOnlyList<string> Names { get; } = ["step-5x", "step-20x", "ramp", "flash-crowd", "diurnal", "half-capacity"];

    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <param name="seed">Seeds the noise of <c>diurnal</c>; the other cases are deterministic.</param>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static GeneratedCase Create(string name, int peakReplicas, double serviceRate, double utilisation, int seed)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peakReplicas);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(serviceRate);
        var peakRate = peakReplicas * serviceRate * utilisation;
        return name switch
        {
            "step-5x" => Plain(name, peakRate, Step(5)),
            "step-20x" => Plain(name, peakRate, Step(20)),
            "ramp" => Plain(name, peakRate, Ramp()),
            "flash-crowd" => Plain(name, peakRate, FlashCrowd()),
            "diurnal" => Plain(name, peakRate, Diurnal(TimeSpan.FromDays(7), new Random(seed))),
            // The peak needs half the replicas until the slower version arrives, then all of them.
            "half-capacity" => new GeneratedCase(Scaled(name, peakRate / 2, Diurnal(TimeSpan.FromDays(3), noise: null)),
                [new CapacityChange(1.5 * Day, 0.5)]),
            _ => throw new ArgumentException($"unknown case '{name}'; known cases: {string.Join(", ", Names)}, or {All} for every one"),
        };
    }

    private static GeneratedCase Plain(string name, double peakRate, double[] rates) => new(Scaled(name, peakRate, rates), []);

    private static RequestTrace Scaled(string name, double peakRate, double[] rates) =>
        RequestTraces.ScaleToRate(new RequestTrace(name, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), rates), peakRate);

    /// <summary>2 h at base, 1 h at <paramref name="factor"/> × base, 1 h at base: a load change no smoothing hides.</summary>
    private static double[] Step(double factor) =>
        Seconds(TimeSpan.FromHours(4), t => t >= 7200 && t < 10800 ? factor : 1);

    /// <summary>5 % → 100 % linearly over 6 h, back down over 6 h: a slope a forecast can follow.</summary>
    private static double[] Ramp()
    {
        const double half = 6 * 3600;
        return Seconds(TimeSpan.FromHours(12), t => 0.05 + 0.95 * (t <= half ? t / half : (2 * half - t) / half));
    }

    /// <summary>5 % base; at 1 h the rate reaches the peak within 60 s, then decays back with a 10-minute half-life.</summary>
    private static double[] FlashCrowd()
    {
        const double onset = 3600, rise = 60, halfLife = 600, baseShare = 0.05;
        return Seconds(TimeSpan.FromHours(4), t => t < onset ? baseShare
            : t < onset + rise ? baseShare + (1 - baseShare) * (t - onset) / rise
            : baseShare + (1 - baseShare) * Math.Pow(2, -(t - onset - rise) / halfLife));
    }

    /// <summary>mean × (1 + 0.8 sin(2πt / day)), times log-normal noise (σ 0.1) drawn once a minute when <paramref name="noise"/> is given.</summary>
    private static double[] Diurnal(TimeSpan length, Random? noise)
    {
        const double sigma = 0.1;
        var minutes = (int)length.TotalMinutes;
        var factors = new double[minutes];
        for (var m = 0; m < minutes; m++)
        {
            // Mean-one log-normal: the curve's average stays the mean.
            factors[m] = noise is null ? 1 : Math.Exp(sigma * StandardNormal(noise) - sigma * sigma / 2);
        }
        return Seconds(length, t => (1 + 0.8 * Math.Sin(2 * Math.PI * t / Day.TotalSeconds)) * factors[(int)(t / 60)]);
    }

    private static double[] Seconds(TimeSpan length, Func<double, double> rateAt)
    {
        var rates = new double[(int)length.TotalSeconds];
        for (var t = 0; t < rates.Length; t++)
        {
            rates[t] = rateAt(t);
        }
        return rates;
    }

    /// <summary>Box–Muller: two uniforms to one standard normal.</summary>
    internal static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
