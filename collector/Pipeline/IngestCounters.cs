using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Observe.Store.RowBinary;
using Observe.Store.Schema;

namespace Observe.Collector.Pipeline;

/// <summary>
/// What the collector received, refused and wrote, as instruments of the <c>Observe.Collector</c>
/// meter (self-telemetry) and as totals for <c>/api/v1/stats</c>.
/// </summary>
internal sealed class IngestCounters : IDisposable
{
    public const string MeterName = "Observe.Collector";
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _received;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _written;
    private readonly Counter<long> _unparsed;
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public IngestCounters()
    {
        _received = _meter.CreateCounter<long>("observe.ingest.received", "{item}", "Items (spans, data points, log records) decoded from requests.");
        _rejected = _meter.CreateCounter<long>("observe.ingest.rejected", "{item}", "Items rejected as invalid (partial success) or in undecodable requests.");
        _refused = _meter.CreateCounter<long>("observe.ingest.refused", "{row}", "Rows refused with a retry hint: queue full or store failing.");
        _unparsed = _meter.CreateCounter<long>("observe.ingest.unparsed", "{line}", "Access-log lines that did not parse; they are kept raw in otel_logs.");
        _written = _meter.CreateCounter<long>("observe.ingest.written", "{row}", "Rows committed to the store.");
    }

    public IReadOnlyDictionary<string, long> Totals => _totals;

    public void Received(string signal, long items) => Add(_received, "received", signal, items);

    public void Rejected(string signal, long items) => Add(_rejected, "rejected", signal, items);

    public void Unparsed(string signal, long lines) => Add(_unparsed, "unparsed", signal, lines);

    public void Refused(long rows) => Add(_refused, "refused", null, rows);

    /// <summary>Rows of requests whose insert failed; they were answered with a retry hint too.</summary>
    public void Failed(long rows) => Add(_refused, "failed", null, rows);

    public void Written(IEnumerable<(TableSpec Table, RowBinaryWriter Writer, int Rows)> tables)
    {
        foreach (var (table, _, rows) in tables)
        {
            Add(_written, "written", table.Name, rows);
        }
    }

    public void Dispose() => _meter.Dispose();

    private void Add(Counter<long> counter, string name, string? dimension, long value)
    {
        if (value == 0)
        {
            return;
        }
        var key = dimension is null ? name : $"{name}.{dimension}";
        _totals.AddOrUpdate(key, value, (_, total) => total + value);
        if (dimension is null)
        {
            counter.Add(value);
        }
        else
        {
            counter.Add(value, new KeyValuePair<string, object?>("kind", dimension));
        }
    }
}
