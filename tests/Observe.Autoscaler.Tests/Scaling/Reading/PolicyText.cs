namespace Observe.Autoscaler.Tests.Scaling.Reading;

/// <summary>Scaling policies written in tests, to be broken one line at a time.</summary>
internal static class PolicyText
{
    /// <summary>Every field written, one per line, with the example's values.</summary>
    public const string Full = """
        apiVersion: observe.dev/v1alpha1
        kind: ScalingPolicy
        metadata:
          name: checkout
          namespace: shop
        spec:
          targetRef:
            apiVersion: apps/v1
            kind: Deployment
            name: checkout
            namespace: shop
          slos: [checkout-latency]
          minReplicas: 2
          maxReplicas: 60
          mode: enforce
          tick: 5s
          capacity:
            requestsPerReplica: 16
          startup:
            delay: 60s
            warmup: 30s
            warmupStartFactor: 0.5
          burst:
            threshold: 2.0
            window: 10s
            stableWindow: 60s
            holdFor: 60s
          scaleUp:
            maxPercent: 100
            maxPods: 4
            period: 15s
          scaleDown:
            stabilisation: 180s
            maxPercent: 20
            maxPods: 2
            period: 60s
          prediction:
            enabled: true
            trendWindow: 5m
            seasonality: [daily, weekly]
            minSeasons: 2
          headroom:
            min: 0.05
            max: 0.5
        """;

    /// <summary>Only what a policy must say.</summary>
    public const string Minimal = """
        apiVersion: observe.dev/v1alpha1
        kind: ScalingPolicy
        metadata:
          name: orders
        spec:
          targetRef:
            kind: StatefulSet
            name: orders
          slos: [orders-availability]
          maxReplicas: 10
        """;

    /// <summary>A second policy for another workload, to append after <c>---</c>.</summary>
    public static string Another(string name, string target) => $"""
        apiVersion: observe.dev/v1alpha1
        kind: ScalingPolicy
        metadata:
          name: {name}
        spec:
          targetRef:
            kind: Deployment
            name: {target}
            namespace: shop
          slos: [checkout-latency]
          maxReplicas: 5
        """;

    public static string Set(params string[] documents) => string.Join("\n---\n", documents);
}
