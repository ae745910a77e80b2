using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Observe.Collector.Bench;

/// <summary>
/// Export requests that look like a mesh's traffic: a handful of services, HTTP, gRPC and database
/// spans with the usual semantic-convention attributes, mixed kinds and some errors.
/// </summary>
internal static class SpanWorkload
{
    private static readonly string[] Services = ["frontend", "checkout", "cart", "payment", "catalog", "shipping", "email", "currency"];
    private static readonly string[] Routes = ["/api/cart", "/api/checkout", "/api/products/{id}", "/api/orders/{id}", "/healthz", "/api/currency"];
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];

    public static ExportTraceServiceRequest Request(Random random, int spans, ulong nowNanos)
    {
        var request = new ExportTraceServiceRequest();
        // A few resources per request, as a collector forwarding several pods would send.
        var perResource = spans / 4;
        for (var r = 0; r < 4; r++)
        {
            var service = Services[random.Next(Services.Length)];
            var resource = new Resource();
            Add(resource.Attributes, "service.name", service);
            Add(resource.Attributes, "service.version", $"1.{random.Next(5)}.0");
            Add(resource.Attributes, "k8s.namespace.name", "shop");
            Add(resource.Attributes, "k8s.pod.name", $"{service}-{random.Next(1000, 9999)}-x{random.Next(100)}");
            Add(resource.Attributes, "cloud.availability_zone", random.Next(2) == 0 ? "eu-west-1a" : "eu-west-1b");
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "OpenTelemetry.Instrumentation.AspNetCore", Version = "1.9.0" } };
            var count = r == 3 ? spans - 3 * perResource : perResource;
            for (var i = 0; i < count; i++)
            {
                scope.Spans.Add(Span(random, nowNanos));
            }
            request.ResourceSpans.Add(new ResourceSpans { Resource = resource, ScopeSpans = { scope } });
        }
        return request;
    }

    private static Span Span(Random random, ulong nowNanos)
    {
        var kind = random.Next(10) switch
        {
            < 4 => OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server,
            < 8 => OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Client,
            _ => OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Internal,
        };
        var start = nowNanos - (ulong)random.Next(0, 5_000_000) * 1000;
        var duration = (ulong)(Math.Exp(random.NextDouble() * 8) * 50_000);
        var error = random.Next(50) == 0;
        var route = Routes[random.Next(Routes.Length)];
        var method = Methods[random.Next(Methods.Length)];
        var span = new Span
        {
            TraceId = Bytes(random, 16),
            SpanId = Bytes(random, 8),
            ParentSpanId = random.Next(3) == 0 ? ByteString.Empty : Bytes(random, 8),
            Name = $"{method} {route}",
            Kind = kind,
            StartTimeUnixNano = start,
            EndTimeUnixNano = start + duration,
            Status = new Status { Code = error ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Unset, Message = error ? "upstream connect error" : "" },
        };
        Add(span.Attributes, "http.request.method", method);
        Add(span.Attributes, "http.route", route);
        span.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = error ? 503 : 200 } });
        Add(span.Attributes, "url.scheme", "http");
        Add(span.Attributes, "server.address", $"{Services[random.Next(Services.Length)]}.shop.svc.cluster.local");
        span.Attributes.Add(new KeyValue { Key = "server.port", Value = new AnyValue { IntValue = 8080 } });
        Add(span.Attributes, "network.protocol.version", "1.1");
        Add(span.Attributes, "user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36");
        Add(span.Attributes, "client.address", $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}");
        Add(span.Attributes, "url.path", route.Replace("{id}", random.Next(100_000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return span;
    }

    private static void Add(Google.Protobuf.Collections.RepeatedField<KeyValue> attributes, string key, string value) =>
        attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });

    private static ByteString Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        bytes[0] |= 1; // never all zero
        return ByteString.CopyFrom(bytes);
    }
}
