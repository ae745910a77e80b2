namespace Observe.Store.Schema;

/// <summary>
/// The raw OpenTelemetry tables, column for column as the OpenTelemetry Collector's ClickHouse
/// exporter (v0.151 – v0.162) creates them, so that tools built for that exporter (Grafana's
/// ClickHouse data source) read Observe's tables unchanged. Skip indexes use the exporter's
/// bloom-filter variant, which every ClickHouse version accepts.
/// </summary>
public static class OtelSchema
{
    private const string AttributeMap = "Map(LowCardinality(String), String)";

    public static readonly TableSpec Traces = new("otel_traces",
        "Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes, " +
        "ScopeName, ScopeVersion, SpanAttributes, Duration, StatusCode, StatusMessage, " +
        "`Events.Timestamp`, `Events.Name`, `Events.Attributes`, " +
        "`Links.TraceId`, `Links.SpanId`, `Links.TraceState`, `Links.Attributes`");

    public static readonly TableSpec Logs = new("otel_logs",
        "Timestamp, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, ServiceName, Body, ResourceSchemaUrl, " +
        "ResourceAttributes, ScopeSchemaUrl, ScopeName, ScopeVersion, ScopeAttributes, LogAttributes, EventName");

    private const string MetricCommonColumns =
        "ResourceAttributes, ResourceSchemaUrl, ScopeName, ScopeVersion, ScopeAttributes, ScopeDroppedAttrCount, ScopeSchemaUrl, " +
        "ServiceName, MetricName, MetricDescription, MetricUnit, Attributes, StartTimeUnix, TimeUnix";

    private const string ExemplarColumns =
        "`Exemplars.FilteredAttributes`, `Exemplars.TimeUnix`, `Exemplars.Value`, `Exemplars.SpanId`, `Exemplars.TraceId`";

    public static readonly TableSpec MetricsGauge = new("otel_metrics_gauge",
        $"{MetricCommonColumns}, Value, Flags, {ExemplarColumns}");

    public static readonly TableSpec MetricsSum = new("otel_metrics_sum",
        $"{MetricCommonColumns}, Value, Flags, {ExemplarColumns}, AggregationTemporality, IsMonotonic");

    public static readonly TableSpec MetricsHistogram = new("otel_metrics_histogram",
        $"{MetricCommonColumns}, Count, Sum, BucketCounts, ExplicitBounds, {ExemplarColumns}, Flags, Min, Max, AggregationTemporality");

    public static readonly TableSpec MetricsExponentialHistogram = new("otel_metrics_exponential_histogram",
        $"{MetricCommonColumns}, Count, Sum, Scale, ZeroCount, PositiveOffset, PositiveBucketCounts, NegativeOffset, NegativeBucketCounts, " +
        $"{ExemplarColumns}, Flags, Min, Max, AggregationTemporality");

    public static readonly TableSpec MetricsSummary = new("otel_metrics_summary",
        $"{MetricCommonColumns}, Count, Sum, `ValueAtQuantiles.Quantile`, `ValueAtQuantiles.Value`, Flags");

    /// <summary>The companion table that finds a trace's time range by id (filled by a materialized view).</summary>
    public const string TraceIdLookup = "otel_traces_trace_id_ts";

    /// <summary>Every table that holds received data, for statistics.</summary>
    public static IReadOnlyList<string> DataTables { get; } =
    [
        Traces.Name, TraceIdLookup, Logs.Name, MetricsGauge.Name, MetricsSum.Name, MetricsHistogram.Name,
        MetricsExponentialHistogram.Name, MetricsSummary.Name,
    ];

    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "otel traces, trace id lookup, logs and metrics tables", context => [
            TracesTable(context), TraceIdLookupTable(context), TraceIdLookupView(context), LogsTable(context),
            MetricsTable(context, MetricsGauge.Name, """
                Value Float64 CODEC(ZSTD(1)),
                Flags UInt32 CODEC(ZSTD(1)),
                """ + Exemplars),
            MetricsTable(context, MetricsSum.Name, """
                Value Float64 CODEC(ZSTD(1)),
                Flags UInt32 CODEC(ZSTD(1)),
                """ + Exemplars + """
                AggregationTemporality Int32 CODEC(ZSTD(1)),
                IsMonotonic Boolean CODEC(Delta, ZSTD(1)),
                """),
            MetricsTable(context, MetricsHistogram.Name, """
                Count UInt64 CODEC(Delta, ZSTD(1)),
                Sum Float64 CODEC(ZSTD(1)),
                BucketCounts Array(UInt64) CODEC(ZSTD(1)),
                ExplicitBounds Array(Float64) CODEC(ZSTD(1)),
                """ + Exemplars + """
                Flags UInt32 CODEC(ZSTD(1)),
                Min Float64 CODEC(ZSTD(1)),
                Max Float64 CODEC(ZSTD(1)),
                AggregationTemporality Int32 CODEC(ZSTD(1)),
                """),
            MetricsTable(context, MetricsExponentialHistogram.Name, """
                Count UInt64 CODEC(Delta, ZSTD(1)),
                Sum Float64 CODEC(ZSTD(1)),
                Scale Int32 CODEC(ZSTD(1)),
                ZeroCount UInt64 CODEC(ZSTD(1)),
                PositiveOffset Int32 CODEC(ZSTD(1)),
                PositiveBucketCounts Array(UInt64) CODEC(ZSTD(1)),
                NegativeOffset Int32 CODEC(ZSTD(1)),
                NegativeBucketCounts Array(UInt64) CODEC(ZSTD(1)),
                """ + Exemplars + """
                Flags UInt32 CODEC(ZSTD(1)),
                Min Float64 CODEC(ZSTD(1)),
                Max Float64 CODEC(ZSTD(1)),
                AggregationTemporality Int32 CODEC(ZSTD(1)),
                """),
            MetricsTable(context, MetricsSummary.Name, """
                Count UInt64 CODEC(Delta, ZSTD(1)),
                Sum Float64 CODEC(ZSTD(1)),
                ValueAtQuantiles Nested(
                    Quantile Float64,
                    Value Float64
                ) CODEC(ZSTD(1)),
                Flags UInt32 CODEC(ZSTD(1)),
                """),
        ]),
    ];

    private const string Exemplars = """
        Exemplars Nested(
            FilteredAttributes Map(LowCardinality(String), String),
            TimeUnix DateTime,
            Value Float64,
            SpanId String,
            TraceId String
        ) CODEC(ZSTD(1)),

        """;

    private static string TracesTable(SchemaContext c) => $"""
        CREATE TABLE IF NOT EXISTS `{c.Database}`.{Traces.Name} (
            Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
            TraceId String CODEC(ZSTD(1)),
            SpanId String CODEC(ZSTD(1)),
            ParentSpanId String CODEC(ZSTD(1)),
            TraceState String CODEC(ZSTD(1)),
            SpanName LowCardinality(String) CODEC(ZSTD(1)),
            SpanKind LowCardinality(String) CODEC(ZSTD(1)),
            ServiceName LowCardinality(String) CODEC(ZSTD(1)),
            ResourceAttributes {AttributeMap} CODEC(ZSTD(1)),
            ScopeName String CODEC(ZSTD(1)),
            ScopeVersion String CODEC(ZSTD(1)),
            SpanAttributes {AttributeMap} CODEC(ZSTD(1)),
            Duration UInt64 CODEC(ZSTD(1)),
            StatusCode LowCardinality(String) CODEC(ZSTD(1)),
            StatusMessage String CODEC(ZSTD(1)),
            Events Nested (
                Timestamp DateTime64(9),
                Name LowCardinality(String),
                Attributes {AttributeMap}
            ) CODEC(ZSTD(1)),
            Links Nested (
                TraceId String,
                SpanId String,
                TraceState String,
                Attributes {AttributeMap}
            ) CODEC(ZSTD(1)),
            INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
            INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_duration Duration TYPE minmax GRANULARITY 1
        ) ENGINE = MergeTree()
        PARTITION BY toDate(Timestamp)
        ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))
        {c.Ttl("toDateTime(Timestamp)", c.Retention.Traces)}
        SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
        """;

    private static string TraceIdLookupTable(SchemaContext c) => $"""
        CREATE TABLE IF NOT EXISTS `{c.Database}`.{TraceIdLookup} (
            TraceId String CODEC(ZSTD(1)),
            Start DateTime CODEC(Delta, ZSTD(1)),
            End DateTime CODEC(Delta, ZSTD(1)),
            INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1
        ) ENGINE = MergeTree()
        PARTITION BY toDate(Start)
        ORDER BY (TraceId, Start)
        {c.Ttl("toDateTime(Start)", c.Retention.Traces)}
        SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
        """;

    private static string TraceIdLookupView(SchemaContext c) => $"""
        CREATE MATERIALIZED VIEW IF NOT EXISTS `{c.Database}`.{TraceIdLookup}_mv
        TO `{c.Database}`.{TraceIdLookup}
        AS SELECT TraceId, min(Timestamp) AS Start, max(Timestamp) AS End
        FROM `{c.Database}`.{Traces.Name}
        WHERE TraceId != ''
        GROUP BY TraceId
        """;

    private static string LogsTable(SchemaContext c) => $"""
        CREATE TABLE IF NOT EXISTS `{c.Database}`.{Logs.Name} (
            `Timestamp` DateTime64(9) COMMENT 'Event timestamp with nanosecond precision' CODEC(Delta(8), ZSTD(1)),
            `TraceId` String COMMENT 'W3C trace identifier' CODEC(ZSTD(1)),
            `SpanId` String COMMENT 'W3C span identifier' CODEC(ZSTD(1)),
            `TraceFlags` UInt8 COMMENT 'W3C trace flags',
            `SeverityText` LowCardinality(String) COMMENT 'Log severity as text' CODEC(ZSTD(1)),
            `SeverityNumber` UInt8 COMMENT 'Log severity as number (1-24)',
            `ServiceName` LowCardinality(String) COMMENT 'Service that emitted the log' CODEC(ZSTD(1)),
            `Body` String COMMENT 'Log message body' CODEC(ZSTD(1)),
            `ResourceSchemaUrl` LowCardinality(String) COMMENT 'Schema URL for the resource' CODEC(ZSTD(1)),
            `ResourceAttributes` {AttributeMap} COMMENT 'Resource attributes as key-value pairs' CODEC(ZSTD(1)),
            `ScopeSchemaUrl` LowCardinality(String) COMMENT 'Schema URL for the instrumentation scope' CODEC(ZSTD(1)),
            `ScopeName` String COMMENT 'Instrumentation scope name' CODEC(ZSTD(1)),
            `ScopeVersion` LowCardinality(String) COMMENT 'Instrumentation scope version' CODEC(ZSTD(1)),
            `ScopeAttributes` {AttributeMap} COMMENT 'Instrumentation scope attributes' CODEC(ZSTD(1)),
            `LogAttributes` {AttributeMap} COMMENT 'Log record attributes' CODEC(ZSTD(1)),
            `EventName` String COMMENT 'Event name for log records representing events' CODEC(ZSTD(1)),
        {string.Join("\n", MaterializedResourceColumns.Select(k =>
            $"    `__otel_materialized_{k}` LowCardinality(String) MATERIALIZED ResourceAttributes['{k}'] CODEC(ZSTD(1)),"))}
            INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
            INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_lower_body lower(Body) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8
        ) ENGINE = MergeTree()
        PARTITION BY toDate(Timestamp)
        ORDER BY (toStartOfFiveMinutes(Timestamp), ServiceName, Timestamp)
        {c.Ttl("toDateTime(Timestamp)", c.Retention.Logs)}
        SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
        """;

    /// <summary>Resource attributes the exporter keeps as their own columns, for fast filtering.</summary>
    private static readonly string[] MaterializedResourceColumns =
    [
        "k8s.cluster.name", "k8s.container.name", "k8s.deployment.name", "k8s.namespace.name",
        "k8s.node.name", "k8s.pod.name", "k8s.pod.uid", "deployment.environment.name",
    ];

    private static string MetricsTable(SchemaContext c, string table, string typeColumns) => $"""
        CREATE TABLE IF NOT EXISTS `{c.Database}`.{table} (
            ResourceAttributes {AttributeMap} CODEC(ZSTD(1)),
            ResourceSchemaUrl String CODEC(ZSTD(1)),
            ScopeName String CODEC(ZSTD(1)),
            ScopeVersion String CODEC(ZSTD(1)),
            ScopeAttributes {AttributeMap} CODEC(ZSTD(1)),
            ScopeDroppedAttrCount UInt32 CODEC(ZSTD(1)),
            ScopeSchemaUrl String CODEC(ZSTD(1)),
            ServiceName LowCardinality(String) CODEC(ZSTD(1)),
            MetricName LowCardinality(String) CODEC(ZSTD(1)),
            MetricDescription String CODEC(ZSTD(1)),
            MetricUnit String CODEC(ZSTD(1)),
            Attributes {AttributeMap} CODEC(ZSTD(1)),
            StartTimeUnix DateTime CODEC(Delta, ZSTD(1)),
            TimeUnix DateTime CODEC(Delta, ZSTD(1)),
        {typeColumns}
            INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_attr_key mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_attr_value mapValues(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
            INDEX idx_time_minmax TimeUnix TYPE minmax GRANULARITY 1
        ) ENGINE = MergeTree()
        {c.Ttl("toDateTime(TimeUnix)", c.Retention.Metrics)}
        PARTITION BY toDate(TimeUnix)
        ORDER BY (ServiceName, MetricName, toStartOfHour(TimeUnix), cityHash64(Attributes), TimeUnix)
        SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
        """;
}
