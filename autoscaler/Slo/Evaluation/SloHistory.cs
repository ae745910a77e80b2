using Observe.Store;
using Observe.Store.RowBinary;
using Observe.Store.Slo;

namespace Observe.Autoscaler.Slo.Evaluation;

/// <summary>One stored evaluation of an SLO objective: the history the UI charts and the autoscaler reads.</summary>
public sealed record SloHistoryPoint(
    DateTimeOffset Time, string Objective, double Target, long Good, long Total, double? Sli,
    double? BudgetConsumed, double? BudgetRemaining, double? BudgetRemainingMinutes,
    IReadOnlyList<BurnRate> BurnRates, string AlertState, DateTimeOffset? AlertSince);

/// <summary>Writes evaluations to slo_evaluations and reads them back.</summary>
public sealed class SloHistory(IClickHouseTransport store, string database)
{
    public async Task AppendAsync(IReadOnlyList<SloEvaluation> evaluations, CancellationToken cancellationToken)
    {
        if (evaluations.Count == 0)
        {
            return;
        }
        using var w = new RowBinaryWriter();
        foreach (var e in evaluations)
        {
            w.DateTimeSeconds(Seconds(e.Time));
            w.String(e.Slo);
            w.String(e.Objective);
            w.String(e.Service);
            w.String(e.Budgeting.ToString());
            w.DateTimeSeconds(Seconds(e.Period.Start));
            w.DateTimeSeconds(Seconds(e.Period.End));
            w.Float64(e.Target);
            w.UInt64((ulong)e.Good);
            w.UInt64((ulong)e.Total);
            Nullable(w, e.Sli);
            w.Float64(e.Budget.Allowed);
            Nullable(w, e.Budget.Consumed);
            Nullable(w, e.Budget.Remaining);
            w.Float64(e.Budget.Minutes);
            Nullable(w, e.Budget.RemainingMinutes);
            w.Count(e.BurnRates.Count);
            foreach (var b in e.BurnRates)
            {
                w.UInt32((uint)b.Window.TotalSeconds);
            }
            w.Count(e.BurnRates.Count);
            foreach (var b in e.BurnRates)
            {
                Nullable(w, b.Rate);
            }
            w.String(e.Alert.State);
            w.UInt8(0);
            w.DateTimeSeconds(Seconds(e.Alert.Since));
        }
        var table = SloSchema.Evaluations;
        await store.InsertRowBinaryAsync($"`{database}`.{table.Name}", table.Columns, w.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored points of one SLO in [from, to), at most one per <paramref name="step"/> per objective (the last of each step).</summary>
    public async Task<IReadOnlyList<SloHistoryPoint>> ReadAsync(string slo, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters()
            .Add("slo", slo)
            .Add("from", from.ToUnixTimeSeconds())
            .Add("to", to.ToUnixTimeSeconds())
            .Add("step", Math.Max(1, (long)step.TotalSeconds));
        var rows = await store.QueryRowsAsync($$"""
            SELECT toUInt32(max(Time)), Objective,
                   argMax(Target, Time), argMax(Good, Time), argMax(Total, Time), argMax(Sli, Time),
                   argMax(BudgetConsumed, Time), argMax(BudgetRemaining, Time), argMax(BudgetRemainingMinutes, Time),
                   argMax(BurnWindows, Time), argMax(BurnRates, Time), argMax(AlertState, Time), toUInt32(argMax(AlertSince, Time))
            FROM `{{database}}`.{{SloSchema.Evaluations.Name}}
            WHERE Slo = {slo:String} AND Time >= toDateTime({from:UInt32}) AND Time < toDateTime({to:UInt32})
            GROUP BY Objective, intDiv(toUInt32(Time), {step:UInt32}) AS w_step
            ORDER BY Objective, w_step
            """, parameters, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(f =>
        {
            var windows = TabSeparated.Longs(f[9]);
            var rates = f[10].Length <= 2 ? [] : f[10][1..^1].Split(',');
            return new SloHistoryPoint(
                DateTimeOffset.FromUnixTimeSeconds(TabSeparated.Long(f[0])), f[1], TabSeparated.Double(f[2]), TabSeparated.Long(f[3]), TabSeparated.Long(f[4]),
                Optional(f[5]), Optional(f[6]), Optional(f[7]), Optional(f[8]),
                [.. windows.Select((s, i) => new BurnRate(TimeSpan.FromSeconds(s), Optional(rates[i])))],
                f[11], f[12] is "N" ? null : DateTimeOffset.FromUnixTimeSeconds(TabSeparated.Long(f[12])));
        })];
    }

    /// <summary>The last stored alert state of every SLO objective, for resuming after a restart.</summary>
    public async Task<IReadOnlyList<(string Slo, string Objective, string State, DateTimeOffset Since)>> LatestAlertStatesAsync(CancellationToken cancellationToken)
    {
        var rows = await store.QueryRowsAsync($"""
            SELECT Slo, Objective, argMax(AlertState, Time), toUInt32(argMax(ifNull(AlertSince, Time), Time))
            FROM `{database}`.{SloSchema.Evaluations.Name}
            GROUP BY Slo, Objective
            """, cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(f => (f[0], f[1], f[2], DateTimeOffset.FromUnixTimeSeconds(TabSeparated.Long(f[3]))))];
    }

    /// <summary>A Nullable field: TabSeparated writes NULL as \N (read back as "N"), and as NULL inside arrays.</summary>
    private static double? Optional(string field) => field is "N" or "NULL" ? null : TabSeparated.Double(field);

    private static uint Seconds(DateTimeOffset t) => (uint)t.ToUnixTimeSeconds();

    private static void Nullable(RowBinaryWriter w, double? value)
    {
        if (value is { } v)
        {
            w.UInt8(0);
            w.Float64(v);
        }
        else
        {
            w.UInt8(1);
        }
    }
}
