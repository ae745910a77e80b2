using System.Text.Json;
using Observe.Autoscaler.Scaling;
using Observe.Store;
using Observe.Store.RowBinary;
using Observe.Store.Scaling;

namespace Observe.Autoscaler.Control;

/// <summary>
/// The <c>scaling_decisions</c> table: decisions appended as typed rows, read back by target and
/// time. A target without a namespace is stored with an empty one and read back as null.
/// </summary>
internal sealed class StoreDecisionLog(IClickHouseTransport store, string database) : IScalingDecisionLog
{
    /// <summary>The most rows one read returns, whatever the query asks: a bound on the answer's memory.</summary>
    public const int MaxLimit = 10_000;

    public async Task AppendAsync(DecisionRecord record, CancellationToken cancellationToken)
    {
        using var w = new RowBinaryWriter(4096);
        w.Int64(record.Time.ToUnixTimeMilliseconds());
        w.String(record.PolicyNamespace);
        w.String(record.Policy);
        w.String(record.Target.ApiVersion);
        w.String(record.Target.Kind);
        w.String(record.Target.Namespace ?? "");
        w.String(record.Target.Name);
        w.String(ModeName(record.Mode));
        w.String(record.Outcome);
        w.Int32(record.Current);
        w.Int32(record.Desired);
        w.Count(record.Reasons.Count);
        foreach (var reason in record.Reasons)
        {
            w.String(reason.Code);
        }
        w.Count(record.Reasons.Count);
        foreach (var reason in record.Reasons)
        {
            w.String(reason.Message);
        }
        w.String(JsonSerializer.Serialize(record.Figures, DecisionJson.Options));
        w.String(JsonSerializer.Serialize(record.Signals, DecisionJson.Options));
        if (record.Message is { } message)
        {
            w.UInt8(0);
            w.String(message);
        }
        else
        {
            w.UInt8(1);
        }
        var table = ScalingSchema.Decisions;
        await store.InsertRowBinaryAsync($"`{database}`.{table.Name}", table.Columns, w.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DecisionRecord>> ReadAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters()
            .Add("from", query.From.ToUnixTimeMilliseconds())
            .Add("to", query.To.ToUnixTimeMilliseconds())
            .Add("limit", Math.Clamp(query.Limit, 0, MaxLimit));
        var filters = "";
        if (query.TargetName is { } name)
        {
            parameters.Add("name", name);
            filters += " AND TargetName = {name:String}";
        }
        if (query.TargetNamespace is { } ns)
        {
            parameters.Add("namespace", ns);
            filters += " AND TargetNamespace = {namespace:String}";
        }
        // The newest rows within the limit, then put back in time order.
        var sql = $$"""
            SELECT * FROM (
                SELECT toUnixTimestamp64Milli(Time) AS TimeMillis, PolicyNamespace, Policy, TargetApiVersion, TargetKind, TargetNamespace, TargetName,
                       Mode, Outcome, Current, Desired, ReasonCodes, ReasonMessages, Figures, Signals, Message
                FROM `{{database}}`.{{ScalingSchema.Decisions.Name}}
                WHERE Time >= fromUnixTimestamp64Milli({from:Int64}) AND Time < fromUnixTimestamp64Milli({to:Int64}){{filters}}
                ORDER BY Time DESC
                LIMIT {limit:UInt32}
            )
            ORDER BY TimeMillis
            """;
        var answer = await store.QueryAsync(sql, "JSONEachRow", parameters, cancellationToken).ConfigureAwait(false);
        return [.. JsonLines.Read(answer).Select(Parse)];
    }

    private static DecisionRecord Parse(JsonElement row)
    {
        var codes = row.GetProperty("ReasonCodes").EnumerateArray().Select(e => e.GetString()!).ToList();
        var messages = row.GetProperty("ReasonMessages").EnumerateArray().Select(e => e.GetString()!).ToList();
        var targetNamespace = row.GetProperty("TargetNamespace").GetString()!;
        return new DecisionRecord(
            DateTimeOffset.FromUnixTimeMilliseconds(JsonLines.Int64(row.GetProperty("TimeMillis"))),
            row.GetProperty("PolicyNamespace").GetString()!,
            row.GetProperty("Policy").GetString()!,
            new ScaleTarget(row.GetProperty("TargetApiVersion").GetString()!, row.GetProperty("TargetKind").GetString()!,
                row.GetProperty("TargetName").GetString()!, targetNamespace.Length == 0 ? null : targetNamespace),
            ParseMode(row.GetProperty("Mode").GetString()!),
            row.GetProperty("Outcome").GetString()!,
            row.GetProperty("Current").GetInt32(),
            row.GetProperty("Desired").GetInt32(),
            [.. codes.Zip(messages, (c, m) => new ScalingReason(c, m))],
            JsonSerializer.Deserialize<DecisionFigures>(row.GetProperty("Figures").GetString()!, DecisionJson.Options)!,
            JsonSerializer.Deserialize<ScalingSignals>(row.GetProperty("Signals").GetString()!, DecisionJson.Options)!,
            row.GetProperty("Message").ValueKind == JsonValueKind.Null ? null : row.GetProperty("Message").GetString());
    }

    /// <summary>The mode as a ScalingPolicy document writes it.</summary>
    internal static string ModeName(ScalingMode mode) => mode == ScalingMode.DryRun ? "dryRun" : "enforce";

    private static ScalingMode ParseMode(string text) => text == "dryRun" ? ScalingMode.DryRun : ScalingMode.Enforce;
}
