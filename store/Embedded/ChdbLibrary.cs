namespace Observe.Store.Embedded;

/// <summary>Finds the pinned libchdb.so that <c>./observe</c> fetches into the user's cache.</summary>
public static class ChdbLibrary
{
    /// <summary>The chDB version this build is pinned to (store/Embedded/chdb.version).</summary>
    public static string PinnedVersion { get; } = ReadPinnedVersion();

    /// <summary><c>$OBSERVE_CACHE</c> or <c>~/.cache/observe</c>, then <c>chdb/&lt;version&gt;/libchdb.so</c>.</summary>
    public static string DefaultPath
    {
        get
        {
            var cache = Environment.GetEnvironmentVariable("OBSERVE_CACHE");
            if (string.IsNullOrEmpty(cache))
            {
                var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                cache = Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg, "observe");
            }
            return Path.Combine(cache, "chdb", PinnedVersion, "libchdb.so");
        }
    }

    /// <summary>The configured path, or the cache; a clear error when the file is not there.</summary>
    public static string Locate(string? configured)
    {
        var path = string.IsNullOrEmpty(configured) ? DefaultPath : configured;
        if (!File.Exists(path))
        {
            throw new StoreConfigurationException(
                $"The embedded ClickHouse library (chDB {PinnedVersion}) is not at {path}. " +
                "Run './observe fetch-chdb' (or './observe up', which fetches it) or set Store:ChdbLibrary to its path.");
        }
        return path;
    }

    private static string ReadPinnedVersion()
    {
        using var stream = typeof(ChdbLibrary).Assembly.GetManifestResourceStream("chdb.version")
            ?? throw new InvalidOperationException("chdb.version is missing from Observe.Store.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Trim();
    }
}

/// <summary>The store cannot start as configured; the message says what to change.</summary>
public sealed class StoreConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
