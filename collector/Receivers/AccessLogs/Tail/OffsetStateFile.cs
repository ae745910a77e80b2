using System.Buffers;
using System.Text.Json;

namespace Observe.Collector.Receivers.AccessLogs.Tail;

/// <summary>
/// The offsets of every followed file in one small JSON file, keyed by configured path:
/// <c>{"version":1,"files":{"/var/log/nginx/access.log":{"device":2049,"inode":1311,"offset":81920}}}</c>.
/// Every save rewrites it whole and atomically (temporary file, fsync, rename), so a crash leaves
/// the previous or the new state, never a torn one.
/// </summary>
internal sealed class OffsetStateFile
{
    private const int Version = 1;

    private readonly string _path;
    private readonly Dictionary<string, TailPosition> _positions;
    private readonly SemaphoreSlim _writing = new(1, 1);

    private OffsetStateFile(string path, Dictionary<string, TailPosition> positions)
    {
        _path = path;
        _positions = positions;
    }

    public string Path => _path;

    /// <summary>Reads the state; a missing file is an empty state, an unreadable one an error (guessing would skip or repeat lines).</summary>
    public static async Task<OffsetStateFile> LoadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new OffsetStateFile(path, new Dictionary<string, TailPosition>(StringComparer.Ordinal));
        }
        try
        {
            return new OffsetStateFile(path, Parse(bytes));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new InvalidDataException(
                $"The access-log offsets file {path} is not valid ({e.Message}). Remove it to read the followed files from their beginning.", e);
        }
    }

    public TailPosition? Get(string file)
    {
        lock (_positions)
        {
            return _positions.TryGetValue(file, out var position) ? position : null;
        }
    }

    /// <summary>
    /// Records <paramref name="position"/> for <paramref name="file"/> and writes the state file.
    /// Not cancellable: a position the receiver acknowledged should reach the disk even at shutdown.
    /// </summary>
    public async Task SaveAsync(string file, TailPosition position)
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            byte[] bytes;
            lock (_positions)
            {
                _positions[file] = position;
                bytes = Serialize(_positions);
            }
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path))!;
            Directory.CreateDirectory(directory);
            // Same directory, so the rename is atomic. The directory itself is not fsynced: a crash
            // may keep the previous state, which repeats a batch but never skips one.
            var temporary = _path + ".tmp";
            var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, _path, overwrite: true);
        }
        finally
        {
            _writing.Release();
        }
    }

    private static byte[] Serialize(Dictionary<string, TailPosition> positions)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", Version);
            json.WriteStartObject("files");
            foreach (var (file, position) in positions.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(file);
                json.WriteNumber("device", position.File.Device);
                json.WriteNumber("inode", position.File.Inode);
                json.WriteNumber("offset", position.Offset);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static Dictionary<string, TailPosition> Parse(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var version) || version.GetInt32() != Version)
        {
            throw new InvalidDataException($"expected an object with \"version\": {Version}");
        }
        var positions = new Dictionary<string, TailPosition>(StringComparer.Ordinal);
        foreach (var file in root.GetProperty("files").EnumerateObject())
        {
            var identity = new FileIdentity(file.Value.GetProperty("device").GetUInt64(), file.Value.GetProperty("inode").GetUInt64());
            var offset = file.Value.GetProperty("offset").GetInt64();
            if (offset < 0)
            {
                throw new InvalidDataException($"'{file.Name}': negative offset {offset}");
            }
            positions[file.Name] = new TailPosition(identity, offset);
        }
        return positions;
    }
}
