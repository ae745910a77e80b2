using Google.Protobuf;
using Observe.Collector.Receivers.Otlp;
using Observe.Store;
using Observe.Store.Schema;
using Spectre.Console;

namespace Observe.Collector.Bench;

/// <summary>
/// <c>observe bench ingest</c>: OTLP/gRPC load against a separate Observe process, measured by
/// what the store holds, beside the raw engine inserting the same rows from a RowBinary file.
/// </summary>
internal static class IngestBench
{
    private const string TraceMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private const int DistinctRequests = 16;

    public sealed record Settings(int Seconds, int Connections, int StreamsPerConnection, int SpansPerRequest, long ReferenceRows);

    public static async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var now = (ulong)UnixTime.Nanos(DateTimeOffset.UtcNow);
        var random = new Random(42);
        var requests = Enumerable.Range(0, DistinctRequests).Select(_ => SpanWorkload.Request(random, settings.SpansPerRequest, now)).ToList();
        var encoded = requests.Select(r => r.ToByteArray()).ToArray();
        AnsiConsole.MarkupLine($"[bold]bench ingest[/]: {settings.Connections} connections × {settings.StreamsPerConnection} streams, " +
                               $"{settings.SpansPerRequest} spans/request ({encoded.Average(e => e.Length) / 1024:0} KiB), {settings.Seconds} s");

        Measurement server;
        await using (var process = await ServerProcess.StartAsync(cancellationToken).ConfigureAwait(false))
        {
            server = await LoadAsync(process, encoded, settings, cancellationToken).ConfigureAwait(false);
        }
        var reference = await RawEngineAsync(requests, settings.ReferenceRows, cancellationToken).ConfigureAwait(false);

        var table = new Table().AddColumns("measure", "value");
        table.AddRow("spans/s committed (counted in the store)", $"{server.RowsPerSecond:N0}");
        table.AddRow("requests answered OK / refused / failed", $"{server.Ok:N0} / {server.Refused:N0} / {server.Failed:N0}");
        table.AddRow("server CPU (cores busy, of " + Environment.ProcessorCount + ")", $"{server.ServerCores:0.00}");
        table.AddRow("load generator CPU (cores busy)", $"{server.ClientCores:0.00}");
        table.AddRow("server peak RSS", $"{server.PeakRssBytes / 1048576.0:N0} MiB");
        table.AddRow("raw engine: same rows from a RowBinary file", $"{reference:N0} rows/s");
        table.AddRow("[bold]Observe / raw engine[/]", $"[bold]{server.RowsPerSecond / reference:P0}[/]");
        AnsiConsole.Write(table);
        return 0;
    }

    private static async Task<Measurement> LoadAsync(ServerProcess server, byte[][] encoded, Settings settings, CancellationToken cancellationToken)
    {
        long ok = 0, refused = 0, failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clients = Enumerable.Range(0, settings.Connections).Select(_ => new GrpcUnaryClient(new Uri($"http://127.0.0.1:{server.GrpcPort}"))).ToList();
        var workers = clients.SelectMany((client, c) => Enumerable.Range(0, settings.StreamsPerConnection).Select(s => Task.Run(async () =>
        {
            var next = c * settings.StreamsPerConnection + s;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var reply = await client.CallAsync(TraceMethod, encoded[next++ % encoded.Length], cancellationToken: stop.Token).ConfigureAwait(false);
                    _ = reply.Status switch
                    {
                        0 => Interlocked.Increment(ref ok),
                        14 or 8 => Interlocked.Increment(ref refused),
                        _ => Interlocked.Increment(ref failed),
                    };
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }))).ToList();

        var result = await BenchWindow.MeasureAsync(server, OtelSchema.Traces.Name, "load", settings.Seconds, cancellationToken).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);
        clients.ForEach(c => c.Dispose());
        return result with { Ok = ok, Refused = refused, Failed = failed };
    }

    /// <summary>
    /// The engine alone: the same span rows, encoded once to a RowBinary file, inserted by the
    /// embedded engine in one statement into a fresh otel_traces (rows per second).
    /// </summary>
    private static async Task<double> RawEngineAsync(IReadOnlyList<OpenTelemetry.Proto.Collector.Trace.V1.ExportTraceServiceRequest> requests, long rows, CancellationToken cancellationToken)
    {
        await using var bench = await BenchStore.OpenAsync("raw", "bench", cancellationToken).ConfigureAwait(false);
        var engine = bench.Engine;
        var file = Path.Combine(bench.Directory, "spans.rowbinary");
        long written = 0;
        await using (var output = File.Create(file))
        {
            var blocks = requests.Select(r =>
            {
                using var mapped = SpanRows.Map(r).Batch;
                var (_, writer, count) = mapped.Tables.Single();
                return (Bytes: writer.WrittenSpan.ToArray(), Rows: count);
            }).ToList();
            while (written < rows)
            {
                foreach (var (bytes, count) in blocks)
                {
                    await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                    written += count;
                }
            }
        }
        var seconds = await BenchWindow.InsertFileAsync(engine, bench.Options.Database, OtelSchema.Traces, file, cancellationToken).ConfigureAwait(false);
        var stored = long.Parse(System.Text.Encoding.UTF8.GetString(await engine.QueryAsync($"SELECT count() FROM bench.{OtelSchema.Traces.Name}", "TabSeparated", cancellationToken: cancellationToken).ConfigureAwait(false)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        if (stored != written)
        {
            throw new InvalidOperationException($"the raw engine stored {stored} of {written} rows");
        }
        return written / seconds;
    }
}
