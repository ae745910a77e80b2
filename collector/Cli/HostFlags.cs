using System.CommandLine;
using System.Globalization;

namespace Observe.Collector.Cli;

/// <summary>
/// A command-line flag that sets one configuration key, so <c>up</c> and <c>controller</c>
/// share the same flags, names and help, and a flag always wins over appsettings and environment.
/// </summary>
internal sealed class HostFlags
{
    private readonly List<(Option Option, string Key, Func<ParseResult, object?> Read)> _flags = [];

    public HostFlags String(string name, string key, string description) => Add(new Option<string?>(name) { Description = description }, key);

    public HostFlags Int(string name, string key, string description) => Add(new Option<int?>(name) { Description = description }, key);

    /// <summary>A switch that sets <paramref name="key"/> to true when given.</summary>
    public HostFlags Switch(string name, string key, string description) => Add(new Option<bool>(name) { Description = description }, key);

    private HostFlags Add<T>(Option<T> option, string key)
    {
        _flags.Add((option, key, parse => parse.GetValue(option)));
        return this;
    }

    public void AddTo(Command command)
    {
        foreach (var (option, _, _) in _flags)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The configuration the given flags set; flags not given (and switches off) set nothing.</summary>
    public Dictionary<string, string?> Settings(ParseResult parse)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (_, key, read) in _flags)
        {
            var value = read(parse);
            if (value is not null and not false)
            {
                settings[key] = Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }
        return settings;
    }

    /// <summary>Where the store is and where the HTTP API listens: what every role needs.</summary>
    public static HostFlags StoreAndApi() => new HostFlags()
        .String("--data", "Store:DataPath", "Data directory of the embedded store (Store:DataPath). Default: ./data")
        .String("--store-url", "Store:Url", "Use a ClickHouse server over HTTP instead of the embedded store (Store:Url), e.g. http://localhost:8123")
        .String("--listen", "Collector:ListenAddress", "Address to bind (Collector:ListenAddress). Default: 127.0.0.1")
        .Int("--http-port", "Collector:HttpPort", "HTTP API port (Collector:HttpPort). Default: 8080");

    /// <summary>The cluster the controller scales in.</summary>
    public HostFlags Cluster() => this
        .String("--kubeconfig", "Kubernetes:Kubeconfig", "A kubeconfig file; runs the autoscaler controller against its cluster (Kubernetes:Kubeconfig). Default: none")
        .String("--context", "Kubernetes:Context", "The kubeconfig context to use (Kubernetes:Context). Default: the current context")
        .Switch("--in-cluster", "Kubernetes:InCluster", "Use the pod's service account; runs the autoscaler controller (Kubernetes:InCluster). Default: off");
}
