using System.Text;

namespace Observe.Store.Tests.Embedded;

public sealed class QueryParameterTests
{
    private readonly IClickHouseTransport _engine = EmbeddedEngine.Shared;

    [Theory]
    [InlineData("plain")]
    [InlineData("x'); DROP TABLE t; --")]
    [InlineData("back\\slash, tab\t, newline\n, cr\r and nul\0")]
    [InlineData("ünïcode ✓")]
    public async Task String_values_arrive_exactly_as_given(string value)
    {
        var output = await _engine.QueryAsync("SELECT {v:String} AS v", "JSONEachRow", new QueryParameters().Add("v", value));
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(value, json.RootElement.GetProperty("v").GetString());
    }

    [Fact]
    public async Task Typed_values_are_parsed_by_the_engine_as_their_placeholder_type()
    {
        var output = Encoding.UTF8.GetString(await _engine.QueryAsync(
            "SELECT {n:Int64} + 1, toTypeName({t:DateTime64(9)}), {d:Float64} * 2", "TabSeparated",
            new QueryParameters().Add("n", 41L).AddUnixNanos("t", DateTimeOffset.UnixEpoch.AddSeconds(1)).Add("d", 1.25)));
        Assert.Equal("42\tDateTime64(9)\t2.5\n", output);
    }

    [Fact]
    public void Names_that_are_not_identifiers_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new QueryParameters().Add("a b", "x"));
        Assert.Contains("'a b'", error.Message);
    }
}
