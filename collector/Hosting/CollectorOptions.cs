namespace Observe.Collector.Hosting;

/// <summary>Where Observe listens. Section <c>Collector</c>.</summary>
public sealed class CollectorOptions
{
    /// <summary>The address every port binds to; 0.0.0.0 to accept other hosts (e.g. in a cluster).</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>OTLP/gRPC (HTTP/2 cleartext).</summary>
    public int OtlpGrpcPort { get; set; } = 4317;

    /// <summary>OTLP/HTTP (HTTP/1.1).</summary>
    public int OtlpHttpPort { get; set; } = 4318;

    /// <summary>The HTTP API and health endpoints.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>Listen on the OTLP ports and pair what arrives; off for a controller-only process (<c>observe controller</c>).</summary>
    public bool Receivers { get; set; } = true;

    internal void Validate()
    {
        if (!System.Net.IPAddress.TryParse(ListenAddress, out _))
        {
            throw new ArgumentException($"Collector:ListenAddress must be an IP address, got '{ListenAddress}'.");
        }
        var ports = new[] { ("OtlpGrpcPort", OtlpGrpcPort), ("OtlpHttpPort", OtlpHttpPort), ("HttpPort", HttpPort) };
        foreach (var (name, port) in ports)
        {
            if (port is < 1 or > 65535)
            {
                throw new ArgumentException($"Collector:{name} must be 1 to 65535, got {port}.");
            }
        }
        if (ports.Select(p => p.Item2).Distinct().Count() != ports.Length)
        {
            throw new ArgumentException($"Collector ports must differ: OTLP/gRPC {OtlpGrpcPort}, OTLP/HTTP {OtlpHttpPort}, HTTP API {HttpPort}.");
        }
    }
}
