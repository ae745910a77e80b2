using System.Buffers;
using System.IO.Compression;

namespace Observe.Collector.Receivers;

/// <summary>A request body read into a pooled buffer, never more than a set number of bytes.</summary>
internal sealed class PayloadBuffer : IDisposable
{
    private byte[] _buffer;

    private PayloadBuffer(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>Reads the whole stream; throws <see cref="PayloadTooLargeException"/> past <paramref name="limit"/> bytes.</summary>
    public static async Task<PayloadBuffer> ReadAsync(Stream stream, long limit, long? expectedLength, CancellationToken cancellationToken)
    {
        if (expectedLength > limit)
        {
            throw new PayloadTooLargeException($"the request body is {expectedLength} bytes, over the limit of {limit} bytes");
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(expectedLength ?? 16 * 1024, 1024), limit + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    buffer = Grow(buffer, length, limit);
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new PayloadBuffer(buffer, length);
                }
                length += read;
                if (length > limit)
                {
                    throw new PayloadTooLargeException($"the request body is over the limit of {limit} bytes");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Decompresses gzip data, stopping as soon as the output passes <paramref name="limit"/>, so a
    /// small "gzip bomb" cannot make the process allocate its expanded size.
    /// </summary>
    /// <summary>
    /// The body as sent under HTTP <c>Content-Encoding</c> <paramref name="encoding"/>: a gunzipped copy
    /// for gzip (the caller disposes it), null for none or identity (use the body itself).
    /// </summary>
    public static PayloadBuffer? Decode(PayloadBuffer body, string encoding, long limit)
    {
        if (string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            return Gunzip(body.Memory, limit);
        }
        if (!string.IsNullOrEmpty(encoding) && !string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnsupportedEncodingException($"Content-Encoding '{(encoding.Length <= 80 ? encoding : encoding[..80] + "…")}' is not supported; use gzip or none");
        }
        return null;
    }

    /// <summary>A 10-byte header, an empty deflate block and the 8-byte trailer.</summary>
    private const int MinimumGzipLength = 20;

    public static PayloadBuffer Gunzip(ReadOnlyMemory<byte> compressed, long limit)
    {
        // GZipStream reads a stream cut inside its header as empty rather than failing.
        if (compressed.Length < MinimumGzipLength)
        {
            throw new InvalidPayloadException($"the gzip data is corrupt: {compressed.Length} bytes, and a complete gzip stream has at least {MinimumGzipLength}");
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(compressed.Length * 4L, 4096), limit + 1));
        var length = 0;
        try
        {
            using var gzip = new GZipStream(new ReadOnlyMemoryStream(compressed), CompressionMode.Decompress);
            while (true)
            {
                if (length == buffer.Length)
                {
                    buffer = Grow(buffer, length, limit);
                }
                int read;
                try
                {
                    read = gzip.Read(buffer, length, buffer.Length - length);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidPayloadException($"the gzip data is corrupt: {e.Message}");
                }
                if (read == 0)
                {
                    return new PayloadBuffer(buffer, length);
                }
                length += read;
                if (length > limit)
                {
                    throw new PayloadTooLargeException($"the request decompresses to more than the limit of {limit} bytes");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        Length = 0;
    }

    private static byte[] Grow(byte[] buffer, int length, long limit)
    {
        // Room for one byte past the limit, so that crossing it is noticed rather than truncated.
        var size = (int)Math.Min(Math.Min((long)buffer.Length * 2, limit + 1), Array.MaxLength);
        if (size <= buffer.Length)
        {
            size = buffer.Length + 1;
        }
        var next = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(0, length).CopyTo(next);
        ArrayPool<byte>.Shared.Return(buffer);
        return next;
    }

    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> data) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, data.Length - _position);
            data.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>The request is larger than a configured limit (413 / RESOURCE_EXHAUSTED).</summary>
internal sealed class PayloadTooLargeException(string message) : Exception(message);

/// <summary>The request cannot be decoded (400 / INVALID_ARGUMENT); the message says what and where.</summary>
internal sealed class InvalidPayloadException(string message) : Exception(message);

/// <summary>A Content-Encoding other than gzip or none.</summary>
internal sealed class UnsupportedEncodingException(string message) : Exception(message);
