using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Observe.Collector.Hosting;
using Observe.Collector.Receivers.AccessLogs;

namespace Observe.Collector.Demo;

/// <summary>
/// Plays the demo: every batch interval, generates the window's requests from the scenario and
/// the cluster's Ready pods, and sends them to this process's own receivers over the network as
/// outside clients do: Envoy access logs on the gRPC AccessLogService (OTLP gRPC port) and the
/// sampled requests' spans over OTLP/HTTP. Logs one line per phase change.
/// </summary>
internal sealed partial class DemoService(DemoMesh mesh, CollectorOptions collector, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<DemoService> logger)
    : BackgroundService
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) };
    private DemoPhase? _phase;
    private int _loop;
    private readonly Lock _failureLogLock = new();
    private DateTimeOffset _lastFailureLog;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The receivers listen once the host has started; sending earlier would only fail.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        var host = collector.ListenAddress switch { "0.0.0.0" => "127.0.0.1", "::" => "[::1]", var a when a.Contains(':') => $"[{a}]", var a => a };
        var als = new Uri($"http://{host}:{collector.OtlpGrpcPort}{EnvoyAlsEndpoint.Path}");
        var traces = new Uri($"http://{host}:{collector.OtlpHttpPort}/v1/traces");
        var last = time.GetUtcNow();
        using var timer = new PeriodicTimer(mesh.Options.BatchInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = time.GetUtcNow();
                var moment = mesh.Scenario.At(now);
                if (moment.Phase != _phase || moment.Loop != _loop)
                {
                    (_phase, _loop) = (moment.Phase, moment.Loop);
                    LogPhase(moment.Phase.Name, moment.Loop, moment.PhaseEndsAt, moment.Phase.Description);
                }
                var calls = mesh.Traffic.Generate(last, now, moment, mesh.Cluster.Workloads());
                last = now;
                await Task.WhenAll(SendAccessLogsAsync(als, calls, stoppingToken), SendTracesAsync(traces, calls, stoppingToken)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAccessLogsAsync(Uri uri, IReadOnlyList<DemoCall> calls, CancellationToken cancellationToken)
    {
        var body = AccessLogBatch.Encode(calls);
        if (body.Length == 0)
        {
            return;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        await SendAsync(request, "access logs", r =>
            (r.TrailingHeaders.TryGetValues("grpc-status", out var v) || r.Headers.TryGetValues("grpc-status", out v)) && v.First() != "0"
                ? $"grpc-status {v.First()}" : null, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendTracesAsync(Uri uri, IReadOnlyList<DemoCall> calls, CancellationToken cancellationToken)
    {
        var export = TraceBatch.Encode(calls, mesh.Traffic.Sampling);
        if (export.ResourceSpans.Count == 0)
        {
            return;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(export.ToByteArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        await SendAsync(request, "traces", _ => null, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(HttpRequestMessage request, string what, Func<HttpResponseMessage, string?> problem, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var failure = response.IsSuccessStatusCode ? problem(response) : $"HTTP {(int)response.StatusCode}";
            if (failure is not null)
            {
                Failed(what, failure);
            }
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Failed(what, e.Message);
        }
    }

    /// <summary>A receiver that refuses (e.g. a store under pressure) is said once a minute, not once a batch.</summary>
    private void Failed(string what, string reason)
    {
        var now = time.GetUtcNow();
        // The access logs and the traces are sent at once, and either may fail.
        lock (_failureLogLock)
        {
            if (now - _lastFailureLog < TimeSpan.FromMinutes(1))
            {
                return;
            }
            _lastFailureLog = now;
        }
        LogSendFailed(what, reason);
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: phase {Phase} (loop {Loop}) until {EndsAt:HH:mm:ss}: {Description}")]
    private partial void LogPhase(string phase, int loop, DateTimeOffset endsAt, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo: sending {What} failed: {Reason}")]
    private partial void LogSendFailed(string what, string reason);
}
