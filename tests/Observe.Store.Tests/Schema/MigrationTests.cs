using System.Text;
using Observe.Store.RowBinary;
using Observe.Store.Schema;

namespace Observe.Store.Tests.Schema;

public sealed class MigrationTests
{
    private readonly IClickHouseTransport _engine = EmbeddedEngine.Shared;

    private async Task<string> QueryTextAsync(string sql) => Encoding.UTF8.GetString(await _engine.QueryAsync(sql, "TabSeparated"));

    [Fact]
    public async Task Span_row_inserted_into_otel_traces_is_found_through_the_trace_id_lookup()
    {
        var options = new StoreOptions { Database = EmbeddedEngine.NewDatabase("mig") };
        await ClickHouseStore.MigrateAsync(_engine, options);
        using var w = new RowBinaryWriter();
        // Recent: rows older than the retention TTL are dropped as they are inserted.
        w.DateTime64Nanos((ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100);
        w.String("5b8efff798038103d269b633813fc60c");
        w.String("eee19b7ec3c1b174");
        w.String("");
        w.String("");
        w.String("GET /");
        w.String("Server");
        w.String("svc");
        w.Count(0);
        w.String("scope");
        w.String("1");
        w.Count(0);
        w.UInt64(5);
        w.String("Ok");
        w.String("");
        for (var i = 0; i < 7; i++)
        {
            w.Count(0);
        }
        await _engine.InsertRowBinaryAsync($"`{options.Database}`.otel_traces", OtelSchema.Traces.Columns, w.WrittenMemory);
        Assert.Equal("1\n", await QueryTextAsync($"SELECT count() FROM `{options.Database}`.otel_traces"));
        Assert.Equal("1\n", await QueryTextAsync($"SELECT count() FROM `{options.Database}`.otel_traces_trace_id_ts WHERE TraceId = '5b8efff798038103d269b633813fc60c'"));
    }
}
