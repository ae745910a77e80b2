using Observe.Store;


namespace Observe.Tests;

/// <summary>
/// The one chDB engine of the test process (chDB holds one data path per process). Tests isolate
/// themselves by database name, never by data directory.
/// </summary>
public static class EmbeddedEngine
{
    private static readonly Lazy<IClickHouseTransport> Engine = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"observe-tests-{Environment.ProcessId}");
        return ClickHouseStore.Open(new StoreOptions { DataPath = path });
    });

    public static IClickHouseTransport Shared => Engine.Value;

    /// <summary>A database name no other test uses.</summary>
    public static string NewDatabase(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
}
