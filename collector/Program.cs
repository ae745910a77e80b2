using System.CommandLine;
using Observe.Collector.Cli;
using Observe.Store;
using Observe.Store.Embedded;

var root = new RootCommand("Observe: an OpenTelemetry-native observability backend for service meshes.")
{
    UpCommand.Create(),
    BenchCommand.Create(),
    SloCommand.Create(),
    SimulateCommand.Create(),
    ControllerCommand.Create(),
};
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
}
catch (Exception e) when (e is StoreConfigurationException or Observe.Autoscaler.Kubernetes.KubernetesConfigException or ArgumentException or StoreUnavailableException or ClickHouseException)
{
    // Configuration and start-up problems are the user's to fix: say what, without a stack trace.
    Console.Error.WriteLine($"observe: {e.Message}");
    return 2;
}
