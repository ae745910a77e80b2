using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Observe.Collector.Receivers.AccessLogs.Tail;

/// <summary>
/// One open log file, read by offset in fixed-size chunks. The handle keeps reading the same file
/// after its name is renamed or replaced, which is what lets the end of a rotated file be read.
/// </summary>
internal sealed class LogFileReader : IDisposable
{
    private const int ChunkBytes = 64 * 1024;

    private readonly SafeFileHandle _handle;
    private byte[] _chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private int _chunkStart;
    private int _chunkEnd;

    private LogFileReader(SafeFileHandle handle, string name, FileIdentity identity)
    {
        _handle = handle;
        Name = name;
        Identity = identity;
    }

    /// <summary>The name the file was opened by (it may have been renamed since).</summary>
    public string Name { get; }

    public FileIdentity Identity { get; }

    /// <summary>The file offset just past the bytes read so far.</summary>
    public long ReadEnd { get; private set; }

    /// <summary>Opens <paramref name="path"/> for reading at offset 0, or returns null when it does not exist.</summary>
    public static LogFileReader? TryOpen(string path)
    {
        SafeFileHandle handle;
        try
        {
            // Sharing everything: the proxy keeps writing and logrotate keeps renaming while we read.
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        try
        {
            return new LogFileReader(handle, path, FileStat.Of(handle, path).Identity);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The file's length now.</summary>
    public long Length() => FileStat.Of(_handle, Name).Length;

    /// <summary>Reading continues at <paramref name="offset"/>; the batch must restart there too.</summary>
    public void Seek(long offset)
    {
        _chunkStart = _chunkEnd = 0;
        ReadEnd = offset;
    }

    /// <summary>Whether <paramref name="offset"/> is the start of the file or just past a "\n", as every saved offset is.</summary>
    public async Task<bool> IsLineStartAsync(long offset, CancellationToken cancellationToken)
    {
        if (offset == 0)
        {
            return true;
        }
        var before = new byte[1];
        return await RandomAccess.ReadAsync(_handle, before, offset - 1, cancellationToken).ConfigureAwait(false) == 1 && before[0] == (byte)'\n';
    }

    /// <summary>Feeds the batch until it is full or the file's end is reached; returns whether any bytes were read from the file.</summary>
    public async Task<bool> FillAsync(LineBatch batch, CancellationToken cancellationToken)
    {
        var read = false;
        while (!batch.IsFull)
        {
            if (_chunkStart == _chunkEnd)
            {
                var count = await RandomAccess.ReadAsync(_handle, _chunk.AsMemory(0, ChunkBytes), ReadEnd, cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    return read;
                }
                _chunkStart = 0;
                _chunkEnd = count;
                ReadEnd += count;
                read = true;
            }
            _chunkStart += batch.Feed(_chunk.AsSpan(_chunkStart, _chunkEnd - _chunkStart));
        }
        return read;
    }

    public void Dispose()
    {
        _handle.Dispose();
        var chunk = Interlocked.Exchange(ref _chunk, []);
        if (chunk.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
