namespace Observe.Autoscaler.Slo.Evaluation;

/// <summary>
/// The state of one SLO objective at one instant: the SLI over its period, the error budget and
/// how fast it burns. Counts are events for occurrences budgeting and slices for timeslices.
/// </summary>
/// <param name="Sli">Good / total over the period; null without traffic (undefined, not 100 %).</param>
public sealed record SloEvaluation(
    string Slo,
    string Objective,
    string Service,
    DateTimeOffset Time,
    BudgetingMethod Budgeting,
    SloPeriod Period,
    double Target,
    long Good,
    long Total,
    double? Sli,
    ErrorBudget Budget,
    IReadOnlyList<BurnRate> BurnRates,
    AlertStatus Alert);

/// <param name="Allowed">Bad events (or slices) the target allows so far in the period.</param>
/// <param name="Consumed">Share of the budget spent (1 = all of it; above 1 = overspent); null without traffic.</param>
/// <param name="Remaining">1 − Consumed.</param>
/// <param name="RemainingEvents">Bad events (or slices) that may still happen; negative when overspent.</param>
/// <param name="Minutes">The budget as time: the share of the period the target lets fail.</param>
/// <param name="RemainingMinutes">What is left of <paramref name="Minutes"/>.</param>
public sealed record ErrorBudget(double Allowed, double? Consumed, double? Remaining, double? RemainingEvents, double Minutes, double? RemainingMinutes);

/// <summary>How many times faster than sustainable the budget burns over a trailing window; null without traffic there.</summary>
public sealed record BurnRate(TimeSpan Window, double? Rate);

/// <param name="State">"ok", or the severity of the firing condition with the highest threshold.</param>
/// <param name="Since">When <paramref name="State"/> began.</param>
public sealed record AlertStatus(string State, DateTimeOffset Since, IReadOnlyList<AlertConditionStatus> Conditions)
{
    public const string Ok = "ok";
}

/// <param name="Firing">Both windows at or above the threshold for at least the condition's alertAfter.</param>
/// <param name="Since">When both windows first reached the threshold, while they still do.</param>
public sealed record AlertConditionStatus(BurnRateCondition Condition, double? LongBurn, double? ShortBurn, bool Firing, DateTimeOffset? Since);

/// <summary>Good and total counts (events or slices) of one window; windows add.</summary>
public readonly record struct WindowCounts(double Good, double Total)
{
    public double Bad => Total - Good;

    public static WindowCounts operator +(WindowCounts a, WindowCounts b) => new(a.Good + b.Good, a.Total + b.Total);

    public double? Sli => Total > 0 ? Good / Total : null;
}

/// <summary>The arithmetic of error budgets (SRE workbook): pure functions of counts and the target.</summary>
public static class BudgetArithmetic
{
    /// <summary>Bad share / allowed bad share; null without traffic.</summary>
    public static double? BurnRate(WindowCounts counts, double target) =>
        counts.Total > 0 ? counts.Bad / counts.Total / (1 - target) : null;

    /// <summary>
    /// The budget of a period. Occurrences: the target allows (1 − target) of the events seen so
    /// far. Timeslices: (1 − target) of every slice the period holds, whether or not it had traffic.
    /// </summary>
    public static ErrorBudget Budget(WindowCounts counts, double target, BudgetingMethod method, TimeSpan period, TimeSpan? slice)
    {
        var minutes = (1 - target) * period.TotalMinutes;
        var allowed = method == BudgetingMethod.Timeslices && slice is { } s
            ? (1 - target) * Math.Floor(period / s)
            : (1 - target) * counts.Total;
        if (counts.Total <= 0)
        {
            return new(allowed, null, null, null, minutes, null);
        }
        if (allowed <= 0)
        {
            // A period shorter than one slice allows nothing; lint rejects such SLOs.
            return new(allowed, null, null, -counts.Bad, minutes, null);
        }
        var consumed = counts.Bad / allowed;
        return new(allowed, consumed, 1 - consumed, allowed - counts.Bad, minutes, minutes * (1 - consumed));
    }
}
