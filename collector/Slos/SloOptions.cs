namespace Observe.Collector.Slos;

/// <summary>SLO files and their evaluation (section Slo).</summary>
public sealed class SloOptions
{
    /// <summary>A directory (or one file) of SLO YAML, read at start and re-read when it changes (<c>--slo</c>). None: no SLOs.</summary>
    public string? Directory { get; set; }

    /// <summary>How often every SLO is evaluated.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>At most one stored evaluation per SLO objective per step (the history the API and UI chart).</summary>
    public TimeSpan HistoryStep { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long after a time slice closes late requests may still change it; such slices are recomputed.</summary>
    public TimeSpan Settle { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the SLO files are checked for changes.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Work one evaluation may spend filling new timeslices ledgers after the first; the rest are filled by later passes.</summary>
    public TimeSpan ColdReadBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The largest YAML body POST /api/v1/slos/lint accepts.</summary>
    public int LintMaxBytes { get; set; } = 1024 * 1024;

    public void Validate()
    {
        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException($"Slo:Interval must be 1 s to 10 minutes, got {Interval}.");
        }
        if (HistoryStep < Interval)
        {
            throw new ArgumentException($"Slo:HistoryStep must be at least Slo:Interval ({Interval}), got {HistoryStep}.");
        }
        if (Settle < TimeSpan.Zero || Settle > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"Slo:Settle must be 0 to 1 hour, got {Settle}.");
        }
        if (ColdReadBudget < TimeSpan.Zero)
        {
            throw new ArgumentException($"Slo:ColdReadBudget must not be negative, got {ColdReadBudget}.");
        }
        if (LintMaxBytes < 1024)
        {
            throw new ArgumentException($"Slo:LintMaxBytes must be at least 1024, got {LintMaxBytes}.");
        }
        if (ReloadInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentException($"Slo:ReloadInterval must be at least 100 ms, got {ReloadInterval}.");
        }
    }
}
