using System.Runtime.InteropServices;
using System.Text;

namespace Observe.Store.Embedded;

/// <summary>Blocking calls into chDB on one connection handle, with results copied out and freed.</summary>
internal static unsafe class ChdbCalls
{
    private const int AppendChunk = 1 << 20;

    public static string Version() => Marshal.PtrToStringUTF8((nint)ChdbNative.Version()) ?? "unknown";

    public static nint Connect(string dataPath)
    {
        var args = new[] { "clickhouse", $"--path={dataPath}" };
        var native = args.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
        try
        {
            fixed (nint* argv = native)
            {
                var handle = ChdbNative.Connect(args.Length, argv);
                if (handle == 0)
                {
                    throw new StoreConfigurationException($"chDB could not open {dataPath} (is another data path open in this process, or the directory not writable?).");
                }
                return handle;
            }
        }
        finally
        {
            foreach (var p in native)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    public static byte[] Query(nint handle, string sql, string format, QueryParameters? parameters)
    {
        var connection = *(nint*)handle;
        var query = Encoding.UTF8.GetBytes(sql);
        var formatBytes = Encoding.UTF8.GetBytes(format);
        nint result;
        fixed (byte* q = query)
        fixed (byte* f = formatBytes)
        {
            result = parameters is null || parameters.Count == 0
                ? ChdbNative.QueryN(connection, q, (nuint)query.Length, f, (nuint)formatBytes.Length)
                : QueryWithParameters(connection, q, query.Length, f, formatBytes.Length, parameters);
        }
        return TakeResult(result);
    }

    public static byte[] InsertRowBinary(nint handle, string insertSql, ReadOnlyMemory<byte> rows)
    {
        var connection = *(nint*)handle;
        var sql = Encoding.UTF8.GetBytes(insertSql);
        var format = "RowBinary"u8;
        nint stream;
        fixed (byte* q = sql)
        fixed (byte* f = format)
        {
            stream = ChdbNative.StreamInsertN(connection, q, (nuint)sql.Length, f, (nuint)format.Length);
        }
        var done = false;
        try
        {
            ThrowIfStreamFailed(stream);
            using var pin = rows.Pin();
            var data = (byte*)pin.Pointer;
            for (var offset = 0; offset < rows.Length; offset += AppendChunk)
            {
                var length = Math.Min(AppendChunk, rows.Length - offset);
                if (ChdbNative.StreamAppend(stream, data + offset, (nuint)length) != 0)
                {
                    ThrowIfStreamFailed(stream);
                    throw new ClickHouseException(0, "chDB refused the inserted rows without saying why.");
                }
            }
            done = true;
            return TakeResult(ChdbNative.StreamDone(stream));
        }
        finally
        {
            if (!done)
            {
                // Leaves the connection free for the next query instead of mid-insert.
                ChdbNative.StreamCancelInsert(stream);
            }
            ChdbNative.DestroyInsertStream(stream);
        }
    }

    private static void ThrowIfStreamFailed(nint stream)
    {
        var error = ChdbNative.StreamInsertError(stream);
        if (error is not null)
        {
            throw EmbeddedClickHouse.Error(Marshal.PtrToStringUTF8((nint)error) ?? "unknown chDB error");
        }
    }

    private static byte[] TakeResult(nint result)
    {
        if (result == 0)
        {
            throw new ClickHouseException(0, "chDB returned no result.");
        }
        try
        {
            var error = ChdbNative.ResultError(result);
            if (error is not null)
            {
                throw EmbeddedClickHouse.Error(Marshal.PtrToStringUTF8((nint)error) ?? "unknown chDB error");
            }
            var length = (int)ChdbNative.ResultLength(result);
            var buffer = ChdbNative.ResultBuffer(result);
            return length == 0 || buffer is null ? [] : new ReadOnlySpan<byte>(buffer, length).ToArray();
        }
        finally
        {
            ChdbNative.DestroyResult(result);
        }
    }

    private static nint QueryWithParameters(nint connection, byte* query, int queryLength, byte* format, int formatLength, QueryParameters parameters)
    {
        var count = parameters.Count;
        var handles = new List<GCHandle>(count * 2);
        var keys = new nint[count];
        var values = new nint[count];
        var keyLengths = new nuint[count];
        var valueLengths = new nuint[count];
        try
        {
            var i = 0;
            foreach (var (name, value) in parameters)
            {
                var key = Encoding.UTF8.GetBytes(name);
                var text = Encoding.UTF8.GetBytes(QueryParameters.Escape(value));
                var keyHandle = GCHandle.Alloc(key, GCHandleType.Pinned);
                handles.Add(keyHandle);
                var valueHandle = GCHandle.Alloc(text, GCHandleType.Pinned);
                handles.Add(valueHandle);
                keys[i] = keyHandle.AddrOfPinnedObject();
                values[i] = valueHandle.AddrOfPinnedObject();
                keyLengths[i] = (nuint)key.Length;
                valueLengths[i] = (nuint)text.Length;
                i++;
            }
            fixed (nint* k = keys)
            fixed (nint* v = values)
            fixed (nuint* kl = keyLengths)
            fixed (nuint* vl = valueLengths)
            {
                return ChdbNative.QueryWithParamsN(connection, query, (nuint)queryLength, format, (nuint)formatLength, (byte**)k, kl, (byte**)v, vl, (nuint)count);
            }
        }
        finally
        {
            foreach (var handle in handles)
            {
                handle.Free();
            }
        }
    }
}
