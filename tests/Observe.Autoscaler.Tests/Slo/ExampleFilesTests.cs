using Observe.Autoscaler.Slo;

namespace Observe.Autoscaler.Tests.Slo;

public class ExampleFilesTests
{
    private static string Examples([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../../deploy/examples/slos"));

    [Theory]
    [InlineData("checkout-availability.yaml", "checkout-availability")]
    [InlineData("reviews-latency.yaml", "reviews-latency")]
    [InlineData("asm-productpage.yaml", "asm-slo-bookinfo-productpage-availability", "asm-slo-bookinfo-productpage-latency")]
    public void Each_example_reads_clean(string file, params string[] names)
    {
        var set = SloDocuments.ReadPath(Path.Combine(Examples(), file));
        Assert.True(set.Findings.Count == 0, string.Join("\n", set.Findings));
        Assert.Equal(names, set.Slos.Select(s => s.Name));
    }

    [Fact]
    public void The_examples_say_what_they_promise()
    {
        var set = SloDocuments.ReadPath(Examples());
        Assert.Empty(set.Findings);
        var checkout = set.Slos.Single(s => s.Name == "checkout-availability");
        Assert.Equal(new BurnRateCondition("checkout-fast-burn", "page", 14.4, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(2)), Assert.Single(checkout.Alerts));
        var reviews = set.Slos.Single(s => s.Name == "reviews-latency");
        Assert.Equal(CalendarUnit.Month, reviews.Window.Unit);
        Assert.Equal("Europe/Berlin", reviews.Window.TimeZone!.Id);
        Assert.Equal(new SloObjective("p99-under-300ms", 0.99, ComparisonOp.Lte, 300, null, TimeSpan.FromMinutes(5)), Assert.Single(reviews.Objectives));
    }
}
