using System.Text.Json;

namespace Observe.Store.Schema;

/// <summary>Brings a database up to the newest schema and records each applied version.</summary>
public sealed class Migrator(IClickHouseTransport transport, SchemaContext context)
{
    public const string HistoryTable = "schema_migrations";

    public async Task<IReadOnlyList<Migration>> ApplyAsync(IEnumerable<Migration> migrations, CancellationToken cancellationToken = default)
    {
        var db = context.Database;
        await transport.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS `{db}`", cancellationToken: cancellationToken).ConfigureAwait(false);
        await transport.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS `{db}`.{HistoryTable} (Version UInt32, Name String, AppliedAt DateTime64(3)) ENGINE = MergeTree ORDER BY Version",
            cancellationToken: cancellationToken).ConfigureAwait(false);

        var applied = await AppliedVersionsAsync(cancellationToken).ConfigureAwait(false);
        var done = new List<Migration>();
        foreach (var migration in migrations.OrderBy(m => m.Version))
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }
            foreach (var statement in migration.Statements(context))
            {
                await transport.ExecuteAsync(statement, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            await transport.ExecuteAsync(
                $"INSERT INTO `{db}`.{HistoryTable} (Version, Name, AppliedAt) SELECT {{version:UInt32}}, {{name:String}}, now64(3)",
                new QueryParameters().Add("version", migration.Version).Add("name", migration.Name),
                cancellationToken).ConfigureAwait(false);
            done.Add(migration);
        }
        return done;
    }

    public async Task<HashSet<int>> AppliedVersionsAsync(CancellationToken cancellationToken = default)
    {
        var output = await transport.QueryAsync(
            $"SELECT DISTINCT Version FROM `{context.Database}`.{HistoryTable}", "JSONEachRow", cancellationToken: cancellationToken).ConfigureAwait(false);
        var versions = new HashSet<int>();
        foreach (var line in JsonLines.Read(output))
        {
            versions.Add(line.GetProperty("Version").GetInt32());
        }
        return versions;
    }
}
