namespace Observe.Collector.Demo;

/// <summary>
/// OpenTelemetry's consistent probability sampling, as an SDK's sampler does it: a trace is kept
/// when the randomness in its id (its last 56 bits) reaches the rejection threshold of the share,
/// and its spans carry that threshold in their trace state (<c>ot=th:…</c>), from which Observe
/// counts each kept request as the requests it stands for.
/// </summary>
internal readonly record struct TraceSampling(ulong Threshold)
{
    private const ulong Range = 1UL << 56;

    /// <summary>The threshold that keeps <paramref name="share"/> of traces (0 keeps all; 2^56 none).</summary>
    public static TraceSampling ForShare(double share) =>
        new(share >= 1 ? 0 : share <= 0 ? Range : (ulong)Math.Round((decimal)(1 - share) * Range));

    public bool Keeps(string traceIdHex) => Convert.ToUInt64(traceIdHex[^14..], 16) >= Threshold;

    /// <summary>The trace state of kept spans: the threshold in 1 to 14 hex digits, trailing zeros left out (none when nothing is kept).</summary>
    public string TraceState { get; } = Threshold >= Range ? "" : $"ot=th:{(Threshold == 0 ? "0" : Threshold.ToString("x14").TrimEnd('0'))}";
}
