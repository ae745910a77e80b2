using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Observe.Store.Mesh;
using Observe.Store.RowBinary;

namespace Observe.Collector.Tests.Api;

/// <summary>SLOs loaded from a directory, evaluated on stored requests, answered by the API; edits reloaded.</summary>
public sealed class SloApiTests : IAsyncLifetime
{
    private const string Availability = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: cart-availability
        spec:
          service: cart
          indicator:
            metadata:
              name: cart-errors
            spec:
              ratioMetric:
                counter: true
                bad:
                  metricSource:
                    type: Observe
                    spec:
                      status: [5xx]
                total:
                  metricSource:
                    type: Observe
                    spec:
                      service: cart
          timeWindow:
            - duration: 30d
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - target: 0.99
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("observe-slos-").FullName;
    private ObserveServer _server = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "cart.yaml"), Availability);
        _server = await ObserveServer.StartAsync(new Dictionary<string, string?>
        {
            ["Slo:Directory"] = _directory,
            ["Slo:Interval"] = "00:00:01",
            ["Slo:HistoryStep"] = "00:00:01",
            ["Slo:ReloadInterval"] = "00:00:00.200",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task AddRequestsAsync(int good, int bad)
    {
        using var w = new RowBinaryWriter();
        var at = DateTimeOffset.UtcNow.AddSeconds(-5);
        var cart = new MeshPeer("cart-v1", "shop", "cart", "v1", "c1", "zone-a");
        for (var i = 0; i < good + bad; i++)
        {
            var status = (ushort)(i < bad ? 503 : 200);
            MeshRequestRows.Write(w, new MeshRequest(at, new MeshPeer("front"), cart, MeshReporter.Destination, MeshOrigin.AccessLog, "http/1.1", "GET",
                "cart", "/api/cart/42", status, -1, [], TimeSpan.FromMilliseconds(20), 1, 1, true, status >= 500));
        }
        await _server.Store.InsertRowBinaryAsync($"`{_server.Database}`.{MeshSchema.Requests.Name}", MeshSchema.Requests.Columns, w.WrittenMemory);
    }

    private async Task<JsonElement> SlosAsync() => await _server.Api.GetFromJsonAsync<JsonElement>("/api/v1/slos");

    private static JsonElement Objective(JsonElement slos, string name) =>
        slos.GetProperty("slos").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name).GetProperty("objectives").EnumerateArray().Single();

    [Fact]
    public async Task Slos_show_the_sli_budget_burn_rates_and_alert_state_of_stored_requests()
    {
        await AddRequestsAsync(good: 95, bad: 5);

        JsonElement objective = default;
        Assert.True(await Loopback.EventuallyAsync(async () =>
        {
            var slos = await SlosAsync();
            var list = slos.GetProperty("slos").EnumerateArray().ToList();
            if (list.Count != 1 || list[0].GetProperty("objectives").GetArrayLength() == 0)
            {
                return false;
            }
            objective = Objective(slos, "cart-availability");
            return objective.GetProperty("total").GetInt64() == 100;
        }, TimeSpan.FromSeconds(30)), "the SLO never showed the 100 requests");

        Assert.Equal(0.95, objective.GetProperty("sli").GetDouble(), 9);
        Assert.Equal(0.99, objective.GetProperty("target").GetDouble(), 9);
        Assert.Equal(5.0, objective.GetProperty("budget").GetProperty("consumed").GetDouble(), 9);
        Assert.Equal(-4.0, objective.GetProperty("budget").GetProperty("remaining").GetDouble(), 9);
        var burns = objective.GetProperty("burnRates").EnumerateArray().ToDictionary(b => b.GetProperty("window").GetString()!, b => b.GetProperty("rate").GetDouble());
        Assert.Equal(["5m", "30m", "1h", "6h", "3d"], burns.Keys);
        Assert.All(burns.Values, r => Assert.Equal(5.0, r, 9));
        // 5 × is under every page threshold, over the ticket's 1 ×.
        Assert.Equal("ticket", objective.GetProperty("alert").GetProperty("state").GetString());

        // The same evaluations are stored: the history answers with points.
        Assert.True(await Loopback.EventuallyAsync(async () =>
        {
            var history = await _server.Api.GetFromJsonAsync<JsonElement>("/api/v1/slos/cart-availability?step=1s");
            return history.GetProperty("points").EnumerateArray().Any(p => p.GetProperty("total").GetInt64() == 100 && p.GetProperty("alertState").GetString() == "ticket");
        }, TimeSpan.FromSeconds(30)), "the history never held the evaluation");
    }

    [Fact]
    public async Task A_broken_edit_keeps_the_last_good_slo_and_is_reported_then_a_fix_applies()
    {
        Assert.True(await Loopback.EventuallyAsync(async () => (await SlosAsync()).GetProperty("slos").GetArrayLength() == 1, TimeSpan.FromSeconds(30)));

        await File.WriteAllTextAsync(Path.Combine(_directory, "cart.yaml"), Availability.Replace("target: 0.99", "target: 1.5", StringComparison.Ordinal));
        // A reload may catch the file half-written (and report that); the edit's own error follows.
        JsonElement slos = default;
        Assert.True(await Loopback.EventuallyAsync(async () =>
        {
            slos = await SlosAsync();
            return slos.GetProperty("findings").EnumerateArray().Any(f => f.GetProperty("severity").GetString() == "error"
                && f.GetProperty("file").GetString()!.EndsWith("cart.yaml", StringComparison.Ordinal)
                && (f.GetProperty("line").GetInt32(), f.GetProperty("column").GetInt32()) == (28, 15));
        }, TimeSpan.FromSeconds(30)), $"the broken edit was never reported at cart.yaml:28:15; last findings: {slos.GetProperty("findings")}");
        Assert.Equal("cart-availability", Assert.Single(slos.GetProperty("slos").EnumerateArray()).GetProperty("name").GetString());

        await File.WriteAllTextAsync(Path.Combine(_directory, "cart.yaml"), Availability.Replace("target: 0.99", "target: 0.9", StringComparison.Ordinal));
        Assert.True(await Loopback.EventuallyAsync(async () =>
        {
            var now = await SlosAsync();
            return now.GetProperty("findings").GetArrayLength() == 0
                && now.GetProperty("slos")[0].GetProperty("objectives").EnumerateArray().Any(o => o.GetProperty("target").GetDouble() == 0.9);
        }, TimeSpan.FromSeconds(30)), "the fixed file was never applied");
    }

    [Fact]
    public async Task Lint_answers_findings_with_line_and_column_and_warns_about_selectors_matching_nothing()
    {
        await AddRequestsAsync(good: 1, bad: 0);
        var yaml = Availability.Replace("service: cart\n  indicator", "service: cart\n  indicatr", StringComparison.Ordinal);
        using var broken = await _server.Api.PostAsync("/api/v1/slos/lint?file=mine.yaml", new StringContent(yaml));
        var answer = await broken.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, broken.StatusCode);
        Assert.False(answer.GetProperty("valid").GetBoolean());
        var finding = answer.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("message").GetString()!.StartsWith("unknown key", StringComparison.Ordinal));
        Assert.Equal(("mine.yaml", 7, 3), (finding.GetProperty("file").GetString(), finding.GetProperty("line").GetInt32(), finding.GetProperty("column").GetInt32()));
        Assert.Contains("indicator", finding.GetProperty("message").GetString());

        Assert.True(await Loopback.EventuallyAsync(async () =>
        {
            using var typo = await _server.Api.PostAsync("/api/v1/slos/lint", new StringContent(Availability.Replace("service: cart\n", "service: carts\n", StringComparison.Ordinal)));
            var findings = (await typo.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("findings").EnumerateArray().ToList();
            return findings.Count == 1 && findings[0].GetProperty("severity").GetString() == "warning" && findings[0].GetProperty("message").GetString()!.Contains("matched no request");
        }, TimeSpan.FromSeconds(30)), "a selector naming an unseen service was not warned about");
        using var clean = await _server.Api.PostAsync("/api/v1/slos/lint", new StringContent(Availability));
        Assert.Equal(0, (await clean.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public async Task History_of_an_unknown_slo_is_a_404_that_says_where_to_look()
    {
        using var response = await _server.Api.GetAsync("/api/v1/slos/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("/api/v1/slos", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }
}
