using Observe.Store.Embedded;
using Observe.Store.Http;
using Observe.Store.Schema;

namespace Observe.Store;

/// <summary>Opens the configured engine and brings its schema up to date.</summary>
public static class ClickHouseStore
{
    /// <summary>The embedded engine when <see cref="StoreOptions.Url"/> is empty, else the HTTP transport.</summary>
    public static IClickHouseTransport Open(StoreOptions options)
    {
        options.Validate();
        return string.IsNullOrEmpty(options.Url) ? new EmbeddedClickHouse(options) : new HttpClickHouse(options);
    }

    /// <summary>Every migration Observe knows, in order.</summary>
    public static IReadOnlyList<Migration> Migrations { get; } = [.. OtelSchema.Migrations, Mesh.MeshSchema.Migration, Mesh.MeshSchema.PairingMigration, Mesh.MeshSchema.GraphMigration, Mesh.SpanSchema.Migration, Slo.SloSchema.Migration, Scaling.ScalingSchema.Migration, Mesh.SpanSchema.AdjustedCountMigration];

    /// <summary>Applies what is missing; returns the versions applied now.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(IClickHouseTransport transport, StoreOptions options, CancellationToken cancellationToken = default)
    {
        var applied = await Migrator(transport, options).ApplyAsync(Migrations, cancellationToken).ConfigureAwait(false);
        return applied.Select(m => m.Version).ToList();
    }

    /// <summary>True when every known migration is recorded as applied.</summary>
    public static async Task<bool> IsMigratedAsync(IClickHouseTransport transport, StoreOptions options, CancellationToken cancellationToken = default)
    {
        var applied = await Migrator(transport, options).AppliedVersionsAsync(cancellationToken).ConfigureAwait(false);
        return Migrations.All(m => applied.Contains(m.Version));
    }

    private static Migrator Migrator(IClickHouseTransport transport, StoreOptions options) =>
        new(transport, new SchemaContext(options.Database, options.Retention));
}
