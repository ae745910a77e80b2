using Observe.Autoscaler.Slo;
using static Observe.Autoscaler.Tests.Slo.SliData;

namespace Observe.Autoscaler.Tests.Slo;

public sealed class SloExplanationTests
{
    [Fact]
    public void Occurrences_budget_is_put_as_requests_per_million_and_minutes_of_outage()
    {
        var text = SloExplanation.Describe(Define("cart", "cart", 0.999));

        Assert.Contains("target 99.9 %", text, StringComparison.Ordinal);
        Assert.Contains("1,000 bad per million", text, StringComparison.Ordinal);
        Assert.Contains("a full outage may last 43.2 min per 30 d", text, StringComparison.Ordinal);
        // 14.4 × over an hour of a 30-day budget spends 2 % of it; all of it in 30 / 14.4 days.
        Assert.Contains("both reach 14.4×: 2 % of the budget gone in 1 h, all of it in 2.08 d", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeslices_budget_is_put_as_bad_slices()
    {
        var slo = Define("slices", "cart", 0.99, SloWindow.Rolling(TimeSpan.FromDays(1)), budgeting: BudgetingMethod.Timeslices,
            objective: new SloObjective("0", 0.99, TimeSliceTarget: 0.95, TimeSliceWindow: TimeSpan.FromMinutes(5)));

        var text = SloExplanation.Describe(slo);

        Assert.Contains("slices of 5 min; a slice with traffic is good when its SLI is at least 95 %", text, StringComparison.Ordinal);
        Assert.Contains("1 d hold 288 slices; the budget is 1 % of them: 2.88 bad slices (14.4 min)", text, StringComparison.Ordinal);
    }
}
