using Observe.Store.Schema;

namespace Observe.Store.Scaling;

/// <summary>
/// What the autoscaler's controller writes: one row per decision of each policy, with the signals
/// and figures it was computed from as JSON, so that any decision can be explained (or replayed)
/// later from its row alone.
/// </summary>
public static class ScalingSchema
{
    public static readonly TableSpec Decisions = new("scaling_decisions",
        "Time, PolicyNamespace, Policy, TargetApiVersion, TargetKind, TargetNamespace, TargetName, Mode, Outcome, " +
        "Current, Desired, ReasonCodes, ReasonMessages, Figures, Signals, Message");

    /// <summary>Ordered by target, then time: the API and the UI read one target's decisions over a range.</summary>
    internal static Migration Migration { get; } = new(7, "scaling decisions", c =>
    [
        $"""
        CREATE TABLE IF NOT EXISTS `{c.Database}`.{Decisions.Name} (
            Time DateTime64(3) CODEC(Delta, ZSTD(1)),
            PolicyNamespace LowCardinality(String),
            Policy LowCardinality(String),
            TargetApiVersion LowCardinality(String),
            TargetKind LowCardinality(String),
            TargetNamespace LowCardinality(String),
            TargetName LowCardinality(String),
            Mode LowCardinality(String),
            Outcome LowCardinality(String),
            Current Int32,
            Desired Int32,
            ReasonCodes Array(LowCardinality(String)),
            ReasonMessages Array(String) CODEC(ZSTD(1)),
            Figures String CODEC(ZSTD(1)),
            Signals String CODEC(ZSTD(1)),
            Message Nullable(String) CODEC(ZSTD(1))
        ) ENGINE = MergeTree()
        PARTITION BY toYYYYMM(Time)
        ORDER BY (TargetNamespace, TargetName, Time)
        {c.Ttl("toDateTime(Time)", c.Retention.Decisions)}
        SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
        """,
    ]);
}
