namespace Observe.Autoscaler.Simulation.Report;

/// <summary>One scaler's line of the comparison.</summary>
/// <param name="Policy">The scaler's name (<c>observe</c>, <c>hpa</c>, <c>kpa</c>, <c>oracle</c>).</param>
/// <param name="GoodSharePercent">Good requests over all requests, in percent.</param>
/// <param name="BudgetConsumed">Bad requests over the budget the target allows on the trace (1 = exactly spent).</param>
/// <param name="ReplicaHoursVsOracle">Replica-hours over the oracle's; null when no oracle ran.</param>
/// <param name="ElapsedSeconds">Wall-clock time the simulation of this scaler took.</param>
internal sealed record ComparisonRow(
    string Policy,
    double GoodSharePercent,
    int ViolationMinutes,
    double BudgetConsumed,
    double ReplicaHours,
    double? ReplicaHoursVsOracle,
    int ScalingActions,
    double ElapsedSeconds);

internal static class ComparisonRows
{
    public const string Oracle = "oracle";

    /// <summary>The rows in the results' order; replica-hours are compared with the result named <paramref name="oracle"/>, when there is one.</summary>
    public static IReadOnlyList<ComparisonRow> From(IReadOnlyList<SimulationResult> results, string oracle = Oracle)
    {
        ArgumentNullException.ThrowIfNull(results);
        var oracleHours = results.FirstOrDefault(r => r.Policy == oracle)?.ReplicaHours;
        return [.. results.Select(r => new ComparisonRow(
            r.Policy,
            r.GoodShare * 100,
            r.ViolationMinutes,
            r.BudgetConsumed,
            r.ReplicaHours,
            oracleHours > 0 ? r.ReplicaHours / oracleHours : null,
            r.ScalingActions,
            r.Elapsed.TotalSeconds))];
    }
}
