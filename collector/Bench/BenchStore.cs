using Observe.Store;

namespace Observe.Collector.Bench;

/// <summary>A fresh, migrated embedded store in a temporary directory of its own; disposing it deletes the directory.</summary>
internal sealed class BenchStore : IAsyncDisposable
{
    private BenchStore(string directory, StoreOptions options, IClickHouseTransport engine)
    {
        Directory = directory;
        Options = options;
        Engine = engine;
    }

    /// <summary>Where the store's data lives (under <c>data/</c>); room for the bench's own files too.</summary>
    public string Directory { get; }

    public StoreOptions Options { get; }

    public IClickHouseTransport Engine { get; }

    public static async Task<BenchStore> OpenAsync(string name, string database, CancellationToken cancellationToken)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"observe-bench-{name}-").FullName;
        var options = new StoreOptions { DataPath = Path.Combine(directory, "data"), Database = database };
        IClickHouseTransport? engine = null;
        try
        {
            engine = ClickHouseStore.Open(options);
            await ClickHouseStore.MigrateAsync(engine, options, cancellationToken).ConfigureAwait(false);
            return new BenchStore(directory, options, engine);
        }
        catch
        {
            if (engine is not null)
            {
                await engine.DisposeAsync().ConfigureAwait(false);
            }
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync().ConfigureAwait(false);
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
