using Observe.Store.RowBinary;
using Observe.Store.Schema;

namespace Observe.Collector.Pipeline;

/// <summary>
/// The rows one request adds, already encoded per table. Owned by the request until it is
/// committed, then disposed: its buffers are pooled.
/// </summary>
internal sealed class IngestBatch : IDisposable
{
    private readonly Dictionary<TableSpec, (RowBinaryWriter Writer, int Rows)> _tables = [];

    public IEnumerable<(TableSpec Table, RowBinaryWriter Writer, int Rows)> Tables =>
        _tables.Select(t => (t.Key, t.Value.Writer, t.Value.Rows));

    public int Rows => _tables.Values.Sum(t => t.Rows);

    public long Bytes => _tables.Values.Sum(t => (long)t.Writer.Length);

    /// <summary>The writer for <paramref name="table"/>; call <see cref="RowAdded"/> after each complete row.</summary>
    public RowBinaryWriter For(TableSpec table)
    {
        if (!_tables.TryGetValue(table, out var entry))
        {
            entry = (new RowBinaryWriter(16 * 1024), 0);
            _tables[table] = entry;
        }
        return entry.Writer;
    }

    public void RowAdded(TableSpec table)
    {
        var entry = _tables[table];
        _tables[table] = (entry.Writer, entry.Rows + 1);
    }

    public void Dispose()
    {
        foreach (var (writer, _) in _tables.Values)
        {
            writer.Dispose();
        }
        _tables.Clear();
    }
}
