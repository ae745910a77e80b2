namespace Observe.Store.Schema;

/// <summary>
/// One step of the schema. Statements must be idempotent (IF NOT EXISTS), so a migration that was
/// interrupted half-way is simply applied again.
/// </summary>
/// <param name="Version">Applied in ascending order; never reused once released.</param>
/// <param name="Name">What the step does, recorded beside its version.</param>
/// <param name="Statements">DDL for the target database; built from <see cref="SchemaContext"/>.</param>
public sealed record Migration(int Version, string Name, Func<SchemaContext, IReadOnlyList<string>> Statements);

/// <summary>What a migration's DDL depends on: the database and the configured retention.</summary>
public sealed record SchemaContext(string Database, RetentionOptions Retention)
{
    /// <summary>A TTL clause for a table family, or nothing when retention is unlimited.</summary>
    public string Ttl(string timeExpression, TimeSpan retention) =>
        retention == TimeSpan.Zero ? "" : $"TTL {timeExpression} + toIntervalSecond({(long)retention.TotalSeconds})";
}
