namespace Observe.Store;

/// <summary>
/// One way of talking to ClickHouse: the embedded engine (chDB) in this process, or a server over
/// HTTP. Everything above the store speaks SQL with <c>{name:Type}</c> parameters and RowBinary rows
/// through this interface and does not know which engine answers.
/// </summary>
public interface IClickHouseTransport : IAsyncDisposable
{
    /// <summary>A short description for logs and errors, e.g. <c>embedded chDB at ./data</c>.</summary>
    string Description { get; }

    /// <summary>Runs a statement that returns nothing (DDL, SET-free DML).</summary>
    Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a query and returns its output in <paramref name="format"/> (e.g. JSONEachRow, RowBinary).</summary>
    Task<byte[]> QueryAsync(string sql, string format, QueryParameters? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>Inserts rows already encoded in RowBinary, in the order of <paramref name="columns"/>.</summary>
    Task InsertRowBinaryAsync(string table, string columns, ReadOnlyMemory<byte> rows, CancellationToken cancellationToken = default);
}

/// <summary>The engine answered with an error (bad SQL, type mismatch, missing table...).</summary>
public sealed class ClickHouseException(int code, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>ClickHouse's numeric error code, 0 when it could not be read from the answer.</summary>
    public int Code { get; } = code;
}

/// <summary>The engine could not be reached or did not answer in time; the same call may succeed later.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
