namespace Observe.Autoscaler.Scaling.Reading;

/// <summary>The range a policy value must fall in, able to say itself in words for a finding.</summary>
internal sealed record Bounds<T>(T? Low, bool LowIncluded, T? High, bool HighIncluded) where T : struct, IComparable<T>
{
    public bool Contains(T value) =>
        (Low is not { } low || (LowIncluded ? value.CompareTo(low) >= 0 : value.CompareTo(low) > 0))
        && (High is not { } high || (HighIncluded ? value.CompareTo(high) <= 0 : value.CompareTo(high) < 0));

    /// <summary>e.g. "above 0 and at most 1".</summary>
    public string Describe(Func<T, string> write)
    {
        var parts = new List<string>(2);
        if (Low is { } low)
        {
            parts.Add($"{(LowIncluded ? "at least" : "above")} {write(low)}");
        }
        if (High is { } high)
        {
            parts.Add($"{(HighIncluded ? "at most" : "below")} {write(high)}");
        }
        return string.Join(" and ", parts);
    }
}

internal static class Bounds
{
    public static Bounds<T> AtLeast<T>(T low) where T : struct, IComparable<T> => new(low, true, null, false);

    public static Bounds<T> Above<T>(T low) where T : struct, IComparable<T> => new(low, false, null, false);

    public static Bounds<T> AtMost<T>(T high) where T : struct, IComparable<T> => new(null, false, high, true);

    public static Bounds<T> AboveAtMost<T>(T low, T high) where T : struct, IComparable<T> => new(low, false, high, true);

    public static Bounds<T> Within<T>(T low, T high) where T : struct, IComparable<T> => new(low, true, high, true);
}
