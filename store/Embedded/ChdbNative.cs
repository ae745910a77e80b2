using System.Reflection;
using System.Runtime.InteropServices;

namespace Observe.Store.Embedded;

/// <summary>
/// The C API of libchdb.so (chDB 26.x). A connection handle is a pointer to an opaque struct
/// pointer: <c>chdb_connect</c> returns it, queries take the struct pointer it points to.
/// Results are opaque and read through accessors.
/// </summary>
internal static unsafe partial class ChdbNative
{
    public const string Library = "chdb";

    [LibraryImport(Library, EntryPoint = "chdb_connect")]
    public static partial nint Connect(int argc, nint* argv);

    [LibraryImport(Library, EntryPoint = "chdb_close_conn")]
    public static partial void CloseConnection(nint connection);

    [LibraryImport(Library, EntryPoint = "chdb_query_n")]
    public static partial nint QueryN(nint connection, byte* query, nuint queryLength, byte* format, nuint formatLength);

    [LibraryImport(Library, EntryPoint = "chdb_query_with_params_n")]
    public static partial nint QueryWithParamsN(
        nint connection, byte* query, nuint queryLength, byte* format, nuint formatLength,
        byte** keys, nuint* keyLengths, byte** values, nuint* valueLengths, nuint count);

    [LibraryImport(Library, EntryPoint = "chdb_stream_insert_n")]
    public static partial nint StreamInsertN(nint connection, byte* insertSql, nuint insertSqlLength, byte* format, nuint formatLength);

    [LibraryImport(Library, EntryPoint = "chdb_stream_append")]
    public static partial int StreamAppend(nint stream, byte* data, nuint length);

    [LibraryImport(Library, EntryPoint = "chdb_stream_done")]
    public static partial nint StreamDone(nint stream);

    [LibraryImport(Library, EntryPoint = "chdb_stream_insert_error")]
    public static partial byte* StreamInsertError(nint stream);

    [LibraryImport(Library, EntryPoint = "chdb_stream_cancel_insert")]
    public static partial void StreamCancelInsert(nint stream);

    [LibraryImport(Library, EntryPoint = "chdb_destroy_insert_stream")]
    public static partial void DestroyInsertStream(nint stream);

    [LibraryImport(Library, EntryPoint = "chdb_result_buffer")]
    public static partial byte* ResultBuffer(nint result);

    [LibraryImport(Library, EntryPoint = "chdb_result_length")]
    public static partial nuint ResultLength(nint result);

    [LibraryImport(Library, EntryPoint = "chdb_result_error")]
    public static partial byte* ResultError(nint result);

    [LibraryImport(Library, EntryPoint = "chdb_destroy_query_result")]
    public static partial void DestroyResult(nint result);

    [LibraryImport(Library, EntryPoint = "chdb_version")]
    public static partial byte* Version();

    private static string? _resolvedPath;

    /// <summary>
    /// Points the <c>chdb</c> import at a file; the 570 MB library stays where it was fetched
    /// instead of being copied into every output folder.
    /// </summary>
    public static void UseLibrary(string path)
    {
        lock (typeof(ChdbNative))
        {
            if (_resolvedPath is not null)
            {
                if (!string.Equals(_resolvedPath, path, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"libchdb.so is already loaded from {_resolvedPath}; one process loads one copy.");
                }
                return;
            }
            NativeLibrary.SetDllImportResolver(typeof(ChdbNative).Assembly, Resolve);
            _resolvedPath = path;
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Library && _resolvedPath is not null ? NativeLibrary.Load(_resolvedPath) : 0;
}
