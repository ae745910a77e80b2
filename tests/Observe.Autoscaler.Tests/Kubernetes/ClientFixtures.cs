using Observe.Autoscaler.Kubernetes;
using Observe.Autoscaler.Scaling;

namespace Observe.Autoscaler.Tests.Kubernetes;

internal static class ClientFixtures
{
    public static readonly ScaleTarget Web = new("apps/v1", "Deployment", "web", "shop");

    public const string ScaleJson = """
        {"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web","namespace":"shop","resourceVersion":"42","creationTimestamp":"2026-11-20T10:00:00Z"},
         "spec":{"replicas":3},"status":{"replicas":2,"selector":"app=web"}}
        """;

    public static KubernetesClient Client(HttpMessageHandler handler, TimeProvider time, KubernetesClientOptions? options = null, string? token = "t0k3n", string? tokenFile = null, Func<double>? random = null) =>
        new(new KubernetesEndpoint(new Uri("https://cluster.test:6443"), Token: token, TokenFile: tokenFile),
            options ?? new KubernetesClientOptions(), time, null, handler, random ?? (() => 0.5));

    /// <summary>Runs a call whose retries wait on <paramref name="time"/>, moving the clock by exactly each retry delay.</summary>
    public static Task<T> AdvanceUntil<T>(TimerRecordingTime time, Task<T> task) => time.RunWaits(task, TimeSpan.FromSeconds(30));
}
