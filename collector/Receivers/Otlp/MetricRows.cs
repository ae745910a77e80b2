using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;
using Observe.Collector.Pipeline;
using Observe.Store.RowBinary;
using Observe.Store.Schema;

namespace Observe.Collector.Receivers.Otlp;

/// <summary>Turns an ExportMetricsServiceRequest into one row per data point in the five otel_metrics tables.</summary>
internal static class MetricRows
{
    private const ulong NanosPerSecond = 1_000_000_000;

    public static MappedExport Map(ExportMetricsServiceRequest request)
    {
        var batch = new IngestBatch();
        var rejections = new Rejections("data point");
        long accepted = 0;
        using var common = new RowBinaryWriter(2048);
        for (var r = 0; r < request.ResourceMetrics.Count; r++)
        {
            var resourceMetrics = request.ResourceMetrics[r];
            var resourceAttributes = resourceMetrics.Resource?.Attributes ?? [];
            var serviceName = AnyValueText.Find(resourceAttributes, "service.name");
            for (var s = 0; s < resourceMetrics.ScopeMetrics.Count; s++)
            {
                var scopeMetrics = resourceMetrics.ScopeMetrics[s];
                for (var m = 0; m < scopeMetrics.Metrics.Count; m++)
                {
                    var metric = scopeMetrics.Metrics[m];
                    var path = $"resourceMetrics[{r}].scopeMetrics[{s}].metrics[{m}]";
                    // The columns up to Attributes are the same for every point of the metric.
                    common.Clear();
                    AnyValueText.WriteMap(common, resourceAttributes);
                    common.String(resourceMetrics.SchemaUrl);
                    common.String(scopeMetrics.Scope?.Name);
                    common.String(scopeMetrics.Scope?.Version);
                    AnyValueText.WriteMap(common, scopeMetrics.Scope?.Attributes ?? []);
                    common.UInt32(scopeMetrics.Scope?.DroppedAttributesCount ?? 0);
                    common.String(scopeMetrics.SchemaUrl);
                    common.String(serviceName);
                    common.String(metric.Name);
                    common.String(metric.Description);
                    common.String(metric.Unit);
                    accepted += MapMetric(batch, metric, common.WrittenSpan, path, rejections);
                }
            }
        }
        return new MappedExport(batch, accepted, rejections.Count, rejections.Message());
    }

    public static ExportMetricsServiceResponse Response(long rejected, string? message) =>
        rejected == 0 && message is null
            ? new ExportMetricsServiceResponse()
            : new ExportMetricsServiceResponse { PartialSuccess = new ExportMetricsPartialSuccess { RejectedDataPoints = rejected, ErrorMessage = message ?? "" } };

    private static long MapMetric(IngestBatch batch, Metric metric, ReadOnlySpan<byte> common, string path, Rejections rejections)
    {
        long accepted = 0;
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                for (var i = 0; i < metric.Gauge.DataPoints.Count; i++)
                {
                    accepted += Number(batch, OtelSchema.MetricsGauge, metric.Gauge.DataPoints[i], common, $"{path}.gauge.dataPoints[{i}]", rejections, null);
                }
                break;
            case Metric.DataOneofCase.Sum:
                for (var i = 0; i < metric.Sum.DataPoints.Count; i++)
                {
                    accepted += Number(batch, OtelSchema.MetricsSum, metric.Sum.DataPoints[i], common, $"{path}.sum.dataPoints[{i}]", rejections, metric.Sum);
                }
                break;
            case Metric.DataOneofCase.Histogram:
                for (var i = 0; i < metric.Histogram.DataPoints.Count; i++)
                {
                    accepted += Histogram(batch, metric.Histogram.DataPoints[i], metric.Histogram.AggregationTemporality, common, $"{path}.histogram.dataPoints[{i}]", rejections);
                }
                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                for (var i = 0; i < metric.ExponentialHistogram.DataPoints.Count; i++)
                {
                    accepted += ExponentialHistogram(batch, metric.ExponentialHistogram.DataPoints[i], metric.ExponentialHistogram.AggregationTemporality, common, $"{path}.exponentialHistogram.dataPoints[{i}]", rejections);
                }
                break;
            case Metric.DataOneofCase.Summary:
                for (var i = 0; i < metric.Summary.DataPoints.Count; i++)
                {
                    accepted += Summary(batch, metric.Summary.DataPoints[i], common, $"{path}.summary.dataPoints[{i}]", rejections);
                }
                break;
            default:
                rejections.Add(path, $"metric '{metric.Name}' has no data: one of gauge, sum, histogram, exponential_histogram or summary is required");
                break;
        }
        return accepted;
    }

    private static int Number(IngestBatch batch, TableSpec table, NumberDataPoint point, ReadOnlySpan<byte> common, string path, Rejections rejections, Sum? sum)
    {
        if ((Times(point.StartTimeUnixNano, point.TimeUnixNano) ?? Exemplars(point.Exemplars)) is { } problem)
        {
            rejections.Add(path, problem);
            return 0;
        }
        var w = Start(batch, table, common, point.Attributes, point.StartTimeUnixNano, point.TimeUnixNano);
        w.Float64(point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble);
        w.UInt32(point.Flags);
        WriteExemplars(w, point.Exemplars);
        if (sum is not null)
        {
            w.Int32((int)sum.AggregationTemporality);
            w.Bool(sum.IsMonotonic);
        }
        batch.RowAdded(table);
        return 1;
    }

    private static int Histogram(IngestBatch batch, HistogramDataPoint point, AggregationTemporality temporality, ReadOnlySpan<byte> common, string path, Rejections rejections)
    {
        var problem = Times(point.StartTimeUnixNano, point.TimeUnixNano) ?? Exemplars(point.Exemplars);
        if (problem is null && point.BucketCounts.Count != 0 && point.BucketCounts.Count != point.ExplicitBounds.Count + 1)
        {
            problem = $"bucket_counts has {point.BucketCounts.Count} entries; with {point.ExplicitBounds.Count} explicit_bounds it must have {point.ExplicitBounds.Count + 1}";
        }
        if (problem is not null)
        {
            rejections.Add(path, problem);
            return 0;
        }
        var table = OtelSchema.MetricsHistogram;
        var w = Start(batch, table, common, point.Attributes, point.StartTimeUnixNano, point.TimeUnixNano);
        w.UInt64(point.Count);
        w.Float64(point.HasSum ? point.Sum : 0);
        WriteArray(w, point.BucketCounts);
        WriteArray(w, point.ExplicitBounds);
        HistogramTail(w, point.Exemplars, point.Flags, point.HasMin ? point.Min : 0, point.HasMax ? point.Max : 0, temporality);
        batch.RowAdded(table);
        return 1;
    }

    private static int ExponentialHistogram(IngestBatch batch, ExponentialHistogramDataPoint point, AggregationTemporality temporality, ReadOnlySpan<byte> common, string path, Rejections rejections)
    {
        if ((Times(point.StartTimeUnixNano, point.TimeUnixNano) ?? Exemplars(point.Exemplars)) is { } problem)
        {
            rejections.Add(path, problem);
            return 0;
        }
        var table = OtelSchema.MetricsExponentialHistogram;
        var w = Start(batch, table, common, point.Attributes, point.StartTimeUnixNano, point.TimeUnixNano);
        w.UInt64(point.Count);
        w.Float64(point.HasSum ? point.Sum : 0);
        w.Int32(point.Scale);
        w.UInt64(point.ZeroCount);
        w.Int32(point.Positive?.Offset ?? 0);
        WriteArray(w, point.Positive?.BucketCounts);
        w.Int32(point.Negative?.Offset ?? 0);
        WriteArray(w, point.Negative?.BucketCounts);
        HistogramTail(w, point.Exemplars, point.Flags, point.HasMin ? point.Min : 0, point.HasMax ? point.Max : 0, temporality);
        batch.RowAdded(table);
        return 1;
    }

    private static int Summary(IngestBatch batch, SummaryDataPoint point, ReadOnlySpan<byte> common, string path, Rejections rejections)
    {
        if (Times(point.StartTimeUnixNano, point.TimeUnixNano) is { } problem)
        {
            rejections.Add(path, problem);
            return 0;
        }
        var table = OtelSchema.MetricsSummary;
        var w = Start(batch, table, common, point.Attributes, point.StartTimeUnixNano, point.TimeUnixNano);
        w.UInt64(point.Count);
        w.Float64(point.Sum);
        w.Count(point.QuantileValues.Count);
        foreach (var q in point.QuantileValues)
        {
            w.Float64(q.Quantile);
        }
        w.Count(point.QuantileValues.Count);
        foreach (var q in point.QuantileValues)
        {
            w.Float64(q.Value);
        }
        w.UInt32(point.Flags);
        batch.RowAdded(table);
        return 1;
    }

    /// <summary>The columns both histogram tables end with; absent min and max are stored as 0, as the exporter does.</summary>
    private static void HistogramTail(RowBinaryWriter w, RepeatedField<Exemplar> exemplars, uint flags, double min, double max, AggregationTemporality temporality)
    {
        WriteExemplars(w, exemplars);
        w.UInt32(flags);
        w.Float64(min);
        w.Float64(max);
        w.Int32((int)temporality);
    }

    /// <summary>Writes the columns every metrics table starts with, up to TimeUnix.</summary>
    private static RowBinaryWriter Start(IngestBatch batch, TableSpec table, ReadOnlySpan<byte> common, RepeatedField<OpenTelemetry.Proto.Common.V1.KeyValue> attributes, ulong start, ulong time)
    {
        var w = batch.For(table);
        w.Raw(common);
        AnyValueText.WriteMap(w, attributes);
        w.DateTimeSeconds((uint)(start / NanosPerSecond));
        w.DateTimeSeconds((uint)(time / NanosPerSecond));
        return w;
    }

    /// <summary>The time columns are DateTime (seconds up to 2106), as in the exporter's schema.</summary>
    private static string? Times(ulong start, ulong time)
    {
        const ulong max = uint.MaxValue * NanosPerSecond;
        if (time == 0)
        {
            return "time_unix_nano is required";
        }
        if (time > max || start > max)
        {
            return $"time_unix_nano {time} is past the last storable second (2106-02-07)";
        }
        return null;
    }

    private static string? Exemplars(RepeatedField<Exemplar> exemplars)
    {
        for (var i = 0; i < exemplars.Count; i++)
        {
            var e = exemplars[i];
            if (e.TraceId.Length is not (0 or 16) || e.SpanId.Length is not (0 or 8))
            {
                return $"exemplars[{i}] needs an empty or 16-byte trace_id and an empty or 8-byte span_id, got {e.TraceId.Length} and {e.SpanId.Length} bytes";
            }
            if (e.TimeUnixNano > uint.MaxValue * NanosPerSecond)
            {
                return $"exemplars[{i}].time_unix_nano {e.TimeUnixNano} is past the last storable second (2106-02-07)";
            }
        }
        return null;
    }

    private static void WriteExemplars(RowBinaryWriter w, RepeatedField<Exemplar> exemplars)
    {
        w.Count(exemplars.Count);
        foreach (var e in exemplars)
        {
            AnyValueText.WriteMap(w, e.FilteredAttributes);
        }
        w.Count(exemplars.Count);
        foreach (var e in exemplars)
        {
            w.DateTimeSeconds((uint)(e.TimeUnixNano / NanosPerSecond));
        }
        w.Count(exemplars.Count);
        foreach (var e in exemplars)
        {
            w.Float64(e.ValueCase == Exemplar.ValueOneofCase.AsInt ? e.AsInt : e.AsDouble);
        }
        // The exporter writes exemplar ids in full hex, zeros when absent.
        w.Count(exemplars.Count);
        foreach (var e in exemplars)
        {
            FixedHex(w, e.SpanId, 8);
        }
        w.Count(exemplars.Count);
        foreach (var e in exemplars)
        {
            FixedHex(w, e.TraceId, 16);
        }
    }

    private static void FixedHex(RowBinaryWriter w, ByteString id, int length)
    {
        if (id.Length == length)
        {
            w.HexString(id.Span);
        }
        else
        {
            Span<byte> zeros = stackalloc byte[length];
            zeros.Clear();
            w.HexString(zeros);
        }
    }

    private static void WriteArray(RowBinaryWriter w, RepeatedField<ulong>? values)
    {
        w.Count(values?.Count ?? 0);
        foreach (var v in values ?? [])
        {
            w.UInt64(v);
        }
    }

    private static void WriteArray(RowBinaryWriter w, RepeatedField<double> values)
    {
        w.Count(values.Count);
        foreach (var v in values)
        {
            w.Float64(v);
        }
    }
}
