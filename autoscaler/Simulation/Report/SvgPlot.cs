using System.Globalization;

namespace Observe.Autoscaler.Simulation.Report;

/// <summary>The report's plots, from each run's minutes: one chart per scaler and one overview of them all.</summary>
internal static class SvgPlot
{
    /// <summary>Points per series at most, whatever the trace's length.</summary>
    public const int MaxPoints = 2000;

    private const string DemandColour = "#0072B2", CapacityColour = "#E69F00", ReplicasColour = "#009E73";

    // Okabe–Ito: told apart also with the common colour-vision deficiencies.
    private static readonly string[] PolicyColours = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

    /// <summary>Demand and capacity (requests/s, left) and replicas (right) of one run.</summary>
    public static string Policy(string traceName, DateTimeOffset start, SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var title = $"{traceName} · {result.Policy}: {Percent(result.GoodShare)} good, {result.ViolationMinutes} violation minutes, {result.ReplicaHours.ToString("#,0.0", CultureInfo.InvariantCulture)} replica-hours";
        return new SvgChart(title, start, Length(result), "requests/s", "replicas")
            .Add(new ChartSeries("demand", "demand", DemandColour, false, [.. result.Minutes.Select(m => ((double)m.Minute, m.Demand))], Filled: true))
            .Add(new ChartSeries("capacity", "capacity (Σ μ × warm-up)", CapacityColour, false, [.. result.Minutes.Select(m => ((double)m.Minute, m.Capacity))]))
            .Add(new ChartSeries("replicas", "replicas", ReplicasColour, true, [.. result.Minutes.Select(m => ((double)m.Minute, (double)m.Replicas))], Steps: true))
            .Render();
    }

    /// <summary>The demand and every run's replicas on one chart.</summary>
    public static string Overview(string traceName, DateTimeOffset start, IReadOnlyList<SimulationResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var chart = new SvgChart($"{traceName}: demand and replicas", start, results.Select(Length).DefaultIfEmpty(0).Max(), "requests/s", "replicas");
        // The runs share the trace, so any of them carries the demand.
        chart.Add(new ChartSeries("demand", "demand", "#999999", false,
            [.. (results.FirstOrDefault()?.Minutes ?? []).Select(m => ((double)m.Minute, m.Demand))], Filled: true));
        for (var i = 0; i < results.Count; i++)
        {
            chart.Add(new ChartSeries(results[i].Policy, $"{results[i].Policy} replicas", PolicyColours[i % PolicyColours.Length], true,
                [.. results[i].Minutes.Select(m => ((double)m.Minute, (double)m.Replicas))], Steps: true));
        }
        return chart.Render();
    }

    private static double Length(SimulationResult result) => result.Minutes.Count == 0 ? 0 : result.Minutes[^1].Minute + 1;

    private static string Percent(double share) => double.IsFinite(share) ? $"{(share * 100).ToString("0.###", CultureInfo.InvariantCulture)} %" : "no requests,";
}
