using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Observe.FakeKubernetes;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Observe.Collector.Tests.Control;

/// <summary>
/// The whole loop: the OpenTelemetry .NET SDK's own OTLP exporter sends a burst of slow server
/// spans of checkout into a real Observe, whose controller (configured by a kubeconfig, as a user
/// would) watches the policy and SLO resources of the fake API server, sees the SLO burn and the
/// load, scales the fake Deployment up, and shows the decision with its reasons in the API.
/// </summary>
public sealed class SloDrivenScalingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_burst_of_slow_sdk_spans_burns_the_slo_and_the_controller_scales_the_deployment_up()
    {
        await using var cluster = await FakeKubernetesApi.StartAsync();
        cluster.AddDeployment("shop", "checkout", 2, new Dictionary<string, string> { ["app"] = "checkout" });
        cluster.ApplyCustomResource(Resource("ServiceLevelObjective", "checkout-latency", """
            {"service":"checkout","indicator":{"metadata":{"name":"checkout-fast"},"spec":{"ratioMetric":{"counter":true,
              "good":{"metricSource":{"type":"Observe","spec":{"latency":{"le":"100ms"}}}},
              "total":{"metricSource":{"type":"Observe","spec":{"namespace":"shop","service":"checkout"}}}}}},
             "timeWindow":[{"duration":"1h","isRolling":true}],"budgetingMethod":"Occurrences","objectives":[{"target":0.99}]}
            """));
        cluster.ApplyCustomResource(Resource("ScalingPolicy", "checkout", """
            {"targetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"checkout"},"slos":["checkout-latency"],
             "minReplicas":2,"maxReplicas":30,"tick":"5s","capacity":{"requestsPerReplica":10},"startup":{"delay":"5s","warmup":"0s"}}
            """));
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"observe-e2e-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters: [{"{"}name: fake, cluster: {"{"}server: "{cluster.Url}"{"}"}{"}"}]
            users: [{"{"}name: test, user: {"{"}token: "{cluster.Token}"{"}"}{"}"}]
            contexts: [{"{"}name: fake, context: {"{"}cluster: fake, user: test{"}"}{"}"}]
            current-context: fake
            """);
        try
        {
            await using var observe = await ObserveServer.StartAsync(new Dictionary<string, string?>
            {
                ["Kubernetes:Kubeconfig"] = kubeconfig,
                ["Controller:Identity"] = "observe-e2e",
                ["Topology:Spans:Interval"] = "00:00:00.100",
            });
            using var spans = CheckoutSpans(observe.GrpcPort);
            using var source = new ActivitySource(SourceName);
            using var stop = new CancellationTokenSource();
            // ~100 requests/s of 300 ms each, against 2 replicas hinted at 10 requests/s and an SLO of 99 % within 100 ms.
            var burst = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        ServerSpan(source, TimeSpan.FromMilliseconds(300));
                    }
                    await Task.Delay(100, CancellationToken.None);
                }
            });

            var scaled = await Loopback.EventuallyAsync(() => Task.FromResult(cluster.Replicas("Deployment", "shop", "checkout") > 2), Timeout);
            await stop.CancelAsync();
            await burst;
            Assert.True(scaled, $"replicas stayed at {cluster.Replicas("Deployment", "shop", "checkout")}; policies: {await observe.Api.GetStringAsync("/api/v1/scaling/policies")}");

            // A tick writes the scale before it records the decision: read the record once it is there.
            JsonElement[] decisions = [];
            Assert.True(await Loopback.EventuallyAsync(async () =>
            {
                using var body = JsonDocument.Parse(await observe.Api.GetStringAsync("/api/v1/scaling/decisions?target=shop/checkout&from=" +
                    DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds()));
                decisions = [.. body.RootElement.GetProperty("decisions").EnumerateArray().Select(d => d.Clone())];
                return decisions.Any(d => d.GetProperty("outcome").GetString() == "scaled");
            }, TimeSpan.FromSeconds(30)), "no scaled decision in the API");
            var first = decisions.First(d => d.GetProperty("outcome").GetString() == "scaled");
            Assert.Equal(2, first.GetProperty("current").GetInt32());
            Assert.True(first.GetProperty("desired").GetInt32() > 2);
            var codes = first.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToList();
            Assert.Contains(codes, c => c is "demand" or "burst" or "budget-burn" or "forecast");
            var signals = first.GetProperty("signals");
            Assert.True(signals.GetProperty("rateShort").GetDouble() > 0, signals.ToString()); // read from the store, not scripted
            // The controller saw the SLO burn: every request took 300 ms against 99 % within 100 ms.
            Assert.Contains(decisions, d => d.GetProperty("signals").GetProperty("slo") is { ValueKind: JsonValueKind.Object } slo
                && slo.GetProperty("budgetRemaining").GetDouble() < 0);

            using var policies = JsonDocument.Parse(await observe.Api.GetStringAsync("/api/v1/scaling/policies"));
            Assert.True(policies.RootElement.GetProperty("controller").GetProperty("leading").GetBoolean());
            var policy = policies.RootElement.GetProperty("policies").EnumerateArray().Single();
            Assert.Equal("checkout", policy.GetProperty("name").GetString());
            Assert.Contains(policy.GetProperty("conditions").EnumerateArray(), c => c.GetProperty("type").GetString() == "Active" && c.GetProperty("status").GetString() == "True");
            Assert.Contains(cluster.Events, e => (string?)e["reason"] == "ScaledUp" && (string?)e["reportingInstance"] == "observe-e2e");
            var status = cluster.CustomResource("scalingpolicies", "shop", "checkout")!["status"]!;
            Assert.True((int)status["desiredReplicas"]! > 2);
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    private const string SourceName = "Observe.Tests.Checkout";

    private static TracerProvider CheckoutSpans(int grpcPort) => Sdk.CreateTracerProviderBuilder()
        .AddSource(SourceName)
        .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddAttributes(new Dictionary<string, object>
        {
            ["service.name"] = "checkout",
            ["service.namespace"] = "shop",
            ["k8s.namespace.name"] = "shop",
            ["service.version"] = "v1",
        }))
        .AddOtlpExporter(o =>
        {
            o.Endpoint = new Uri($"http://127.0.0.1:{grpcPort}");
            o.Protocol = OtlpExportProtocol.Grpc;
            o.BatchExportProcessorOptions = new BatchExportActivityProcessorOptions { ScheduledDelayMilliseconds = 200 };
        })
        .Build()!;

    /// <summary>A request into checkout from outside the mesh, as ASP.NET Core records it, that took <paramref name="duration"/>.</summary>
    private static void ServerSpan(ActivitySource source, TimeSpan duration)
    {
        var end = DateTimeOffset.UtcNow;
        using var activity = source.StartActivity("GET /pay", ActivityKind.Server, default(ActivityContext),
            [
                new("http.request.method", "GET"), new("url.path", "/pay"), new("http.route", "/pay"), new("url.scheme", "http"),
                new("server.address", "127.0.0.1"), new("server.port", 8080), new("http.response.status_code", 200),
            ], startTime: end - duration);
        activity?.SetEndTime(end.UtcDateTime);
    }

    private static JsonObject Resource(string kind, string name, string spec) => new()
    {
        ["apiVersion"] = "observe.dev/v1alpha1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "shop" },
        ["spec"] = JsonNode.Parse(spec),
    };
}
