using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>The three OTLP signals and where each is received.</summary>
internal static class OtlpSignals
{
    public static readonly OtlpSignal Traces = new(
        "traces", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", "/v1/traces",
        ExportTraceServiceRequest.Parser, r => SpanRows.Map((ExportTraceServiceRequest)r), SpanRows.Response);

    public static readonly OtlpSignal Metrics = new(
        "metrics", "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", "/v1/metrics",
        ExportMetricsServiceRequest.Parser, r => MetricRows.Map((ExportMetricsServiceRequest)r), MetricRows.Response);

    public static readonly OtlpSignal Logs = new(
        "logs", "/opentelemetry.proto.collector.logs.v1.LogsService/Export", "/v1/logs",
        ExportLogsServiceRequest.Parser, r => LogRows.Map((ExportLogsServiceRequest)r), LogRows.Response);

    public static IReadOnlyList<OtlpSignal> All { get; } = [Traces, Metrics, Logs];
}
