using System.Globalization;
using System.Text.RegularExpressions;
using Observe.Autoscaler.Scaling;
using Observe.Autoscaler.Scaling.Reading;
using D = Observe.Autoscaler.Scaling.Reading.ScalingPolicyDefaults;

namespace Observe.Autoscaler.Tests.Scaling.Reading;

/// <summary>The manual states the defaults the reader applies.</summary>
public class ScalingPolicyDefaultsTests
{
    private static string Readme([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../../../README.md"));

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Span(TimeSpan span) => $"`{PolicyDurations.Format(span)}`";

    [Fact]
    public void The_README_table_gives_the_defaults_the_reader_applies()
    {
        var readme = File.ReadAllText(Readme());
        var start = readme.IndexOf("## Scaling policies\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no Scaling policies section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var table = Regex.Matches(readme[start..end], @"^\| `([a-zA-Z.]+)` \| ([^|]+?) \|", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var expected = new Dictionary<string, string>
        {
            ["targetRef.apiVersion"] = $"`{D.TargetApiVersion}`",
            ["minReplicas"] = Number(D.MinReplicas),
            ["mode"] = D.Mode == ScalingMode.Enforce ? "`enforce`" : "`dryRun`",
            ["tick"] = Span(D.Tick),
            ["startup.delay"] = Span(D.Startup.Delay),
            ["startup.warmup"] = Span(D.Startup.Warmup),
            ["startup.warmupStartFactor"] = Number(D.Startup.WarmupStartFactor),
            ["burst.threshold"] = Number(D.Burst.Threshold),
            ["burst.window"] = Span(D.Burst.ShortWindow),
            ["burst.stableWindow"] = Span(D.Burst.StableWindow),
            ["burst.holdFor"] = Span(D.Burst.HoldFor),
            ["scaleUp.maxPercent"] = Number(D.ScaleUp.MaxPercent),
            ["scaleUp.maxPods"] = Number(D.ScaleUp.MaxPods),
            ["scaleUp.period"] = Span(D.ScaleUp.Period),
            ["scaleDown.stabilisation"] = Span(D.ScaleDown.Stabilisation),
            ["scaleDown.maxPercent"] = Number(D.ScaleDown.MaxPercent),
            ["scaleDown.maxPods"] = Number(D.ScaleDown.MaxPods),
            ["scaleDown.period"] = Span(D.ScaleDown.Period),
            ["prediction.enabled"] = D.Prediction.Enabled ? "`true`" : "`false`",
            ["prediction.seasonality"] = (D.Prediction.Daily, D.Prediction.Weekly) switch
            {
                (true, true) => "`[daily, weekly]`",
                (true, false) => "`[daily]`",
                (false, true) => "`[weekly]`",
                _ => "`[]`",
            },
            ["prediction.trendWindow"] = Span(D.Prediction.TrendWindow),
            ["prediction.minSeasons"] = Number(D.Prediction.MinSeasons),
            ["headroom.min"] = Number(D.Headroom.Min),
            ["headroom.max"] = Number(D.Headroom.Max),
        };
        foreach (var (field, text) in expected)
        {
            Assert.True(table.TryGetValue(field, out var written), $"README.md has no row for `{field}`");
            Assert.True(text == written, $"README.md says {written} for `{field}`, the reader applies {text}");
        }
    }
}
