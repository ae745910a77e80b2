using System.Text.Json;
using Observe.Collector.Hosting;

namespace Observe.Collector.Tests.Demo;

/// <summary>Without the demo the endpoint says so; the demo refuses to run beside a real cluster.</summary>
public sealed class DemoApiTests
{
    [Fact]
    public async Task Without_the_demo_the_endpoint_answers_enabled_false()
    {
        await using var server = await ObserveServer.StartAsync();

        using var body = JsonDocument.Parse(await server.Api.GetStringAsync("/api/v1/demo"));

        Assert.Equal("""{"enabled":false}""", body.RootElement.GetRawText());
    }

    [Fact]
    public async Task The_demo_and_a_kubeconfig_together_are_refused_at_start_naming_both()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => ObserveApp.BuildAsync(new Dictionary<string, string?>
        {
            ["Demo:Enabled"] = "true",
            ["Kubernetes:Kubeconfig"] = "/nonexistent/kubeconfig",
            ["Store:Database"] = EmbeddedEngine.NewDatabase("demo"),
        }, EmbeddedEngine.Shared));

        Assert.Contains("Demo:Enabled", error.Message);
        Assert.Contains("Kubernetes:Kubeconfig", error.Message);
    }
}
