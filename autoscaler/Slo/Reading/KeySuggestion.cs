namespace Observe.Autoscaler.Slo.Reading;

/// <summary>Finds the allowed word a misspelt one most likely meant, so a finding can say "did you mean".</summary>
internal static class KeySuggestion
{
    /// <summary>Two edits catch the usual slips (a swapped, missing or doubled letter) without suggesting unrelated keys.</summary>
    private const int MaxDistance = 2;

    public static string? Closest(string word, IEnumerable<string> allowed)
    {
        string? best = null;
        var bestDistance = MaxDistance + 1;
        foreach (var candidate in allowed)
        {
            var distance = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>Levenshtein distance, with a swap of neighbours counted as one edit.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
