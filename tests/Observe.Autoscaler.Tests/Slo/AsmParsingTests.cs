using Observe.Autoscaler.Slo;
using static Observe.Autoscaler.Tests.Slo.SloText;

namespace Observe.Autoscaler.Tests.Slo;

public class AsmParsingTests
{
    private const string Asm = """
        apiVersion: istio.alibabacloud.com/v1beta1
        kind: ServiceLevelObjective
        metadata:
          name: asm-slo-default-httpbin
          namespace: default
        spec:
          service: httpbin
          period: 7d
          labels:
            owner: web-team
          slos:
            - name: availability
              objective: "99.9"
              labels:
                description: httpbin answers
              sli:
                plugin:
                  id: availability
              alerting:
                name: httpbin-alert
                pageAlert:
                  labels: {severity: "10"}
            - name: latency
              objective: 99.5%
              sli:
                plugin:
                  id: latency
                  options:
                    threshold: 250
        """;

    [Fact]
    public void Each_slos_item_becomes_a_ratio_of_bad_requests()
    {
        var set = Read(Asm);
        Assert.True(set.Findings.Count == 0, string.Join("\n", set.Findings));
        Assert.Equal(2, set.Slos.Count);
        var selector = new RequestSelector(RequestSource.Mesh, Namespace: "default", Service: "httpbin");
        var window = SloWindow.Rolling(TimeSpan.FromDays(7));

        var availability = set.Slos[0];
        Assert.Equal("asm-slo-default-httpbin-availability", availability.Name);
        Assert.Equal("httpbin", availability.Service);
        Assert.Equal(SloFormat.AlibabaAsm, availability.Format);
        Assert.Equal(BudgetingMethod.Occurrences, availability.Budgeting);
        Assert.Equal(window, availability.Window);
        Assert.Equal(BurnRateDefaults.For(window), availability.Alerts);
        Assert.Equal("availability", Assert.Single(availability.Objectives).Name);
        Assert.Equal(0.999, availability.Objectives[0].Target, 12);
        Assert.Equal(Pos(Asm, "name: availability"), availability.Location);
        var ratio = Assert.IsType<RatioIndicator>(availability.Indicator);
        Assert.True(ratio.CountsBad);
        Assert.Equal(selector, ratio.Total.Selector);
        Assert.True(ratio.Total.Condition.MatchesEverything);
        Assert.Equal(selector, ratio.Counted.Selector);
        Assert.Equal([new StatusMatch(500, 599), new StatusMatch(429, 429)], ratio.Counted.Condition.Statuses);

        var latency = set.Slos[1];
        Assert.Equal("asm-slo-default-httpbin-latency", latency.Name);
        Assert.Equal(0.995, latency.Objectives[0].Target, 12);
        var slow = Assert.IsType<RatioIndicator>(latency.Indicator);
        Assert.True(slow.CountsBad);
        Assert.Empty(slow.Counted.Condition.Statuses);
        Assert.Equal(TimeSpan.FromMilliseconds(250), slow.Counted.Condition.LatencyAbove);
        Assert.Null(slow.Counted.Condition.LatencyAtMost);
    }

    [Fact]
    public void A_promql_filter_is_ignored_with_a_warning()
    {
        var yaml = Asm.Replace("id: availability", "id: availability\n          options:\n            filter: request_protocol=\"http\"");
        var set = Read(yaml);
        Assert.Equal(2, set.Slos.Count);
        var warning = Assert.Single(set.Findings);
        Assert.Equal(FindingSeverity.Warning, warning.Severity);
        Assert.Equal(Pos(yaml, "filter:"), warning.Location);
    }

    [Fact]
    public void A_hundred_percent_objective_is_an_error_at_the_value()
    {
        var yaml = Asm.Replace("objective: \"99.9\"", "objective: \"100\"");
        var error = SingleError(Read(yaml));
        Assert.Equal(Pos(yaml, "\"100\""), error.Location);
        Assert.Contains("write e.g.", error.Message, StringComparison.Ordinal);
    }
}
