using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using Observe.Autoscaler.Simulation.Report;

namespace Observe.Autoscaler.Tests.Simulation.Report;

public sealed class SvgPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static IReadOnlyList<XElement> Series(XDocument svg) =>
        [.. svg.Descendants(Svg + "path").Where(p => (string?)p.Attribute("class") == "series")];

    [Fact]
    public void A_policy_chart_is_well_formed_with_demand_capacity_and_replicas_and_a_legend()
    {
        var svg = XDocument.Parse(SvgPlot.Policy("worldcup <slice> & more", Results.Start, Results.Run("observe", 30)));
        Assert.Equal(["demand", "capacity", "replicas"], Series(svg).Select(p => (string?)p.Attribute("data-series")));
        var legend = Assert.Single(svg.Descendants(Svg + "g"), g => (string?)g.Attribute("class") == "legend");
        Assert.Equal(["demand (left)", "capacity (Σ μ × warm-up) (left)", "replicas (right)"], legend.Elements(Svg + "text").Select(t => t.Value));
        Assert.StartsWith("worldcup <slice> & more · observe", svg.Descendants(Svg + "text").First().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Time_ticks_are_in_the_traces_own_dates()
    {
        var svg = XDocument.Parse(SvgPlot.Policy("t", Results.Start, Results.Run("observe", 30)));
        var labels = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        // Two hours from 1998-06-10 00:00: ticks every 15 minutes, and the range spelled out.
        Assert.Contains("00:15", labels);
        Assert.Contains("01:45", labels);
        Assert.Contains("time (UTC), 1998-06-10 00:00 to 1998-06-10 02:00", labels);
    }

    [Fact]
    public void The_overview_holds_demand_and_every_policys_replicas()
    {
        var svg = XDocument.Parse(SvgPlot.Overview("t", Results.Start, [Results.Run("observe", 30), Results.Run("hpa", 45), Results.Run("kpa", 40), Results.Run("oracle", 20)]));
        Assert.Equal(["demand", "observe", "hpa", "kpa", "oracle"], Series(svg).Select(p => (string?)p.Attribute("data-series")));
        Assert.Equal(5, Series(svg).Select(p => (string?)p.Attribute("stroke")).Distinct().Count());
        Assert.Equal(5, svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend").Elements(Svg + "text").Count());
    }

    [Fact]
    public void A_long_run_is_drawn_with_at_most_2000_points_per_series_and_keeps_its_peak()
    {
        // 87 days of minutes, one spike of 90 replicas in the middle.
        var replicas = Enumerable.Range(0, 125_310).Select(m => m == 62_001 ? 90 : 3).ToList();
        var svg = XDocument.Parse(SvgPlot.Policy("worldcup", Results.Start, Results.Run("observe", 30, replicas)));
        foreach (var path in Series(svg))
        {
            var d = (string)path.Attribute("d")!;
            Assert.True(d.Count(c => c is 'L' or 'H') <= SvgPlot.MaxPoints + 3, $"{path.Attribute("data-series")}: {d.Length} characters");
        }
        // The replicas' top tick is the spike's 90 (or the round number above it), not the baseline's 3.
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value is "90" or "100");
    }

    [Fact]
    public void Downsampling_keeps_each_buckets_maximum()
    {
        var gen = from values in Gen.ArrayOf(Gen.Choose(0, 1000)).Where(v => v.Length > 0)
                  from max in Gen.Choose(1, 50)
                  select (values, max);
        Prop.ForAll(Arb.From(gen), x =>
        {
            var points = x.values.Select((v, i) => ((double)i, (double)v)).ToList();
            var kept = Downsampling.MaxPerBucket(points, x.max);
            var size = (int)Math.Ceiling(points.Count / (double)x.max);
            return kept.Count <= x.max
                && kept.Max(p => p.Y) == x.values.Max()
                && kept.Select((p, b) => p.Y == x.values.Skip(b * size).Take(size).Max() && p.X == b * size).All(ok => ok);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_run_without_minutes_still_draws_a_well_formed_chart()
    {
        var svg = XDocument.Parse(SvgPlot.Policy("empty", Results.Start, Results.Run("observe", 0, replicas: [])));
        Assert.Equal(3, Series(svg).Count);
    }
}
