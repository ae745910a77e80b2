using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Observe.Autoscaler.Control;
using Observe.Autoscaler.Scaling;

namespace Observe.Collector.Tests.Api;

/// <summary>The scaling endpoints of a real Observe process without a cluster: the decisions log read back, and no controller.</summary>
public sealed class ScalingApiTests : IAsyncLifetime
{
    /// <summary>Whole seconds, two hours ago: outside the default last hour, inside the decisions' retention.</summary>
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds());
    private ObserveServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ObserveServer.StartAsync();
        var log = new StoreDecisionLog(_server.Store, _server.Database);
        await log.AppendAsync(Decision(T, "cart", "shop", 4, "up on demand"), CancellationToken.None);
        await log.AppendAsync(Decision(T.AddSeconds(15), "cart", "staging", 2, null), CancellationToken.None);
        await log.AppendAsync(Decision(T.AddSeconds(30), "checkout", "shop", 6, null), CancellationToken.None);
        await log.AppendAsync(Decision(DateTimeOffset.UtcNow.AddMinutes(-10), "cart", "shop", 5, null), CancellationToken.None);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static DecisionRecord Decision(DateTimeOffset time, string target, string ns, int desired, string? message) => new(
        time, "ops", $"{target}-policy", new ScaleTarget("apps/v1", "Deployment", target, ns), ScalingMode.DryRun, DecisionOutcomes.DryRun,
        3, desired, [new ScalingReason(ReasonCodes.Demand, $"demand needs {desired} replicas")], new DecisionFigures(CapacityPerReplica: 30, Burst: true),
        new ScalingSignals(time, time.AddSeconds(-20), 120, 100, 2.5, new LatencyQuantiles(0.02, 0.04, 0.3, 0.5), 0.01,
            new ReplicaSnapshot(3, [new PodInfo(TimeSpan.FromSeconds(90), true)]), new SloSignal(0.8, 2, null)),
        message);

    private async Task<JsonElement> DecisionsAsync(string query) =>
        await _server.Api.GetFromJsonAsync<JsonElement>($"/api/v1/scaling/decisions{query}");

    private static string Range(DateTimeOffset from, DateTimeOffset to) => $"from={from.ToUnixTimeMilliseconds()}&to={to.ToUnixTimeMilliseconds()}";

    [Fact]
    public async Task Decisions_come_back_with_their_reasons_figures_and_signals()
    {
        var answer = await DecisionsAsync($"?target=shop/cart&{Range(T, T.AddMinutes(1))}");

        var d = Assert.Single(answer.GetProperty("decisions").EnumerateArray());
        Assert.Equal(T, d.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("cart-policy", d.GetProperty("policy").GetProperty("name").GetString());
        Assert.Equal("ops", d.GetProperty("policy").GetProperty("namespace").GetString());
        Assert.Equal("Deployment", d.GetProperty("target").GetProperty("kind").GetString());
        Assert.Equal("shop", d.GetProperty("target").GetProperty("namespace").GetString());
        Assert.Equal("dryRun", d.GetProperty("mode").GetString());
        Assert.Equal(DecisionOutcomes.DryRun, d.GetProperty("outcome").GetString());
        Assert.Equal((3, 4), (d.GetProperty("current").GetInt32(), d.GetProperty("desired").GetInt32()));
        var reason = Assert.Single(d.GetProperty("reasons").EnumerateArray());
        Assert.Equal((ReasonCodes.Demand, "demand needs 4 replicas"), (reason.GetProperty("code").GetString(), reason.GetProperty("message").GetString()));
        Assert.Equal(30, d.GetProperty("figures").GetProperty("capacityPerReplica").GetDouble());
        Assert.True(d.GetProperty("figures").GetProperty("burst").GetBoolean());
        Assert.Equal(120, d.GetProperty("signals").GetProperty("rateShort").GetDouble());
        Assert.Equal(0.5, d.GetProperty("signals").GetProperty("latency").GetProperty("atObjective").GetDouble());
        Assert.Equal(90, d.GetProperty("signals").GetProperty("replicas").GetProperty("pods")[0].GetProperty("age").GetDouble());
        Assert.Equal("up on demand", d.GetProperty("message").GetString());
        Assert.Equal(T, answer.GetProperty("from").GetDateTimeOffset());
    }

    [Fact]
    public async Task Decisions_are_filtered_by_target_and_time()
    {
        static IEnumerable<string> Targets(JsonElement answer) => answer.GetProperty("decisions").EnumerateArray()
            .Select(d => $"{d.GetProperty("target").GetProperty("namespace").GetString()}/{d.GetProperty("target").GetProperty("name").GetString()}");

        Assert.Equal(["shop/cart", "staging/cart"], Targets(await DecisionsAsync($"?target=cart&{Range(T, T.AddMinutes(1))}")));
        Assert.Equal(["shop/cart", "staging/cart", "shop/checkout"], Targets(await DecisionsAsync($"?{Range(T, T.AddMinutes(1))}")));
        Assert.Equal(["staging/cart", "shop/checkout"], Targets(await DecisionsAsync($"?{Range(T.AddSeconds(1), T.AddMinutes(1))}")));
        Assert.Equal(["shop/checkout"], Targets(await DecisionsAsync($"?limit=1&{Range(T, T.AddMinutes(1))}")));
        // Without from/to: the last hour only.
        var recent = await DecisionsAsync("?target=shop/cart");
        Assert.Equal(5, Assert.Single(recent.GetProperty("decisions").EnumerateArray()).GetProperty("desired").GetInt32());
    }

    [Theory]
    [InlineData("?target=a/b/c", "target")]
    [InlineData("?target=/cart", "target")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=10001", "limit")]
    [InlineData("?limit=ten", "limit")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?to=1700000000000&from=1800000000000", "from")]
    public async Task Bad_parameters_are_refused_with_400_naming_them(string query, string parameter)
    {
        var response = await _server.Api.GetAsync($"/api/v1/scaling/decisions{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.StartsWith(parameter, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policies_without_a_controller_say_no_cluster_is_configured()
    {
        var answer = await _server.Api.GetFromJsonAsync<JsonElement>("/api/v1/scaling/policies");

        Assert.Equal(JsonValueKind.Null, answer.GetProperty("controller").ValueKind);
        Assert.Empty(answer.GetProperty("policies").EnumerateArray());
        Assert.Contains("./observe controller", answer.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>The policies endpoint's answer when a controller runs in the process.</summary>
public sealed class ScalingApiControllerTests
{
    private sealed class FixedStates(ControllerState state) : IControllerStates
    {
        public ControllerState Current => state;
    }

    private sealed class NoDecisions : IScalingDecisionLog
    {
        public Task AppendAsync(DecisionRecord record, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<DecisionRecord>> ReadAsync(DecisionQuery query, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<DecisionRecord>>([]);
    }

    [Fact]
    public async Task Policies_show_the_leader_and_each_policy_with_its_conditions()
    {
        var at = new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);
        var policy = new PolicyState("shop", "cart-policy", new ScaleTarget("apps/v1", "Deployment", "cart", "shop"), ScalingMode.Enforce, 3, 4, at, at.AddSeconds(15),
            [new ScalingReason(ReasonCodes.Demand, "demand needs 4")],
            [new PolicyCondition(ConditionTypes.AbleToScale, "True", "Scaled", "scaled to 4", at)], null);
        var api = new Observe.Collector.Api.ScalingApi(new NoDecisions(), TimeProvider.System, new FixedStates(new ControllerState("pod-a", false, "pod-b", [policy])));
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
        };
        using var body = new MemoryStream();
        context.Response.Body = body;

        await api.Policies().ExecuteAsync(context);

        var answer = JsonDocument.Parse(body.ToArray()).RootElement;
        var controller = answer.GetProperty("controller");
        Assert.Equal(("pod-a", false, "pod-b"), (controller.GetProperty("identity").GetString(), controller.GetProperty("leading").GetBoolean(), controller.GetProperty("leader").GetString()));
        var p = Assert.Single(answer.GetProperty("policies").EnumerateArray());
        Assert.Equal("cart-policy", p.GetProperty("name").GetString());
        Assert.Equal("enforce", p.GetProperty("mode").GetString());
        Assert.Equal(4, p.GetProperty("desired").GetInt32());
        Assert.Equal("cart", p.GetProperty("target").GetProperty("name").GetString());
        var condition = Assert.Single(p.GetProperty("conditions").EnumerateArray());
        Assert.Equal((ConditionTypes.AbleToScale, "True", "Scaled"), (condition.GetProperty("type").GetString(), condition.GetProperty("status").GetString(), condition.GetProperty("reason").GetString()));
        Assert.Equal(at, condition.GetProperty("lastTransitionTime").GetDateTimeOffset());
    }
}
