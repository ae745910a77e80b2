using System.CommandLine;
using Observe.Collector.Bench;

namespace Observe.Collector.Cli;

/// <summary><c>observe bench …</c>: measurements whose figures go in the README.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var seconds = new Option<int>("--seconds") { Description = "How long the load runs after warm-up.", DefaultValueFactory = _ => 20 };
        var connections = new Option<int>("--connections") { Description = "Concurrent HTTP/2 connections.", DefaultValueFactory = _ => 8 };
        var streams = new Option<int>("--streams") { Description = "Requests in flight per connection.", DefaultValueFactory = _ => 16 };
        var spans = new Option<int>("--spans") { Description = "Spans per export request.", DefaultValueFactory = _ => 512 };
        var referenceRows = new Option<long>("--reference-rows") { Description = "Rows the raw engine reference inserts.", DefaultValueFactory = _ => 2_000_000 };
        var ingest = new Command("ingest", "OTLP/gRPC trace load against a fresh Observe process; spans/s committed vs the raw engine.")
        {
            seconds, connections, streams, spans, referenceRows,
        };
        ingest.SetAction((parse, cancellationToken) => IngestBench.RunAsync(new IngestBench.Settings(
            Positive(parse.GetValue(seconds), "--seconds"),
            Positive(parse.GetValue(connections), "--connections"),
            Positive(parse.GetValue(streams), "--streams"),
            Positive(parse.GetValue(spans), "--spans"),
            Positive(parse.GetValue(referenceRows), "--reference-rows")), cancellationToken));
        var logSeconds = new Option<int>("--seconds") { Description = "How long each transport's load runs after warm-up.", DefaultValueFactory = _ => 20 };
        var logConnections = new Option<int>("--connections") { Description = "Concurrent HTTP connections (one request in flight each).", DefaultValueFactory = _ => 8 };
        var lines = new Option<int>("--lines") { Description = "Lines per request.", DefaultValueFactory = _ => 2000 };
        var referenceLines = new Option<long>("--reference-lines") { Description = "Lines the raw engine reference inserts.", DefaultValueFactory = _ => 2_000_000 };
        var accessLogs = new Command("accesslogs", "Istio JSON lines (POST) and Istio text lines (OTLP logs) against a fresh Observe process; lines/s committed vs the raw engine.")
        {
            logSeconds, logConnections, lines, referenceLines,
        };
        accessLogs.SetAction((parse, cancellationToken) => AccessLogBench.RunAsync(new AccessLogBench.Settings(
            Positive(parse.GetValue(logSeconds), "--seconds"),
            Positive(parse.GetValue(logConnections), "--connections"),
            Positive(parse.GetValue(lines), "--lines"),
            Positive(parse.GetValue(referenceLines), "--reference-lines")), cancellationToken));
        return new Command("bench", "Benchmarks.") { ingest, accessLogs };
    }

    private static T Positive<T>(T value, string name) where T : System.Numerics.INumber<T> =>
        value > T.Zero ? value : throw new ArgumentException($"{name} must be positive, got {value}.");
}
