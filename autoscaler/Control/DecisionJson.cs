using System.Text.Json;
using System.Text.Json.Serialization;

namespace Observe.Autoscaler.Control;

/// <summary>
/// How a decision's figures and signals are written as JSON, in the <c>scaling_decisions</c> table
/// and in the API alike: camelCase names, enums as camelCase strings, durations (a pod's age) as
/// seconds, times as ISO 8601. Seconds rather than "00:01:30" so that a chart or a query can do
/// arithmetic on them without parsing.
/// </summary>
internal static class DecisionJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new SecondsConverter() },
        // A figure the scaler could not bound (∞ capacity) must not make the row unwritable.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TimeSpan.FromTicks((long)Math.Round(reader.GetDouble() * TimeSpan.TicksPerSecond));

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteNumberValue((decimal)value.Ticks / TimeSpan.TicksPerSecond);
    }
}
