using System.CommandLine;
using Observe.Collector.Hosting;

namespace Observe.Collector.Cli;

/// <summary>
/// <c>observe controller</c>: the autoscaler controller alone (no OTLP receivers, no pairing),
/// with the HTTP API, against the store the collectors write to. Run two or more; the Lease
/// picks the one that acts.
/// </summary>
internal static class ControllerCommand
{
    public static Command Create()
    {
        var flags = HostFlags.StoreAndApi()
            .Cluster()
            .String("--namespace", "Controller:WatchNamespace", "Watch ScalingPolicy and ServiceLevelObjective resources in this namespace only (Controller:WatchNamespace). Default: all")
            .String("--lease-namespace", "Controller:LeaseNamespace", "Namespace of the leader-election Lease (Controller:LeaseNamespace). Default: observe")
            .String("--identity", "Controller:Identity", "This replica's name in the Lease and Events (Controller:Identity). Default: host name and a random suffix");
        var command = new Command("controller", "Run the autoscaler controller: scale the cluster's workloads by their ScalingPolicy resources. Finds the cluster as kubectl does unless --kubeconfig or --in-cluster says.");
        flags.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = flags.Settings(parse);
            settings["Collector:Receivers"] = "false";
            settings["Kubernetes:Discover"] = "true";
            await using var app = await ObserveApp.BuildAsync(settings, cancellationToken: cancellationToken).ConfigureAwait(false);
            await app.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
