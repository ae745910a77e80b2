using System.Text;
using Observe.Store.RowBinary;

namespace Observe.Store.Tests.Embedded;

public sealed class EmbeddedClickHouseTests
{
    private readonly IClickHouseTransport _engine = EmbeddedEngine.Shared;
    private readonly string _db = EmbeddedEngine.NewDatabase("embedded");

    private async Task<string> QueryTextAsync(string sql, QueryParameters? parameters = null) =>
        Encoding.UTF8.GetString(await _engine.QueryAsync(sql, "TabSeparated", parameters));

    [Fact]
    public async Task RowBinary_insert_keeps_every_row_whatever_bytes_it_holds()
    {
        await _engine.ExecuteAsync($"CREATE DATABASE {_db}");
        await _engine.ExecuteAsync($"CREATE TABLE {_db}.t (a UInt64, s String, m Map(LowCardinality(String), String)) ENGINE = MergeTree ORDER BY a");
        using var rows = new RowBinaryWriter();
        // 0x0A0A and blank lines inside values are what broke inline insert data.
        for (ulong i = 0; i < 5000; i++)
        {
            rows.UInt64(i * 257);
            rows.String(i % 2 == 0 ? "line\n\nbreak" : "\0nul");
            rows.Count(1);
            rows.String("k");
            rows.String("v\n\n");
        }
        await _engine.InsertRowBinaryAsync($"{_db}.t", "a, s, m", rows.WrittenMemory);

        Assert.Equal("5000\n", await QueryTextAsync($"SELECT count() FROM {_db}.t"));
        Assert.Equal("2500\n", await QueryTextAsync($"SELECT countIf(s = 'line\\n\\nbreak') FROM {_db}.t"));
        Assert.Equal("5000\n", await QueryTextAsync($"SELECT countIf(m['k'] = 'v\\n\\n') FROM {_db}.t"));
    }
}
