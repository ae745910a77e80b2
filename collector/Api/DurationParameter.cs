using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Observe.Collector.Api;

/// <summary>Durations in query strings and answers: a whole number and a unit, as 500ms, 10s, 1m, 6h, 7d.</summary>
internal static class DurationParameter
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }
        if (digits == 0 || digits > 9 || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }
        TimeSpan? unit = text[digits..] switch
        {
            "ms" => TimeSpan.FromMilliseconds(1),
            "s" => TimeSpan.FromSeconds(1),
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            "d" => TimeSpan.FromDays(1),
            _ => null,
        };
        if (unit is null)
        {
            return false;
        }
        duration = unit.Value * value;
        return true;
    }

    /// <summary>The largest unit that divides the duration exactly.</summary>
    public static string Format(TimeSpan duration) => duration switch
    {
        _ when duration.Ticks % TimeSpan.TicksPerDay == 0 && duration > TimeSpan.Zero => $"{duration.Ticks / TimeSpan.TicksPerDay}d",
        _ when duration.Ticks % TimeSpan.TicksPerHour == 0 && duration > TimeSpan.Zero => $"{duration.Ticks / TimeSpan.TicksPerHour}h",
        _ when duration.Ticks % TimeSpan.TicksPerMinute == 0 && duration > TimeSpan.Zero => $"{duration.Ticks / TimeSpan.TicksPerMinute}m",
        _ when duration.Ticks % TimeSpan.TicksPerSecond == 0 => $"{duration.Ticks / TimeSpan.TicksPerSecond}s",
        _ => $"{duration.Ticks / TimeSpan.TicksPerMillisecond}ms",
    };

    /// <summary>Writes durations in answers the way they are written in queries.</summary>
    internal sealed class JsonConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TryParse(reader.GetString(), out var duration) ? duration : throw new JsonException($"'{reader.GetString()}' is not a duration such as 10s or 1m");

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteStringValue(Format(value));
    }
}
