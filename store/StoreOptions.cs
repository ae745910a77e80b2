namespace Observe.Store;

/// <summary>Where and how data is stored. Bound from the <c>Store</c> configuration section.</summary>
public sealed class StoreOptions
{
    /// <summary>
    /// A ClickHouse server's HTTP address (e.g. <c>http://localhost:8123</c>). When empty, the
    /// embedded engine (chDB) stores data under <see cref="DataPath"/>.
    /// </summary>
    public string? Url { get; set; }

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The database every table lives in; created when missing.</summary>
    public string Database { get; set; } = "observe";

    /// <summary>The embedded engine's data directory.</summary>
    public string DataPath { get; set; } = "./data";

    /// <summary>Path of libchdb.so; when empty, the cache that <c>./observe</c> fills is searched.</summary>
    public string? ChdbLibrary { get; set; }

    /// <summary>Connections the embedded engine opens; each runs one query at a time.</summary>
    public int EmbeddedConnections { get; set; } = 4;

    /// <summary>How long one query or insert may take before the store counts as unavailable.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long start-up waits for an unreachable store before giving up; zero fails at once.</summary>
    public TimeSpan StartupWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Retention per table family; <see cref="TimeSpan.Zero"/> keeps data forever.</summary>
    public RetentionOptions Retention { get; set; } = new();

    internal void Validate()
    {
        if (!Schema.Identifier.IsValid(Database))
        {
            throw new ArgumentException($"Store:Database '{Database}' must be letters, digits and '_', not starting with a digit.");
        }
        if (QueryTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Store:QueryTimeout must be positive, got {QueryTimeout}.");
        }
        if (StartupWait < TimeSpan.Zero)
        {
            throw new ArgumentException($"Store:StartupWait must not be negative, got {StartupWait}.");
        }
        if (EmbeddedConnections is < 1 or > 64)
        {
            throw new ArgumentException($"Store:EmbeddedConnections must be 1 to 64, got {EmbeddedConnections}.");
        }
        Retention.Validate();
    }
}

public sealed class RetentionOptions
{
    public TimeSpan Traces { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan Logs { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan Metrics { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The typed mesh_requests rows.</summary>
    public TimeSpan MeshRequests { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The mesh_reports staging table: proxy reports wait there to be paired into requests. Must
    /// exceed any outage of the pairing (its backlog is read from here); the raw lines stay in otel_logs.
    /// </summary>
    public TimeSpan MeshReports { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The span_calls staging table (spans wait there to be paired into requests) and the pairing's
    /// span_call_outcomes. Must exceed any outage of the span pairing; the spans stay in otel_traces.
    /// </summary>
    public TimeSpan SpanCalls { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The 10 s and 1 min rollups that topology, SLIs and the autoscaler read.</summary>
    public TimeSpan Rollups { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The slo_evaluations history: one row per SLO objective per evaluation step.</summary>
    public TimeSpan SloEvaluations { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The scaling_decisions log: one row per scaling policy per controller tick.</summary>
    public TimeSpan Decisions { get; set; } = TimeSpan.FromDays(90);

    internal void Validate()
    {
        foreach (var (name, value) in new[] { ("Traces", Traces), ("Logs", Logs), ("Metrics", Metrics), ("MeshRequests", MeshRequests), ("MeshReports", MeshReports), ("SpanCalls", SpanCalls), ("Rollups", Rollups), ("SloEvaluations", SloEvaluations), ("Decisions", Decisions) })
        {
            if (value < TimeSpan.Zero || value.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                throw new ArgumentException($"Store:Retention:{name} must be zero (keep forever) or a positive whole number of seconds, got {value}.");
            }
        }
    }
}
