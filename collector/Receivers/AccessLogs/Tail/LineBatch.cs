using System.Buffers;

namespace Observe.Collector.Receivers.AccessLogs.Tail;

/// <summary>
/// Splits a file's bytes into lines and collects the complete ones until the batch is full. The
/// incomplete line at the end is kept (at most MaxLineBytes + 1 of its bytes, enough to tell a cut
/// line from one that exactly fits) until the bytes that complete it arrive. All lines of a batch
/// share one pooled buffer, reused once they are delivered.
/// </summary>
internal sealed class LineBatch : IDisposable
{
    private const int InitialBytes = 64 * 1024;

    private readonly int _maxLineBytes;
    private readonly int _maxLines;
    private readonly int _maxBytes;
    private readonly List<Line> _lines = [];
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBytes);
    private int _linesEnd;
    private int _pendingLength;
    private bool _pendingCut;
    private bool _full;
    private long _pendingOffset;

    public LineBatch(int maxLineBytes, int maxLines, int maxBytes)
    {
        _maxLineBytes = maxLineBytes;
        _maxLines = maxLines;
        _maxBytes = maxBytes;
    }

    public int Count => _lines.Count;

    /// <summary>No more lines fit: deliver these first.</summary>
    public bool IsFull => _full || _lines.Count >= _maxLines || _linesEnd >= _maxBytes;

    /// <summary>The file offset just past the last complete line, where reading resumes once the batch is delivered.</summary>
    public long LinesEnd { get; private set; }

    /// <summary>The file offset just past the last byte fed.</summary>
    public long FedEnd { get; private set; }

    /// <summary>Bytes were fed after the last complete line.</summary>
    public bool HasIncompleteLine => FedEnd > _pendingOffset;

    /// <summary>The complete lines, valid until <see cref="Delivered"/> or <see cref="Restart"/>.</summary>
    public IReadOnlyList<TailedLine> Lines()
    {
        var lines = new TailedLine[_lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = _lines[i];
            lines[i] = new TailedLine(_buffer.AsMemory(line.Start, line.Length), line.Offset, line.Truncated);
        }
        return lines;
    }

    /// <summary>Forgets everything: the next byte fed is at <paramref name="offset"/> in the file.</summary>
    public void Restart(long offset)
    {
        _lines.Clear();
        _linesEnd = 0;
        _pendingLength = 0;
        _pendingCut = false;
        _full = false;
        _pendingOffset = LinesEnd = FedEnd = offset;
        if (_buffer.Length > InitialBytes)
        {
            Replace(ArrayPool<byte>.Shared.Rent(InitialBytes));
        }
    }

    /// <summary>Takes lines from <paramref name="bytes"/>, which follow the bytes fed before; returns how many it used (fewer once full).</summary>
    public int Feed(ReadOnlySpan<byte> bytes)
    {
        var used = 0;
        while (used < bytes.Length && !IsFull)
        {
            var rest = bytes[used..];
            var newline = rest.IndexOf((byte)'\n');
            var piece = newline < 0 ? rest : rest[..newline];
            var keep = Math.Min(piece.Length, _maxLineBytes + 1 - _pendingLength);
            if (_lines.Count > 0 && _linesEnd + _pendingLength + keep > _maxBytes)
            {
                // The line would take the batch past MaxBatchBytes: the lines before it go first.
                _full = true;
                break;
            }
            Append(piece[..keep]);
            _pendingCut |= keep < piece.Length;
            used += piece.Length;
            FedEnd += piece.Length;
            if (newline < 0)
            {
                break;
            }
            used++;
            FedEnd++;
            CompleteLine();
        }
        return used;
    }

    /// <summary>
    /// Ends the incomplete line where the bytes fed end, for a file that will not be read further
    /// (rotated away): delivering the fragment beats dropping it.
    /// </summary>
    public void EndIncompleteLine()
    {
        if (HasIncompleteLine)
        {
            CompleteLine();
        }
    }

    /// <summary>The complete lines were delivered: drop them and keep the incomplete one.</summary>
    public void Delivered()
    {
        var used = _linesEnd + _pendingLength;
        if (_buffer.Length > InitialBytes && used < _buffer.Length / 4)
        {
            // A burst grew the buffer; quieter batches need no more than a quarter of it.
            var smaller = ArrayPool<byte>.Shared.Rent(Math.Max(InitialBytes, _pendingLength));
            _buffer.AsSpan(_linesEnd, _pendingLength).CopyTo(smaller);
            Replace(smaller);
        }
        else
        {
            _buffer.AsSpan(_linesEnd, _pendingLength).CopyTo(_buffer);
        }
        _lines.Clear();
        _linesEnd = 0;
        _full = false;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        var end = _linesEnd + _pendingLength;
        var needed = end + bytes.Length;
        if (needed > _buffer.Length)
        {
            // Bounded by construction: the larger of MaxBatchBytes and MaxLineBytes + 1 (see Feed).
            var grown = ArrayPool<byte>.Shared.Rent((int)Math.Max(needed, Math.Min(_buffer.Length * 2L, Math.Max(_maxBytes, _maxLineBytes + 1))));
            _buffer.AsSpan(0, end).CopyTo(grown);
            Replace(grown);
        }
        bytes.CopyTo(_buffer.AsSpan(end));
        _pendingLength += bytes.Length;
    }

    private void CompleteLine()
    {
        var length = _pendingLength;
        if (!_pendingCut && length > 0 && _buffer[_linesEnd + length - 1] == (byte)'\r')
        {
            length--;
        }
        var truncated = _pendingCut || length > _maxLineBytes;
        if (truncated)
        {
            length = _maxLineBytes;
        }
        _lines.Add(new Line(_linesEnd, length, _pendingOffset, truncated));
        _linesEnd += length;
        _pendingLength = 0;
        _pendingCut = false;
        _pendingOffset = LinesEnd = FedEnd;
    }

    private void Replace(byte[] buffer)
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = buffer;
    }

    private readonly record struct Line(int Start, int Length, long Offset, bool Truncated);
}
