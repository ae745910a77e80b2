using System.Text;
using Observe.Store.RowBinary;

namespace Observe.Store.Tests.Http;

/// <summary>The HTTP transport's protocol handling against a real ClickHouse server.</summary>
public sealed class HttpClickHouseTests(ClickHouseServer server) : IClassFixture<ClickHouseServer>
{
    private IClickHouseTransport Open(string? password = ClickHouseServer.Password, string? url = null) => ClickHouseStore.Open(new StoreOptions
    {
        Url = url ?? server.Url,
        User = ClickHouseServer.User,
        Password = password,
        QueryTimeout = TimeSpan.FromSeconds(10),
    });

    [Fact]
    public async Task RowBinary_insert_into_a_plain_table_round_trips()
    {
        await using var store = Open();
        var table = EmbeddedEngine.NewDatabase("rb");
        await store.ExecuteAsync($"CREATE TABLE default.{table} (a UInt64, s String, d Float64, tags Array(String)) ENGINE = MergeTree ORDER BY a");
        using var rows = new RowBinaryWriter();
        for (var i = 0; i < 1000; i++)
        {
            rows.UInt64((ulong)i);
            rows.String(i % 3 == 0 ? "tab\there\nand\0nul" : $"row {i} – ünïcode");
            rows.Float64(i / 4.0);
            rows.Count(2);
            rows.String("x");
            rows.String(new string('y', i % 200));
        }
        await store.InsertRowBinaryAsync($"default.{table}", "a, s, d, tags", rows.WrittenMemory);

        var summary = Encoding.UTF8.GetString(await store.QueryAsync($"SELECT count(), sum(a), sum(d), countIf(s = 'tab\\there\\nand\\0nul'), max(length(tags[2])) FROM default.{table}", "TabSeparated"));
        Assert.Equal("1000\t499500\t124875\t334\t199\n", summary);
        var json = Encoding.UTF8.GetString(await store.QueryAsync($"SELECT s FROM default.{table} WHERE a = 1", "JSONEachRow"));
        Assert.Equal("{\"s\":\"row 1 – ünïcode\"}\n", json);
    }

    [Fact]
    public async Task Wrong_password_is_an_error_naming_the_user()
    {
        await using var store = Open(password: "wrong");
        var error = await Assert.ThrowsAsync<ClickHouseException>(() => store.ExecuteAsync("SELECT 1"));
        Assert.Equal(193, error.Code);
        Assert.Contains("Wrong password for user observe", error.Message);
    }

    [Fact]
    public async Task Engine_errors_carry_the_code_and_message()
    {
        await using var store = Open();
        var syntax = await Assert.ThrowsAsync<ClickHouseException>(() => store.QueryAsync("SELEC 1", "TabSeparated"));
        Assert.Equal(62, syntax.Code);
        Assert.Contains("Syntax error", syntax.Message);
        var missing = await Assert.ThrowsAsync<ClickHouseException>(() => store.QueryAsync("SELECT * FROM default.no_such_table", "TabSeparated"));
        Assert.Equal(60, missing.Code);
    }

    [Fact]
    public async Task Parameters_travel_as_param_url_arguments_beside_the_sql()
    {
        // 18.16 predates {name:Type} placeholders: it names the param_ argument it received,
        // which shows the value went beside the SQL, not into it.
        await using var store = Open();
        var error = await Assert.ThrowsAsync<ClickHouseException>(() =>
            store.QueryAsync("SELECT {name:String}", "TabSeparated", new QueryParameters().Add("name", "x'); DROP TABLE t; --")));
        Assert.Equal(115, error.Code);
        Assert.Contains("Unknown setting param_name", error.Message);
    }

    [Fact]
    public async Task A_closed_port_is_unavailable_not_an_engine_error()
    {
        await using var store = Open(url: $"http://127.0.0.1:{Loopback.FreePort()}");
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ExecuteAsync("SELECT 1"));
        Assert.Contains("is unreachable", error.Message);
    }
}
