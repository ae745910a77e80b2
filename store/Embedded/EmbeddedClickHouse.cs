using System.Threading.Channels;

namespace Observe.Store.Embedded;

/// <summary>
/// ClickHouse in this process through chDB. Queries on one chDB connection run one at a time, so
/// a small pool of connections to the same data path lets reads and inserts overlap. chDB holds
/// one data path per process: opening a second, different path fails with a clear error.
/// </summary>
internal sealed class EmbeddedClickHouse : IClickHouseTransport
{
    private static readonly object ProcessGate = new();
    private static string? _processDataPath;

    private readonly Channel<nint> _idle;
    private readonly List<nint> _handles = [];
    private int _disposed;

    public EmbeddedClickHouse(StoreOptions options)
    {
        var library = ChdbLibrary.Locate(options.ChdbLibrary);
        var dataPath = Path.GetFullPath(options.DataPath);
        Directory.CreateDirectory(dataPath);
        ChdbNative.UseLibrary(library);
        lock (ProcessGate)
        {
            if (_processDataPath is not null && _processDataPath != dataPath)
            {
                throw new StoreConfigurationException(
                    $"The embedded engine already uses {_processDataPath} in this process; chDB holds one data path per process (asked for {dataPath}).");
            }
            _idle = Channel.CreateBounded<nint>(options.EmbeddedConnections);
            try
            {
                for (var i = 0; i < options.EmbeddedConnections; i++)
                {
                    var handle = ChdbCalls.Connect(dataPath);
                    _handles.Add(handle);
                    _idle.Writer.TryWrite(handle);
                }
            }
            catch (DllNotFoundException e)
            {
                throw new StoreConfigurationException(
                    $"{library} could not be loaded ({e.Message}). Run './observe fetch-chdb' to fetch chDB {ChdbLibrary.PinnedVersion} again.", e);
            }
            _processDataPath = dataPath;
        }
        Description = $"embedded chDB {ChdbCalls.Version()} at {dataPath}";
    }

    public string Description { get; }

    public async Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        await WithConnectionAsync(handle => ChdbCalls.Query(handle, sql, "TabSeparated", parameters), cancellationToken).ConfigureAwait(false);

    public Task<byte[]> QueryAsync(string sql, string format, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(handle => ChdbCalls.Query(handle, sql, format, parameters), cancellationToken);

    /// <summary>
    /// Rows go through chDB's insert stream, which takes binary data as it is. (Inline data after
    /// the statement text is cut at the first blank line, which RowBinary bytes can contain.)
    /// </summary>
    public async Task InsertRowBinaryAsync(string table, string columns, ReadOnlyMemory<byte> rows, CancellationToken cancellationToken = default) =>
        await WithConnectionAsync(handle => ChdbCalls.InsertRowBinary(handle, $"INSERT INTO {table} ({columns})", rows), cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return ValueTask.CompletedTask;
        }
        _idle.Writer.TryComplete();
        // chDB keeps the engine for the process; connections are closed, the data path stays claimed.
        foreach (var handle in _handles)
        {
            ChdbNative.CloseConnection(handle);
        }
        _handles.Clear();
        return ValueTask.CompletedTask;
    }

    private async Task<T> WithConnectionAsync<T>(Func<nint, T> call, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed == 1, this);
        var handle = await _idle.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A chDB call blocks its thread until it is done and cannot be cancelled midway.
            return await Task.Run(() => call(handle), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _idle.Writer.TryWrite(handle);
        }
    }

    /// <summary>chDB nests the same exception several times; keep the code and the innermost message.</summary>
    internal static ClickHouseException Error(string message)
    {
        var code = 0;
        if (message.StartsWith("Code: ", StringComparison.Ordinal))
        {
            var end = message.IndexOf('.', 6);
            _ = end > 6 && int.TryParse(message.AsSpan(6, end - 6), out code);
        }
        const string marker = "DB::Exception: ";
        var start = message.LastIndexOf(marker, StringComparison.Ordinal);
        var text = start < 0 ? message : message[(start + marker.Length)..];
        var version = text.IndexOf(" (version ", StringComparison.Ordinal);
        if (version > 0)
        {
            text = text[..version];
        }
        return new ClickHouseException(code, code == 0 ? text : $"Code: {code}. {text}");
    }
}
