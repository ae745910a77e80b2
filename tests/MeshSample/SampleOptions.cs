using OpenTelemetry.Exporter;

namespace MeshSample;

/// <summary>The command line: who this service is, where it listens, whom it calls, where its spans go.</summary>
public sealed record SampleOptions(
    string Name,
    int Port,
    IReadOnlyList<Uri> Calls,
    Uri Otlp,
    OtlpExportProtocol Protocol,
    string Namespace,
    string Version,
    string Zone,
    string? Database,
    bool StopWhenStdinCloses)
{
    public const string Usage = """
        usage: MeshSample --name NAME [--port N] [--calls URL]... [--database NAME]
                          [--otlp URL] [--protocol grpc|http] [--namespace NS] [--version V] [--zone Z]
                          [--stop-when-stdin-closes]
          --port 0 (the default) takes a free port; --otlp is the collector's gRPC address
          (default http://127.0.0.1:4317) or, with --protocol http, its OTLP/HTTP traces URL.
        """;

    public static SampleOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>();
        var calls = new List<Uri>();
        var stopWhenStdinCloses = false;
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag == "--stop-when-stdin-closes")
            {
                stopWhenStdinCloses = true;
                continue;
            }
            if (flag is not ("--name" or "--port" or "--calls" or "--database" or "--otlp" or "--protocol" or "--namespace" or "--version" or "--zone"))
            {
                throw new ArgumentException($"unknown option {flag}");
            }
            if (i + 1 == args.Count)
            {
                throw new ArgumentException($"{flag} needs a value");
            }
            var value = args[++i];
            if (flag == "--calls")
            {
                calls.Add(AbsoluteUri(flag, value));
            }
            else
            {
                values[flag] = value;
            }
        }
        string? Get(string flag) => values.GetValueOrDefault(flag);
        var name = Get("--name") ?? throw new ArgumentException("--name is required");
        var port = Get("--port") ?? "0";
        var protocol = Get("--protocol") ?? "grpc";
        return new SampleOptions(
            name,
            int.TryParse(port, out var p) && p is >= 0 and <= 65535 ? p : throw new ArgumentException($"--port {port} is not a port"),
            calls,
            AbsoluteUri("--otlp", Get("--otlp") ?? "http://127.0.0.1:4317"),
            protocol switch
            {
                "grpc" => OtlpExportProtocol.Grpc,
                "http" => OtlpExportProtocol.HttpProtobuf,
                _ => throw new ArgumentException($"--protocol {protocol}: grpc or http"),
            },
            Get("--namespace") ?? "default",
            Get("--version") ?? "v1",
            Get("--zone") ?? "unknown",
            Get("--database"),
            stopWhenStdinCloses);
    }

    private static Uri AbsoluteUri(string flag, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"{flag} {value} is not an absolute URL");
}
