using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Observe.Store.RowBinary;

/// <summary>
/// Encodes values in ClickHouse's RowBinary format straight into a pooled buffer, so an insert
/// carries typed binary rows and never SQL text built from input.
/// </summary>
/// <remarks>
/// RowBinary is little-endian and positional: the caller writes the columns of each row in the
/// order of the insert's column list. Strings and arrays are prefixed by their length as a LEB128
/// varint; Map is an array of key/value pairs; LowCardinality(T) is written as T; DateTime64(9)
/// is an Int64 of nanoseconds.
/// </remarks>
public sealed class RowBinaryWriter : IDisposable
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private byte[] _buffer;
    private int _length;

    public RowBinaryWriter(int initialCapacity = 64 * 1024)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    /// <summary>Number of bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The encoded rows; valid until the next write or <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Drops everything written after <paramref name="length"/>, e.g. a row that failed half-way.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _length = length;
    }

    public void UInt8(byte value) => Reserve(1)[0] = value;

    public void Bool(bool value) => UInt8(value ? (byte)1 : (byte)0);

    public void UInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    public void Int16(short value) => BinaryPrimitives.WriteInt16LittleEndian(Reserve(2), value);

    public void Int32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void UInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void Int64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    public void UInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    public void Float64(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    /// <summary>A DateTime64(9) from nanoseconds since the Unix epoch.</summary>
    public void DateTime64Nanos(ulong unixNanos) => Int64(unchecked((long)unixNanos));

    /// <summary>A DateTime (seconds precision) from seconds since the Unix epoch.</summary>
    public void DateTimeSeconds(uint unixSeconds) => UInt32(unixSeconds);

    /// <summary>LEB128 length prefix used by String, Array and Map.</summary>
    public void VarUInt(ulong value)
    {
        var span = Reserve(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        _length -= 10 - i;
    }

    public void String(ReadOnlySpan<byte> utf8)
    {
        VarUInt((ulong)utf8.Length);
        utf8.CopyTo(Reserve(utf8.Length));
    }

    public void String(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            UInt8(0);
            return;
        }
        // Encode into place after a worst-case varint, then move the bytes down if the varint is shorter.
        var max = Utf8NoBom.GetMaxByteCount(value.Length);
        var prefixMax = VarUIntSize((ulong)max);
        var start = _length;
        var span = Reserve(prefixMax + max);
        var written = Utf8NoBom.GetBytes(value, span[prefixMax..]);
        var prefix = VarUIntSize((ulong)written);
        if (prefix != prefixMax)
        {
            span.Slice(prefixMax, written).CopyTo(span[prefix..]);
        }
        _length = start;
        VarUInt((ulong)written);
        _length = start + prefix + written;
    }

    public void String(string? value) => String(value.AsSpan());

    /// <summary>Bytes rendered as a lower-case hex string (the form trace and span ids are stored in).</summary>
    public void HexString(ReadOnlySpan<byte> bytes)
    {
        VarUInt((ulong)bytes.Length * 2);
        var span = Reserve(bytes.Length * 2);
        for (var i = 0; i < bytes.Length; i++)
        {
            span[2 * i] = HexDigit(bytes[i] >> 4);
            span[2 * i + 1] = HexDigit(bytes[i] & 0xF);
        }
    }

    /// <summary>Appends bytes that are already RowBinary, e.g. another writer's rows.</summary>
    public void Raw(ReadOnlySpan<byte> rowBinary) => rowBinary.CopyTo(Reserve(rowBinary.Length));

    /// <summary>Writes the element count that starts an Array or Map value.</summary>
    public void Count(int count) => VarUInt((ulong)count);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static int VarUIntSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Grow(count);
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void Grow(int count)
    {
        var needed = (long)_length + count;
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException($"RowBinary batch would exceed {Array.MaxLength} bytes.");
        }
        var size = (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)_buffer.Length * 2));
        var next = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(next);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = next;
    }
}
