using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using Observe.Store.RowBinary;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>
/// Renders OTLP values as the strings the ClickHouse tables hold, the way the OpenTelemetry
/// Collector's exporter renders them: strings as they are, booleans as true/false, integers in
/// decimal, doubles in their shortest round-trip form, bytes as base64, and arrays and key-value
/// lists as JSON (keys sorted), so the same value always gives the same text.
/// </summary>
internal static class AnyValueText
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _json;

    /// <summary>Writes <paramref name="value"/> as a RowBinary String.</summary>
    public static void Write(RowBinaryWriter writer, AnyValue? value)
    {
        switch (value?.ValueCase ?? AnyValue.ValueOneofCase.None)
        {
            case AnyValue.ValueOneofCase.StringValue:
                writer.String(value!.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                writer.String(value!.BoolValue ? "true"u8 : "false"u8);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                Span<byte> digits = stackalloc byte[24];
                value!.IntValue.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
                writer.String(digits[..length]);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                writer.String(FormatDouble(value!.DoubleValue));
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                writer.String(Convert.ToBase64String(value!.BytesValue.Span));
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
            case AnyValue.ValueOneofCase.KvlistValue:
                var buffer = _json ??= new ArrayBufferWriter<byte>(256);
                buffer.ResetWrittenCount();
                using (var json = new Utf8JsonWriter(buffer, JsonOptions))
                {
                    WriteJson(json, value!);
                }
                writer.String(buffer.WrittenSpan);
                break;
            default:
                writer.String(ReadOnlySpan<byte>.Empty);
                break;
        }
    }

    /// <summary>The same rendering as a .NET string, for callers outside RowBinary.</summary>
    public static string ToText(AnyValue? value)
    {
        if (value?.ValueCase == AnyValue.ValueOneofCase.StringValue)
        {
            return value.StringValue;
        }
        using var writer = new RowBinaryWriter(256);
        Write(writer, value);
        var span = writer.WrittenSpan;
        var prefix = 0;
        while ((span[prefix] & 0x80) != 0)
        {
            prefix++;
        }
        return Encoding.UTF8.GetString(span[(prefix + 1)..]);
    }

    /// <summary>
    /// Writes attributes as a Map(String, String): keys sorted in ordinal order and, for a key sent
    /// twice, the last value, so equal attribute sets are equal maps.
    /// </summary>
    public static void WriteMap(RowBinaryWriter writer, RepeatedField<KeyValue> attributes)
    {
        var count = attributes.Count;
        if (count == 0)
        {
            writer.Count(0);
            return;
        }
        var order = ArrayPool<KeyValue>.Shared.Rent(count);
        try
        {
            attributes.CopyTo(order, 0);
            var sorted = true;
            for (var i = 1; i < count && sorted; i++)
            {
                sorted = string.CompareOrdinal(order[i - 1].Key, order[i].Key) < 0;
            }
            if (!sorted)
            {
                // Attribute lists are short: an in-place insertion sort, stable so that "last wins"
                // below holds, and free of the allocations a general sort would make per span.
                for (var i = 1; i < count; i++)
                {
                    var item = order[i];
                    var j = i - 1;
                    while (j >= 0 && string.CompareOrdinal(order[j].Key, item.Key) > 0)
                    {
                        order[j + 1] = order[j];
                        j--;
                    }
                    order[j + 1] = item;
                }
            }
            var unique = count;
            for (var i = 1; i < count; i++)
            {
                if (order[i - 1].Key == order[i].Key)
                {
                    unique--;
                }
            }
            writer.Count(unique);
            for (var i = 0; i < count; i++)
            {
                if (i + 1 < count && order[i].Key == order[i + 1].Key)
                {
                    continue;
                }
                writer.String(order[i].Key);
                Write(writer, order[i].Value);
            }
        }
        finally
        {
            ArrayPool<KeyValue>.Shared.Return(order, clearArray: true);
        }
    }

    /// <summary>The value of a string-valued attribute, e.g. service.name, or "" when absent.</summary>
    public static string Find(RepeatedField<KeyValue> attributes, string key)
    {
        for (var i = attributes.Count - 1; i >= 0; i--)
        {
            if (attributes[i].Key == key)
            {
                return ToText(attributes[i].Value);
            }
        }
        return "";
    }

    /// <summary>
    /// Shortest round-trip digits; plain notation between 1e-6 and 1e21, exponent notation outside
    /// (as JSON numbers are commonly printed), and NaN, +Inf, -Inf by name.
    /// </summary>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var abs = Math.Abs(value);
        var exponentForm = abs != 0 && (abs < 1e-6 || abs >= 1e21);
        var e = shortest.IndexOf('E');
        if (exponentForm)
        {
            if (e < 0)
            {
                return shortest;
            }
            var exponent = int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return $"{shortest[..e]}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent)}";
        }
        if (e < 0)
        {
            return shortest;
        }
        return ((decimal)value).ToString(CultureInfo.InvariantCulture) switch
        {
            var d when d.Contains('.') => d.TrimEnd('0').TrimEnd('.'),
            var d => d,
        };
    }

    private static void WriteJson(Utf8JsonWriter json, AnyValue value)
    {
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                json.WriteStringValue(value.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                json.WriteBooleanValue(value.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                json.WriteNumberValue(value.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                if (double.IsFinite(value.DoubleValue))
                {
                    json.WriteRawValue(FormatDouble(value.DoubleValue), skipInputValidation: true);
                }
                else
                {
                    json.WriteStringValue(FormatDouble(value.DoubleValue));
                }
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                json.WriteBase64StringValue(value.BytesValue.Span);
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                json.WriteStartArray();
                foreach (var item in value.ArrayValue.Values)
                {
                    WriteJson(json, item);
                }
                json.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                json.WriteStartObject();
                var seen = new Dictionary<string, AnyValue>(StringComparer.Ordinal);
                foreach (var pair in value.KvlistValue.Values)
                {
                    seen[pair.Key] = pair.Value;
                }
                foreach (var key in seen.Keys.Order(StringComparer.Ordinal))
                {
                    json.WritePropertyName(key);
                    WriteJson(json, seen[key] ?? new AnyValue());
                }
                json.WriteEndObject();
                break;
            default:
                json.WriteNullValue();
                break;
        }
    }
}
