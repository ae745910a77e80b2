using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using Observe.Collector.Receivers.Otlp;

namespace Observe.Collector.Tests.Receivers.Otlp;

/// <summary>Every kind of OTLP value renders to one deterministic string.</summary>
public sealed class AnyValueTextTests
{
    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(0.5, "0.5")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(-2.5e-6, "-0.0000025")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Doubles_use_the_shortest_round_trip_form(double value, string expected) =>
        Assert.Equal(expected, AnyValueText.ToText(new AnyValue { DoubleValue = value }));

    [Fact]
    public void Scalars_bytes_arrays_and_key_value_lists_render_deterministically()
    {
        Assert.Equal("", AnyValueText.ToText(new AnyValue()));
        Assert.Equal("false", AnyValueText.ToText(new AnyValue { BoolValue = false }));
        Assert.Equal("-9223372036854775808", AnyValueText.ToText(new AnyValue { IntValue = long.MinValue }));
        Assert.Equal("AAH/", AnyValueText.ToText(new AnyValue { BytesValue = ByteString.CopyFrom(0, 1, 255) }));
        var list = new AnyValue { KvlistValue = new KeyValueList() };
        list.KvlistValue.Values.Add(new KeyValue { Key = "b", Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 1 }, new AnyValue { StringValue = "<x>" } } } } });
        list.KvlistValue.Values.Add(new KeyValue { Key = "a", Value = new AnyValue { DoubleValue = 2.5 } });
        list.KvlistValue.Values.Add(new KeyValue { Key = "c" });
        Assert.Equal("{\"a\":2.5,\"b\":[1,\"<x>\"],\"c\":null}", AnyValueText.ToText(list));
    }
}
