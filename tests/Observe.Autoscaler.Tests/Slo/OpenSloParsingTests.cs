using Observe.Autoscaler.Slo;
using static Observe.Autoscaler.Tests.Slo.SloText;

namespace Observe.Autoscaler.Tests.Slo;

public class OpenSloParsingTests
{
    private static SloDefinition Single(SloDocumentSet set)
    {
        Assert.True(set.Findings.Count == 0, string.Join("\n", set.Findings));
        return Assert.Single(set.Slos);
    }

    [Fact]
    public void Ratio_good_over_total_inline_rolling()
    {
        const string yaml = """
            apiVersion: openslo/v1
            kind: SLO
            metadata:
              name: checkout-ok
              displayName: Checkout OK
            spec:
              description: Fast successful checkouts
              service: checkout
              indicator:
                metadata:
                  name: checkout-good
                spec:
                  ratioMetric:
                    counter: true
                    good:
                      metricSource:
                        type: observe
                        spec:
                          status: [2xx, "304"]
                          latency: {le: 300ms}
                    total:
                      metricSource:
                        type: Observe
                        spec:
                          namespace: shop
                          service: checkout
                          method: POST
              timeWindow:
                - duration: 7d
                  isRolling: true
              budgetingMethod: Occurrences
              objectives:
                - displayName: fast and ok
                  target: 0.995
            """;
        var slo = Single(Read(yaml));
        Assert.Equal("checkout-ok", slo.Name);
        Assert.Equal("Checkout OK", slo.DisplayName);
        Assert.Equal("Fast successful checkouts", slo.Description);
        Assert.Equal("checkout", slo.Service);
        var ratio = Assert.IsType<RatioIndicator>(slo.Indicator);
        Assert.Equal("checkout-good", ratio.Name);
        Assert.False(ratio.CountsBad);
        var selector = new RequestSelector(Namespace: "shop", Service: "checkout", Method: "POST");
        Assert.Equal(selector, ratio.Total.Selector);
        Assert.True(ratio.Total.Condition.MatchesEverything);
        Assert.Equal(Pos(yaml, "namespace: shop"), ratio.Total.Location);
        Assert.Equal(selector, ratio.Counted.Selector); // inherited: good names no selector field
        Assert.Equal([new StatusMatch(200, 299), new StatusMatch(304, 304)], ratio.Counted.Condition.Statuses);
        Assert.Empty(ratio.Counted.Condition.GrpcStatuses);
        Assert.Equal(TimeSpan.FromMilliseconds(300), ratio.Counted.Condition.LatencyAtMost);
        Assert.Null(ratio.Counted.Condition.LatencyAbove);
        Assert.Equal(Pos(yaml, "status: [2xx"), ratio.Counted.Location);
        Assert.Equal([new SloObjective("fast and ok", 0.995)], slo.Objectives);
        Assert.Equal(SloWindow.Rolling(TimeSpan.FromDays(7)), slo.Window);
        Assert.Equal(BudgetingMethod.Occurrences, slo.Budgeting);
        Assert.Equal(BurnRateDefaults.For(slo.Window), slo.Alerts);
        Assert.Equal(SloFormat.OpenSlo, slo.Format);
        Assert.Equal(new SourceLocation(FileName, 1, 1), slo.Location);
    }

    [Fact]
    public void Ratio_bad_over_total_by_reference_with_target_percent_and_calendar_window()
    {
        const string yaml = """
            apiVersion: openslo/v1
            kind: SLI
            metadata:
              name: payments-errors
            spec:
              ratioMetric:
                bad:
                  metricSource:
                    type: Observe
                    spec:
                      service: payments
                      grpcStatus: [UNAVAILABLE, 4]
                total:
                  metricSource:
                    type: Observe
                    spec:
                      source: spans
                      service: payments
                      operation: pay.Payments/*
            ---
            apiVersion: openslo/v1
            kind: SLO
            metadata:
              name: payments-availability
            spec:
              service: payments
              indicatorRef: payments-errors
              timeWindow:
                - duration: 1w
                  calendar:
                    startTime: 2026-01-05 00:00:00
                    timeZone: America/New_York
              budgetingMethod: Occurrences
              objectives:
                - name: available
                  targetPercent: 99.5
            """;
        var slo = Single(Read(yaml));
        Assert.Equal("payments-availability", slo.Name);
        Assert.Null(slo.DisplayName);
        Assert.Null(slo.Description);
        var ratio = Assert.IsType<RatioIndicator>(slo.Indicator);
        Assert.Equal("payments-errors", ratio.Name);
        Assert.True(ratio.CountsBad);
        Assert.Equal(new RequestSelector(RequestSource.Spans, Service: "payments", Operation: "pay.Payments/*"), ratio.Total.Selector);
        Assert.Equal(new RequestSelector(Service: "payments"), ratio.Counted.Selector); // its own, not inherited
        Assert.Equal([14, 4], ratio.Counted.Condition.GrpcStatuses);
        Assert.Empty(ratio.Counted.Condition.Statuses);
        Assert.Equal("available", slo.Objectives[0].Name);
        Assert.Equal(0.995, slo.Objectives[0].Target, 12);
        Assert.False(slo.Window.IsRolling);
        Assert.Equal(CalendarUnit.Week, slo.Window.Unit);
        Assert.Equal(1, slo.Window.Count);
        Assert.Equal(TimeSpan.FromDays(7), slo.Window.Duration);
        Assert.Equal(new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Unspecified), slo.Window.CalendarStart);
        Assert.Equal(DateTimeKind.Unspecified, slo.Window.CalendarStart!.Value.Kind);
        Assert.Equal(TimeZoneInfo.FindSystemTimeZoneById("America/New_York"), slo.Window.TimeZone);
        Assert.Equal(Pos(yaml, "apiVersion", after: "---"), slo.Location);
    }

    [Fact]
    public void Threshold_latency_p99_with_timeslices()
    {
        const string yaml = """
            apiVersion: openslo/v1
            kind: SLO
            metadata:
              name: search-latency
            spec:
              service: search
              indicator:
                metadata:
                  name: search-p99
                spec:
                  thresholdMetric:
                    metricSource:
                      type: Observe
                      spec:
                        service: search
                        route: /api/search
                        status: [2xx]
                        metric: latency
              timeWindow:
                - duration: 14d
                  isRolling: true
              budgetingMethod: Timeslices
              objectives:
                - displayName: p99 below 250 ms
                  op: lt
                  value: 250
                  target: 0.99
                  timeSliceWindow: 2
            """;
        var slo = Single(Read(yaml));
        var threshold = Assert.IsType<ThresholdIndicator>(slo.Indicator);
        Assert.Equal("search-p99", threshold.Name);
        Assert.Equal(ThresholdMetric.LatencyMillis, threshold.Metric);
        Assert.Equal(0.99, threshold.Quantile);
        Assert.Equal(new RequestSelector(Service: "search", Route: "/api/search"), threshold.Requests.Selector);
        Assert.Equal([new StatusMatch(200, 299)], threshold.Requests.Condition.Statuses);
        Assert.Equal(BudgetingMethod.Timeslices, slo.Budgeting);
        Assert.Equal([new SloObjective("p99 below 250 ms", 0.99, ComparisonOp.Lt, 250, null, TimeSpan.FromMinutes(2))], slo.Objectives);
        Assert.Equal(SloWindow.Rolling(TimeSpan.FromDays(14)), slo.Window);
    }

    [Fact]
    public void Ratio_timeslices_keep_the_slice_target()
    {
        var yaml = Ratio.Replace("budgetingMethod: Occurrences", "budgetingMethod: RatioTimeslices")
            .Replace("- target: 0.999", "- target: 0.999\n      timeSliceTarget: 0.95\n      timeSliceWindow: 1h");
        var slo = Single(Read(yaml));
        Assert.Equal(BudgetingMethod.Timeslices, slo.Budgeting);
        Assert.Equal(new SloObjective("0", 0.999, null, null, 0.95, TimeSpan.FromHours(1)), slo.Objectives[0]);
    }

    private const string PolicyDocuments = """
        ---
        apiVersion: openslo/v1
        kind: AlertPolicy
        metadata:
          name: slow-burn
        spec:
          alertWhenBreaching: true
          conditions:
            - conditionRef: six-hour-burn
          notificationTargets:
            - targetRef: on-call
        ---
        apiVersion: openslo/v1
        kind: AlertCondition
        metadata:
          name: six-hour-burn
        spec:
          severity: ticket
          condition:
            kind: burnrate
            op: gt
            threshold: 6
            lookbackWindow: 6h
            alertAfter: 10m
        ---
        apiVersion: openslo/v1
        kind: AlertNotificationTarget
        metadata:
          name: on-call
        spec:
          target: email
        ---
        apiVersion: openslo/v1
        kind: Service
        metadata:
          name: checkout
        spec:
          description: The shop's checkout
        ---
        apiVersion: openslo/v1
        kind: DataSource
        metadata:
          name: observe
        spec:
          type: Observe
          connectionDetails: {}
        """;

    [Fact]
    public void Alert_policies_inline_and_by_reference_with_condition_by_reference()
    {
        var yaml = Ratio + """

              alertPolicies:
                - kind: AlertPolicy
                  metadata:
                    name: fast-burn
                  spec:
                    conditions:
                      - kind: AlertCondition
                        metadata:
                          name: one-hour-burn
                        spec:
                          severity: page
                          condition:
                            kind: burnrate
                            threshold: 14.4
                            lookbackWindow: 1h
                - slow-burn
            """ + "\n" + PolicyDocuments;
        var slo = Single(Read(yaml));
        Assert.Equal(
            [
                new BurnRateCondition("one-hour-burn", "page", 14.4, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), TimeSpan.Zero),
                new BurnRateCondition("six-hour-burn", "ticket", 6, TimeSpan.FromHours(6), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(10)),
            ],
            slo.Alerts);
    }

    [Fact]
    public void A_directory_of_files_resolves_references_across_files_in_path_order()
    {
        var dir = Directory.CreateTempSubdirectory("slo-dir-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "slis"));
            System.IO.File.WriteAllText(Path.Combine(dir.FullName, "slis", "errors.yml"), """
                apiVersion: openslo/v1
                kind: SLI
                metadata:
                  name: cart-errors
                spec:
                  ratioMetric:
                    bad: {metricSource: {type: Observe, spec: {status: 5xx}}}
                    total: {metricSource: {type: Observe, spec: {service: cart}}}
                """);
            System.IO.File.WriteAllText(Path.Combine(dir.FullName, "b-policies.yaml"), PolicyDocuments);
            System.IO.File.WriteAllText(Path.Combine(dir.FullName, "a-cart.yaml"), """
                apiVersion: openslo/v1
                kind: SLO
                metadata:
                  name: cart-availability
                spec:
                  service: cart
                  indicatorRef: cart-errors
                  budgetingMethod: Occurrences
                  objectives: [{target: 0.99}]
                  alertPolicies: [{alertPolicyRef: slow-burn}]
                """);
            System.IO.File.WriteAllText(Path.Combine(dir.FullName, "notes.txt"), "not: [yaml");

            var set = SloDocuments.ReadPath(dir.FullName);

            Assert.True(set.Findings.Count == 0, string.Join("\n", set.Findings));
            var slo = Assert.Single(set.Slos);
            Assert.Equal(Path.Combine(dir.FullName, "a-cart.yaml"), slo.Location.File);
            var ratio = Assert.IsType<RatioIndicator>(slo.Indicator);
            Assert.Equal("cart-errors", ratio.Name);
            Assert.Equal(new RequestSelector(Service: "cart"), ratio.Counted.Selector);
            Assert.Equal([new StatusMatch(500, 599)], ratio.Counted.Condition.Statuses);
            Assert.Equal(SloWindow.Rolling(TimeSpan.FromDays(30)), slo.Window); // no timeWindow: 30 days rolling
            Assert.Equal("six-hour-burn", Assert.Single(slo.Alerts).Name);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_path_is_a_finding_not_an_exception()
    {
        var set = SloDocuments.ReadPath("/nonexistent/slos");
        var error = SingleError(set);
        Assert.Equal(new SourceLocation("/nonexistent/slos", 1, 1), error.Location);
        Assert.Contains("no such file or directory", error.Message, StringComparison.Ordinal);
        Assert.Empty(set.Slos);
    }
}
