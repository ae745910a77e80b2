namespace Observe.Autoscaler.Simulation.Engine;

/// <summary>
/// xoshiro256** seeded by splitmix64: the simulator draws several numbers per request, and a
/// seeded run must give the same result on every machine and .NET version, which
/// <see cref="System.Random"/> with a seed does not promise.
/// </summary>
internal sealed class RandomSource
{
    private ulong _s0, _s1, _s2, _s3;

    public RandomSource(long seed)
    {
        var x = (ulong)seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in (0, 1]: never 0, so its logarithm is finite.</summary>
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>Exponentially distributed with the given rate (mean 1/rate).</summary>
    public double Exponential(double rate) => -Math.Log(NextOpenDouble()) / rate;

    /// <summary>Uniform integer in [0, n).</summary>
    public int Below(int n) => (int)((NextUInt64() >> 32) * (ulong)n >> 32);
}
