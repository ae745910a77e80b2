using System.Collections.Concurrent;
using System.Text.Unicode;
using Google.Protobuf.Reflection;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>
/// proto3 requires string fields to hold UTF-8, but the C# protobuf runtime quietly replaces bad
/// bytes with U+FFFD. This walks the wire format once, guided by the message descriptors, and
/// names the first string field that is not UTF-8.
/// </summary>
internal static class Utf8FieldCheck
{
    private const int WireVarint = 0, WireFixed64 = 1, WireLengthDelimited = 2, WireFixed32 = 5;
    private static readonly ConcurrentDictionary<MessageDescriptor, Dictionary<int, FieldDescriptor>> Fields = new();

    /// <summary>Null when every string is UTF-8 (or the payload is malformed, which the parser reports); else the path of the first bad string.</summary>
    /// <remarks>The common case pays for one walk without paths; paths are built only once a bad string is known to exist.</remarks>
    public static string? FindInvalid(ReadOnlySpan<byte> payload, MessageDescriptor descriptor) =>
        Walk(payload, descriptor, null, 0) is null ? null : Walk(payload, descriptor, descriptor.Name, 0);

    /// <summary>With a null <paramref name="path"/>, returns "" for a bad string instead of its path.</summary>
    private static string? Walk(ReadOnlySpan<byte> data, MessageDescriptor descriptor, string? path, int depth)
    {
        if (depth > 64)
        {
            return null;
        }
        var fields = Fields.GetOrAdd(descriptor, d => d.Fields.InFieldNumberOrder().ToDictionary(f => f.FieldNumber));
        var counts = path is null ? null : new Dictionary<int, int>();
        var position = 0;
        while (position < data.Length)
        {
            if (!TryVarint(data, ref position, out var tag))
            {
                return null;
            }
            var number = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case WireVarint:
                    if (!TryVarint(data, ref position, out _))
                    {
                        return null;
                    }
                    break;
                case WireFixed64:
                    position += 8;
                    break;
                case WireFixed32:
                    position += 4;
                    break;
                case WireLengthDelimited:
                    if (!TryVarint(data, ref position, out var length) || length > (ulong)(data.Length - position))
                    {
                        return null;
                    }
                    var value = data.Slice(position, (int)length);
                    position += (int)length;
                    if (!fields.TryGetValue(number, out var field))
                    {
                        break;
                    }
                    string? fieldPath = null;
                    if (counts is not null)
                    {
                        var index = counts.TryGetValue(number, out var seen) ? seen : 0;
                        counts[number] = index + 1;
                        fieldPath = field.IsRepeated ? $"{path}.{field.Name}[{index}]" : $"{path}.{field.Name}";
                    }
                    if (field.FieldType == FieldType.String && !Utf8.IsValid(value))
                    {
                        return fieldPath ?? "";
                    }
                    if (field.FieldType == FieldType.Message && Walk(value, field.MessageType, fieldPath, depth + 1) is { } bad)
                    {
                        return bad;
                    }
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    private static bool TryVarint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }
        return false;
    }
}
