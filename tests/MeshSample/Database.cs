using System.Diagnostics;

namespace MeshSample;

/// <summary>
/// A "database-like peer": a PostgreSQL query as a client driver's instrumentation records it, a
/// Client span with the database semantic conventions, around an operation that is only awaited.
/// The peer itself sends no telemetry, so the span is all a backend ever sees of it.
/// </summary>
public static class Database
{
    public const string SourceName = "MeshSample.Database";

    private static readonly ActivitySource Source = new(SourceName);

    public static async Task QueryAsync(string database)
    {
        // Both the older (db.system, db.name) and the current (db.system.name, db.namespace) names,
        // as instrumentations emit during the semantic conventions' migration.
        using var activity = Source.StartActivity(ActivityKind.Client, tags:
        [
            new("db.system", "postgresql"),
            new("db.system.name", "postgresql"),
            new("db.name", database),
            new("db.namespace", database),
            new("db.operation.name", "SELECT"),
        ], name: $"SELECT {database}");
        await Task.Yield();
    }
}
