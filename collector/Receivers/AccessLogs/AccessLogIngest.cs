using Observe.Collector.Pipeline;
using Observe.Topology.AccessLogs;
using Observe.Topology.Mesh;

namespace Observe.Collector.Receivers.AccessLogs;

/// <summary>One line as received; <see cref="Truncated"/> when it was longer than the line limit and only its start was kept.</summary>
internal readonly record struct ReceivedLine(ReadOnlyMemory<byte> Bytes, bool Truncated = false);

/// <summary>What became of the lines of one request: parsed, or kept raw with the reason.</summary>
internal sealed record AccessLogResult(long Parsed, long Unparsed, IReadOnlyList<LineError> Errors);

/// <param name="Line">1-based line number within the request or batch.</param>
internal sealed record LineError(long Line, string Error);

/// <summary>
/// What every access-log receiver does with lines: parse each (format given or detected),
/// resolve it into a mesh report, keep every line raw, and return once all of it is committed.
/// </summary>
internal sealed class AccessLogIngest(IMeshRequestResolver resolver, GroupCommitter committer, IngestCounters counters, AccessLogErrors errors, TimeProvider time)
{
    public const string Signal = "accesslogs";

    /// <summary>Errors returned to the sender per request, at most; all are counted.</summary>
    private const int ErrorsPerRequest = 10;

    /// <summary>Entries that arrived already structured (Envoy's gRPC access-log service), each with its raw rendering.</summary>
    public async Task IngestRecordsAsync(
        IReadOnlyList<(AccessLogRecord Record, string Raw)> entries, ReportingProxy? proxy, LineOrigin origin, string format, CancellationToken cancellationToken)
    {
        var batch = new IngestBatch();
        try
        {
            foreach (var (record, raw) in entries)
            {
                AccessLogRows.Report(batch, resolver.Resolve(record, proxy));
                AccessLogRows.Raw(batch, System.Text.Encoding.UTF8.GetBytes(raw), record.StartTime, proxy, origin, format, null);
            }
        }
        catch
        {
            batch.Dispose();
            throw;
        }
        counters.Received(Signal, entries.Count);
        await committer.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A message of a stream that could not be read: counted and reported, since there is no line to keep.</summary>
    public void Unreadable(LineOrigin origin, string where, string error)
    {
        counters.Unparsed(Signal, 1);
        errors.Add(origin.Transport, where, error, time.GetUtcNow());
    }

    public async Task<AccessLogResult> IngestAsync(
        IReadOnlyList<ReceivedLine> lines, AccessLogFormat? format, ReportingProxy? proxy, LineOrigin origin, CancellationToken cancellationToken)
    {
        var batch = new IngestBatch();
        long parsed = 0;
        var lineErrors = new List<LineError>();
        try
        {
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                var bytes = line.Bytes.Span;
                try
                {
                    if (line.Truncated)
                    {
                        throw new AccessLogFormatException($"the line is longer than the line limit; its first {bytes.Length} bytes are kept");
                    }
                    var (record, detected) = AccessLogLine.Parse(bytes, format);
                    if (record.StartTime == default)
                    {
                        record = record with { StartTime = time.GetUtcNow() };
                    }
                    var report = resolver.Resolve(record, proxy);
                    AccessLogRows.Report(batch, report);
                    AccessLogRows.Raw(batch, bytes, record.StartTime, record.Reporter ?? proxy, origin, AccessLogLine.Name(detected), null);
                    parsed++;
                }
                catch (AccessLogFormatException e)
                {
                    var where = origin.File is null ? $"line {i + 1}" : $"{origin.File}";
                    if (lineErrors.Count < ErrorsPerRequest)
                    {
                        lineErrors.Add(new LineError(i + 1, e.Message));
                    }
                    errors.Add(origin.Transport, where, e.Message, time.GetUtcNow());
                    AccessLogRows.Raw(batch, bytes, time.GetUtcNow(), proxy, origin, format is { } f ? AccessLogLine.Name(f) : null, e.Message);
                }
            }
        }
        catch
        {
            batch.Dispose();
            throw;
        }
        var unparsed = lines.Count - parsed;
        counters.Received(Signal, lines.Count);
        counters.Unparsed(Signal, unparsed);
        await committer.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        return new AccessLogResult(parsed, unparsed, lineErrors);
    }
}
