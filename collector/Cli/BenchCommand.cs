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
        var workloads = new Option<int>("--workloads") { Description = "Workloads of the synthetic mesh (about 2.5 edges each).", DefaultValueFactory = _ => 200 };
        var zones = new Option<int>("--zones") { Description = "Availability zones the workloads are spread over.", DefaultValueFactory = _ => 3 };
        var hours = new Option<int>("--hours") { Description = "Hours of traffic loaded, ending now (at least the measured hour).", DefaultValueFactory = _ => 24 };
        var perWindow = new Option<double>("--requests-per-window") { Description = "Average requests per edge per 10 s window.", DefaultValueFactory = _ => 3 };
        var runs = new Option<int>("--runs") { Description = "Timed repetitions of each operation, after one warm-up.", DefaultValueFactory = _ => 15 };
        var topology = new Command("topology", "Service graph, replay and live tick from the rollups on a day of synthetic mesh traffic, in process; vs the same graph from raw spans.")
        {
            workloads, zones, hours, perWindow, runs,
        };
        topology.SetAction((parse, cancellationToken) =>
        {
            // Tiers need a few workloads; the day must hold the measured hour and stay inside
            // mesh_requests' default retention (7 days), or the engine drops the rows at insert.
            var w = parse.GetValue(workloads) is var n and >= 5 ? n : throw new ArgumentException($"--workloads must be at least 5, got {parse.GetValue(workloads)}.");
            var h = parse.GetValue(hours) is var d and >= 1 and < 7 * 24 ? d : throw new ArgumentException($"--hours must be 1 to {7 * 24 - 1}, got {parse.GetValue(hours)}.");
            return TopologyBench.RunAsync(new TopologyBench.Settings(w, Positive(parse.GetValue(zones), "--zones"), h,
                Positive(parse.GetValue(perWindow), "--requests-per-window"), Positive(parse.GetValue(runs), "--runs")), cancellationToken);
        });
        var sloWorkloads = new Option<int>("--workloads") { Description = "Workloads with SLI rollups (two versions of a service each).", DefaultValueFactory = _ => 500 };
        var slos = new Option<int>("--slos") { Description = "SLOs evaluated in each pass.", DefaultValueFactory = _ => 1000 };
        var days = new Option<int>("--days") { Description = "Days of minute and hour rollups, ending now.", DefaultValueFactory = _ => 30 };
        var sloRuns = new Option<int>("--runs") { Description = "Timed warm passes, 10 s apart, after one warm-up.", DefaultValueFactory = _ => 15 };
        var slo = new Command("slo", "One SLO evaluation pass over a month of synthetic SLI rollups, in process; vs a scan of the same minutes and naive per-SLO queries.")
        {
            sloWorkloads, slos, days, sloRuns,
        };
        slo.SetAction((parse, cancellationToken) =>
        {
            // The rollups keep 90 days by default; stay well inside so that no part is dropped while measuring.
            var d = parse.GetValue(days) is var n and >= 1 and <= 80 ? n : throw new ArgumentException($"--days must be 1 to 80, got {parse.GetValue(days)}.");
            return SloBench.RunAsync(new SloBench.Settings(Positive(parse.GetValue(sloWorkloads), "--workloads"), Positive(parse.GetValue(slos), "--slos"), d,
                Positive(parse.GetValue(sloRuns), "--runs")), cancellationToken);
        });
        return new Command("bench", "Benchmarks.") { ingest, accessLogs, topology, slo };
    }

    private static T Positive<T>(T value, string name) where T : System.Numerics.INumber<T> =>
        value > T.Zero ? value : throw new ArgumentException($"{name} must be positive, got {value}.");
}
