namespace Observe.Collector.Hosting;

/// <summary>Which listener an endpoint belongs to; a request on another port is answered 404.</summary>
internal sealed record ListenerRole(string Name)
{
    public static readonly ListenerRole OtlpGrpc = new("otlp-grpc");
    public static readonly ListenerRole OtlpHttp = new("otlp-http");
    public static readonly ListenerRole Api = new("api");
}
