using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Observe.Collector.Pipeline;
using Observe.Collector.Receivers.AccessLogs;
using Observe.Store;
using Observe.Store.Mesh;
using Observe.Store.Schema;
using Observe.Topology.AccessLogs;
using Observe.Topology.Mesh;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using Spectre.Console;

namespace Observe.Collector.Bench;

/// <summary>
/// <c>observe bench accesslogs</c>: pre-built Istio JSON lines posted to /api/v1/accesslogs, and
/// Istio text lines sent as OTLP logs, against a separate Observe process; lines/s committed
/// (mesh_reports rows counted in the store) beside the raw engine inserting the same rows.
/// </summary>
internal static class AccessLogBench
{
    private const int DistinctBodies = 16;

    public sealed record Settings(int Seconds, int Connections, int LinesPerRequest, long ReferenceLines);

    public static async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var random = new Random(42);
        var start = DateTimeOffset.UtcNow;
        var jsonBodies = Enumerable.Range(0, DistinctBodies).Select(b => Encoding.UTF8.GetBytes(string.Join("\n",
            Enumerable.Range(0, settings.LinesPerRequest).Select(i => JsonLine(random, start, b, i))) + "\n")).ToArray();
        var textRequests = Enumerable.Range(0, DistinctBodies).Select(b => new ExportLogsServiceRequest
        {
            ResourceLogs = { new ResourceLogs { ScopeLogs = { new ScopeLogs { LogRecords = { Enumerable.Range(0, settings.LinesPerRequest).Select(i => new LogRecord
            {
                TimeUnixNano = (ulong)UnixTime.Nanos(start),
                Body = new AnyValue { StringValue = TextLine(random, start, b, i) },
            }) } } } } },
        }.ToByteArray()).ToArray();
        AnsiConsole.MarkupLine($"[bold]bench accesslogs[/]: {settings.Connections} connections, {settings.LinesPerRequest} lines/request " +
                               $"({jsonBodies.Average(b => b.Length) / settings.LinesPerRequest:0} bytes/line), {settings.Seconds} s per transport");

        Measurement json, text;
        await using (var process = await ServerProcess.StartAsync(cancellationToken).ConfigureAwait(false))
        {
            json = await LoadAsync(process, "Istio JSON lines, POST /api/v1/accesslogs", new Uri(process.Api.BaseAddress!, AccessLogHttpEndpoint.Path).ToString(),
                jsonBodies, "application/x-ndjson", settings, cancellationToken).ConfigureAwait(false);
        }
        await using (var process = await ServerProcess.StartAsync(cancellationToken).ConfigureAwait(false))
        {
            text = await LoadAsync(process, "Istio text lines, OTLP/HTTP logs", $"http://127.0.0.1:{process.HttpPort}/v1/logs",
                textRequests, "application/x-protobuf", settings, cancellationToken).ConfigureAwait(false);
        }
        var reference = await RawEngineAsync(jsonBodies, settings.ReferenceLines, cancellationToken).ConfigureAwait(false);

        var table = new Table().AddColumns("measure", "Istio JSON (POST)", "Istio text (OTLP logs)");
        table.AddRow("lines/s committed (mesh_reports rows counted in the store)", $"{json.RowsPerSecond:N0}", $"{text.RowsPerSecond:N0}");
        table.AddRow("requests answered OK / refused / failed", $"{json.Ok:N0} / {json.Refused:N0} / {json.Failed:N0}", $"{text.Ok:N0} / {text.Refused:N0} / {text.Failed:N0}");
        table.AddRow("server CPU (cores busy, of " + Environment.ProcessorCount + ")", $"{json.ServerCores:0.00}", $"{text.ServerCores:0.00}");
        table.AddRow("load generator CPU (cores busy)", $"{json.ClientCores:0.00}", $"{text.ClientCores:0.00}");
        table.AddRow("server peak RSS", $"{json.PeakRssBytes / 1048576.0:N0} MiB", $"{text.PeakRssBytes / 1048576.0:N0} MiB");
        table.AddRow("raw engine: same mesh_reports + otel_logs rows from RowBinary files", $"{reference:N0} lines/s", "");
        table.AddRow("[bold]Observe / raw engine[/]", $"[bold]{json.RowsPerSecond / reference:P0}[/]", $"[bold]{text.RowsPerSecond / reference:P0}[/]");
        AnsiConsole.Write(table);
        return 0;
    }

    private static readonly string[] Workloads = ["productpage-v1", "reviews-v1", "reviews-v2", "reviews-v3", "ratings-v1", "details-v1"];

    /// <summary>A line of Istio's JSON encoding; half caller's, half callee's reports, some failing.</summary>
    private static string JsonLine(Random random, DateTimeOffset start, int body, int line)
    {
        var target = Workloads[random.Next(1, Workloads.Length)];
        var service = target[..target.IndexOf('-')];
        var inbound = random.Next(2) == 0;
        var status = random.Next(100) < 2 ? 503 : 200;
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["start_time"] = start.AddMilliseconds(line).ToString("yyyy-MM-ddTHH:mm:ss.fff'Z'"),
            ["method"] = "GET", ["path"] = $"/{service}/{random.Next(1000)}", ["protocol"] = "HTTP/1.1",
            ["response_code"] = status, ["response_flags"] = status == 503 ? "UF" : "-", ["response_code_details"] = "via_upstream",
            ["connection_termination_details"] = null, ["upstream_transport_failure_reason"] = null,
            ["bytes_received"] = 0, ["bytes_sent"] = random.Next(100, 5000), ["duration"] = random.Next(1, 200), ["upstream_service_time"] = "3",
            ["x_forwarded_for"] = null, ["user_agent"] = "python-requests/2.31", ["request_id"] = $"{body:x4}-{line:x8}-{random.Next():x8}",
            ["authority"] = $"{service}:9080", ["upstream_host"] = $"10.0.{random.Next(8)}.{random.Next(250)}:9080",
            ["upstream_cluster"] = inbound ? "inbound|9080||" : $"outbound|9080|{target[(target.IndexOf('-') + 1)..]}|{service}.default.svc.cluster.local",
            ["upstream_local_address"] = "10.0.1.4:51234", ["downstream_local_address"] = "10.0.2.7:9080", ["downstream_remote_address"] = "10.0.1.4:40000",
            ["requested_server_name"] = inbound ? "outbound_.9080_._.reviews.default.svc.cluster.local" : null, ["route_name"] = "default",
        });
    }

    private static string TextLine(Random random, DateTimeOffset start, int body, int line)
    {
        var j = JsonDocument.Parse(JsonLine(random, start, body, line)).RootElement;
        string S(string key) => j.GetProperty(key).ValueKind == JsonValueKind.Null ? "-" : j.GetProperty(key).ToString();
        return $"[{S("start_time")}] \"{S("method")} {S("path")} {S("protocol")}\" {S("response_code")} {S("response_flags")} {S("response_code_details")} - \"-\" " +
               $"{S("bytes_received")} {S("bytes_sent")} {S("duration")} {S("upstream_service_time")} \"-\" \"{S("user_agent")}\" \"{S("request_id")}\" " +
               $"\"{S("authority")}\" \"{S("upstream_host")}\" {S("upstream_cluster")} {S("upstream_local_address")} {S("downstream_local_address")} " +
               $"{S("downstream_remote_address")} {S("requested_server_name")} {S("route_name")}";
    }

    private static async Task<Measurement> LoadAsync(
        ServerProcess server, string name, string url, byte[][] bodies, string contentType, Settings settings, CancellationToken cancellationToken)
    {
        long ok = 0, refused = 0, failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Connections });
        var workers = Enumerable.Range(0, settings.Connections).Select(w => Task.Run(async () =>
        {
            var next = w;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var content = new ByteArrayContent(bodies[next++ % bodies.Length]);
                    content.Headers.ContentType = new(contentType);
                    using var response = await http.PostAsync(url, content, stop.Token).ConfigureAwait(false);
                    _ = response.StatusCode switch
                    {
                        HttpStatusCode.OK => Interlocked.Increment(ref ok),
                        HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests => Interlocked.Increment(ref refused),
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
        })).ToList();

        var result = await BenchWindow.MeasureAsync(server, MeshSchema.Reports.Name, name, settings.Seconds, cancellationToken).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);
        return result with { Ok = ok, Refused = refused, Failed = failed };
    }

    /// <summary>
    /// The engine alone: the rows the JSON lines become (mesh_reports and otel_logs), encoded once
    /// to RowBinary files and inserted by the embedded engine, one statement per table.
    /// </summary>
    private static async Task<double> RawEngineAsync(byte[][] bodies, long lines, CancellationToken cancellationToken)
    {
        await using var bench = await BenchStore.OpenAsync("raw", "bench", cancellationToken).ConfigureAwait(false);
        var engine = bench.Engine;
        var resolver = new MeshRequestResolver(new PeerOptions(), TimeProvider.System);
        var proxy = new ReportingProxy(new MeshPeer("reviews-v2", "default", "reviews", "v2"), ["10.0.2.7"]);
        var tables = new[] { MeshSchema.Reports, OtelSchema.Logs };
        var blocks = bodies.Select(body =>
        {
            using var batch = new IngestBatch();
            var count = 0;
            foreach (var line in AccessLogHttpEndpoint.Lines(body, int.MaxValue))
            {
                var (record, format) = AccessLogLine.Parse(line.Bytes.Span, null);
                AccessLogRows.Report(batch, resolver.Resolve(record, proxy));
                AccessLogRows.Raw(batch, line.Bytes.Span, record.StartTime, proxy, new LineOrigin("http"), AccessLogLine.Name(format), null);
                count++;
            }
            return (Tables: tables.Select(t => batch.Tables.Single(b => b.Table == t).Writer.WrittenSpan.ToArray()).ToArray(), Lines: count);
        }).ToList();
        long written = 0;
        var files = tables.Select(t => Path.Combine(bench.Directory, t.Name + ".rowbinary")).ToArray();
        var outputs = files.Select(f => File.Create(f)).ToArray();
        while (written < lines)
        {
            foreach (var (bytes, count) in blocks)
            {
                for (var t = 0; t < tables.Length; t++)
                {
                    await outputs[t].WriteAsync(bytes[t], cancellationToken).ConfigureAwait(false);
                }
                written += count;
            }
        }
        foreach (var output in outputs)
        {
            await output.DisposeAsync().ConfigureAwait(false);
        }
        var seconds = 0.0;
        for (var t = 0; t < tables.Length; t++)
        {
            seconds += await BenchWindow.InsertFileAsync(engine, bench.Options.Database, tables[t], files[t], cancellationToken).ConfigureAwait(false);
        }
        var stored = long.Parse(Encoding.UTF8.GetString(await engine.QueryAsync($"SELECT count() FROM bench.{MeshSchema.Reports.Name}", "TabSeparated", cancellationToken: cancellationToken).ConfigureAwait(false)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        if (stored != written)
        {
            throw new InvalidOperationException($"the raw engine stored {stored} of {written} reports");
        }
        return written / seconds;
    }
}
