namespace Observe.Autoscaler.Scaling.Headroom;

/// <param name="Value">Spare capacity to keep, as a share of the need.</param>
/// <param name="FromBurn">What the burn rate alone asks for.</param>
/// <param name="FromBudget">What the remaining budget alone asks for.</param>
internal readonly record struct HeadroomShares(double Value, double FromBurn, double FromBudget);

/// <summary>
/// Spare capacity from the state of the error budget: the minimum while the budget is healthy,
/// more as it burns faster or runs out, so the scaler spends money where the SLO is at risk.
/// </summary>
internal sealed class BudgetHeadroom(HeadroomSettings settings)
{
    // Burning at 1× spends the budget exactly over the period; at 10× it is gone in a tenth of
    // it, which is page-worthy, so the maximum applies from there. In between, each doubling of
    // the burn adds the same amount (log scale).
    private const double CalmBurn = 1;
    private const double AlarmBurn = 10;

    // Below half the budget left, headroom rises linearly to the maximum at none left.
    private const double HealthyRemaining = 0.5;

    public HeadroomShares For(SloSignal? slo)
    {
        double min = settings.Min, max = Math.Max(settings.Min, settings.Max);
        if (slo is null)
        {
            return new(min, min, min);
        }
        var burn = slo.BurnRateShort ?? slo.BurnRateLong;
        var fromBurn = burn is > CalmBurn and var b
            ? min + ((max - min) * Math.Clamp(Math.Log(b / CalmBurn) / Math.Log(AlarmBurn / CalmBurn), 0, 1))
            : min;
        var remaining = double.IsNaN(slo.BudgetRemaining) ? 1 : slo.BudgetRemaining;
        var fromBudget = min + ((max - min) * Math.Clamp((HealthyRemaining - remaining) / HealthyRemaining, 0, 1));
        return new(Math.Max(fromBurn, fromBudget), fromBurn, fromBudget);
    }
}
