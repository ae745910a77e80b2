using Observe.Autoscaler.Slo;
using static Observe.Autoscaler.Tests.Slo.SloText;

namespace Observe.Autoscaler.Tests.Slo;

public class SloLintTests
{
    private static string ReplaceLast(string text, string old, string replacement)
    {
        var index = text.LastIndexOf(old, StringComparison.Ordinal);
        return text[..index] + replacement + text[(index + old.Length)..];
    }

    private static Finding ErrorFor(string yaml, string marker, string? after = null)
    {
        var set = Read(yaml);
        var error = SingleError(set);
        Assert.Equal(Pos(yaml, marker, after), error.Location);
        Assert.Empty(set.Slos);
        return error;
    }

    [Fact]
    public void The_base_document_is_clean() => Assert.Empty(Read(Ratio).Findings);

    [Fact]
    public void Unknown_kind_suggests_the_known_one()
    {
        var error = ErrorFor(Ratio.Replace("kind: SLO", "kind: SL0"), "SL0");
        Assert.Contains("did you mean `SLO`", error.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation(FileName, 2, 7), error.Location);
    }

    [Fact]
    public void Wrong_api_version_names_the_right_one()
    {
        var error = ErrorFor(Ratio.Replace("openslo/v1", "openslo/v1alpha"), "openslo/v1alpha");
        Assert.Contains("write `apiVersion: openslo/v1`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Target_out_of_range()
    {
        var error = ErrorFor(Ratio.Replace("target: 0.999", "target: 99.9"), "99.9");
        Assert.Equal(new SourceLocation(FileName, 25, 15), error.Location);
        Assert.Contains("targetPercent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Target_percent_out_of_range() =>
        ErrorFor(Ratio.Replace("target: 0.999", "targetPercent: 100"), "100");

    [Fact]
    public void Window_that_is_not_a_duration()
    {
        var error = ErrorFor(Ratio.Replace("duration: 30d", "duration: 30days"), "30days");
        Assert.Contains("e.g. `30d`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rolling_window_of_calendar_length_says_to_write_days()
    {
        var error = ErrorFor(Ratio.Replace("duration: 30d", "duration: 1M"), "1M");
        Assert.Contains("`30d`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calendar_window_without_calendar()
    {
        var yaml = Ratio.Replace("isRolling: true", "isRolling: false");
        var error = ErrorFor(yaml, "duration: 30d");
        Assert.Contains("calendar: {startTime", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_to_a_missing_sli()
    {
        const string yaml = """
            apiVersion: openslo/v1
            kind: SLO
            metadata:
              name: orders
            spec:
              service: orders
              indicatorRef: orders-errors
              budgetingMethod: Occurrences
              objectives: [{target: 0.99}]
            """;
        var error = ErrorFor(yaml, "orders-errors");
        Assert.Equal(new SourceLocation(FileName, 7, 17), error.Location);
        Assert.Contains("add a `kind: SLI` document", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_alert_condition()
    {
        var yaml = Ratio + """

              alertPolicies: [paging]
            ---
            apiVersion: openslo/v1
            kind: AlertPolicy
            metadata:
              name: paging
            spec:
              conditions:
                - conditionRef: fast-brun
            ---
            apiVersion: openslo/v1
            kind: AlertCondition
            metadata:
              name: fast-burn
            spec:
              severity: page
              condition: {kind: burnrate, threshold: 14.4, lookbackWindow: 1h}
            """;
        var error = ErrorFor(yaml, "fast-brun");
        Assert.Contains("did you mean `fast-burn`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_key_with_suggestion_at_the_key()
    {
        var yaml = Ratio.Replace("isRolling: true", "isRoling: true");
        var error = ErrorFor(yaml, "isRoling");
        Assert.Contains("did you mean `isRolling`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_key_far_from_any_lists_the_allowed_keys()
    {
        var error = ErrorFor(Ratio.Replace("service: checkout\n  indicator", "service: checkout\n  owner: me\n  indicator"), "owner");
        Assert.Contains("allowed keys are description, service", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_field_is_at_the_start_of_its_mapping()
    {
        var error = ErrorFor(Ratio.Replace("  service: checkout\n  indicator", "  indicator"), "indicator:");
        Assert.Contains("has no `service`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_syntax_error_at_its_location()
    {
        var yaml = Ratio.Replace("service: checkout\n  indicator", "service: checkout: eu\n  indicator");
        var set = Read(yaml);
        var error = SingleError(set);
        Assert.Equal(new SourceLocation(FileName, 6, 20), error.Location);
        Assert.StartsWith("YAML syntax:", error.Message, StringComparison.Ordinal);
        Assert.Empty(set.Slos);
    }

    [Fact]
    public void Not_a_mapping()
    {
        var error = ErrorFor("- just\n- a list\n", "- just");
        Assert.Contains("apiVersion", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_name_is_an_error_at_the_second_and_the_first_still_loads()
    {
        var yaml = Ratio + "\n---\n" + Ratio;
        var set = Read(yaml);
        var error = SingleError(set);
        Assert.Equal(Pos(yaml, "checkout-availability", after: "---"), error.Location);
        Assert.Contains("(the first is at slos.yaml:1:1)", error.Message, StringComparison.Ordinal);
        Assert.Single(set.Slos);
    }

    [Fact]
    public void Non_observe_metric_source()
    {
        var error = ErrorFor(ReplaceLast(Ratio, "type: Observe", "type: Prometheus"), "Prometheus");
        Assert.Contains("write `type: Observe`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metric_source_reference_is_not_supported()
    {
        var error = ErrorFor(ReplaceLast(Ratio, "type: Observe", "metricSourceRef: prom"), "metricSourceRef");
        Assert.Contains("not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_status_class_at_the_item()
    {
        var error = ErrorFor(Ratio.Replace("status: [5xx]", "status: [5xx, 6xx]"), "6xx");
        Assert.Contains("`1xx`..`5xx`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_metric_source_key_names_the_allowed_ones()
    {
        var error = ErrorFor(Ratio.Replace("service: checkout\n  timeWindow", "servce: checkout\n  timeWindow"), "servce");
        Assert.Contains("did you mean `service`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Total_with_a_condition()
    {
        var error = ErrorFor(Ratio.Replace("service: checkout\n  timeWindow", "service: checkout\n              latency: {le: 1s}\n  timeWindow"), "latency");
        Assert.Contains("move `status`, `grpcStatus` or `latency` to `good` or `bad`", error.Message, StringComparison.Ordinal);
    }

    private const string Threshold = """
        apiVersion: openslo/v1
        kind: SLI
        metadata:
          name: p99
        spec:
          thresholdMetric:
            metricSource: {type: Observe, spec: {service: reviews, metric: latency}}
        ---
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: reviews-latency
        spec:
          service: reviews
          indicatorRef: p99
          budgetingMethod: Timeslices
          objectives:
            - target: 0.99
              op: lte
              timeSliceWindow: 5m
        """;

    [Fact]
    public void Threshold_objective_missing_value()
    {
        var error = ErrorFor(Threshold, "target: 0.99");
        Assert.Contains("has no `value`", error.Message, StringComparison.Ordinal);
        Assert.Contains("value: 300", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Threshold_objective_missing_op_and_value()
    {
        var error = ErrorFor(Threshold.Replace("      op: lte\n", ""), "target: 0.99");
        Assert.Contains("has no `op` and `value`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeslices_without_a_slice_window()
    {
        var yaml = Threshold.Replace("      op: lte\n      timeSliceWindow: 5m", "      op: lte\n      value: 300");
        var error = ErrorFor(yaml, "target: 0.99");
        Assert.Contains("timeSliceWindow: 5m", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ratio_timeslices_without_a_slice_target()
    {
        var yaml = Ratio.Replace("budgetingMethod: Occurrences", "budgetingMethod: Timeslices").Replace("- target: 0.999", "- target: 0.999\n      timeSliceWindow: 5m");
        var error = ErrorFor(yaml, "target: 0.999");
        Assert.Contains("timeSliceTarget: 0.95", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_name_suggests_one()
    {
        var error = ErrorFor(Ratio.Replace("name: checkout-availability", "name: Checkout_Availability"), "Checkout_Availability");
        Assert.Contains("e.g. `checkout-availability`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_leaves_out_only_its_own_slo()
    {
        var broken = Ratio.Replace("checkout-availability", "other").Replace("status: [5xx]", "status: [50x]");
        var set = SloDocuments.Read([new SloSource("a.yaml", Ratio), new SloSource("b.yaml", broken)]);
        Assert.Equal("checkout-availability", Assert.Single(set.Slos).Name);
        Assert.Equal("b.yaml", SingleError(set).Location.File);
    }

    private sealed class FakeCatalog(params string[] servicesWithTraffic) : ISelectorCatalog
    {
        public List<(RequestSelector Selector, DateTimeOffset Since)> Asked { get; } = [];

        public Task<bool> AnyRequestsAsync(RequestSelector selector, DateTimeOffset since, CancellationToken cancellationToken)
        {
            Asked.Add((selector, since));
            return Task.FromResult(selector.Service is { } service && servicesWithTraffic.Contains(service));
        }
    }

    [Fact]
    public async Task Selector_that_matched_nothing_in_a_day_is_a_warning_at_its_spec()
    {
        var yaml = Ratio + "\n---\n" + Ratio.Replace("checkout-availability", "carts").Replace("service: checkout\n  timeWindow", "service: carts\n  timeWindow");
        var set = Read(yaml);
        var time = new ManualTime();
        var catalog = new FakeCatalog("checkout");

        var findings = await SloLint.CheckSelectorsAsync(set, catalog, time, CancellationToken.None);

        var warning = Assert.Single(findings);
        Assert.Equal(FindingSeverity.Warning, warning.Severity);
        Assert.Equal(Pos(yaml, "service: carts"), warning.Location);
        Assert.Equal("selector {service=carts} matched no request since 2026-11-20 00:00:00Z: check the names against /api/v1/services", warning.Message);
        // The inherited bad selector is the total's: asked once per distinct selector.
        Assert.Equal(2, catalog.Asked.Count);
        Assert.All(catalog.Asked, a => Assert.Equal(time.GetUtcNow().AddHours(-24), a.Since));
    }
}

/// <summary>Warnings that do not stop an SLO from loading.</summary>
public class SloLintWarningTests
{
    [Fact]
    public void Latency_threshold_between_histogram_bounds_is_a_warning_naming_the_nearest_bounds()
    {
        var yaml = SloText.Ratio.Replace("status: [5xx]", "latency: {gt: 350ms}", StringComparison.Ordinal);
        var set = SloText.Read(yaml);

        var warning = Assert.Single(set.Findings);
        Assert.Equal(FindingSeverity.Warning, warning.Severity);
        Assert.Equal(SloText.Pos(yaml, "350ms"), warning.Location);
        Assert.Contains("write 300 ms or 400 ms", warning.Message, StringComparison.Ordinal);
        Assert.Single(set.Slos);
        Assert.Empty(SloText.Read(SloText.Ratio.Replace("status: [5xx]", "latency: {gt: 300ms}", StringComparison.Ordinal)).Findings);
    }
}
