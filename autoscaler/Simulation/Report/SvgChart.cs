using System.Globalization;
using System.Security;
using System.Text;

namespace Observe.Autoscaler.Simulation.Report;

/// <summary>One series of a chart: minutes since the trace start against a value on the left or right axis.</summary>
/// <param name="Key">Names the series in the SVG (<c>data-series</c>), for scripts and tests.</param>
/// <param name="Steps">Drawn as a staircase: a count that holds until the next point (replicas).</param>
/// <param name="Filled">Shaded down to zero: the demand the other lines are read against.</param>
internal sealed record ChartSeries(string Key, string Label, string Colour, bool RightAxis, IReadOnlyList<(double X, double Y)> Points, bool Steps = false, bool Filled = false);

/// <summary>
/// A time chart written as SVG by hand: a title, a legend, a time axis in the trace's own dates
/// (UTC), requests/s on the left, replicas on the right, and one path per series.
/// </summary>
internal sealed class SvgChart(string title, DateTimeOffset start, double minutes, string leftLabel, string rightLabel)
{
    private const int Width = 1200, Height = 460, Left = 80, Right = Width - 80, Top = 80, Bottom = Height - 60;
    private readonly List<ChartSeries> _series = [];

    public SvgChart Add(ChartSeries series)
    {
        _series.Add(series with { Points = Downsampling.MaxPerBucket(series.Points, SvgPlot.MaxPoints) });
        return this;
    }

    public string Render()
    {
        var length = Math.Max(minutes, 1);
        var (leftStep, leftTop) = AxisTicks.Linear(Max(s => !s.RightAxis));
        var hasRight = _series.Any(s => s.RightAxis);
        var (rightStep, rightTop) = AxisTicks.Linear(Max(s => s.RightAxis), integers: true);
        double X(double minute) => Left + minute / length * (Right - Left);
        double Y(double value, bool right) => Bottom - value / (right ? rightTop : leftTop) * (Bottom - Top);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="sans-serif" font-size="12">""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="{Width}" height="{Height}" fill="#ffffff"/>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<clipPath id="plot"><rect x="{Left}" y="{Top}" width="{Right - Left}" height="{Bottom - Top}"/></clipPath>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left}" y="28" font-size="16" font-weight="bold">{Escape(title)}</text>""").Append('\n');

        // Horizontal grid and the value axes.
        svg.Append("""<g class="axis" stroke="#d9d9d9">""").Append('\n');
        for (var v = 0.0; v <= leftTop + leftStep / 2; v += leftStep)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" x2="{Right}" y1="{F(Y(v, false))}" y2="{F(Y(v, false))}"/>""").Append('\n');
        }
        svg.Append("</g>\n");
        svg.Append("""<g class="axis-labels" fill="#333333">""").Append('\n');
        for (var v = 0.0; v <= leftTop + leftStep / 2; v += leftStep)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left - 6}" y="{F(Y(v, false) + 4)}" text-anchor="end">{Value(v)}</text>""").Append('\n');
        }
        if (hasRight)
        {
            for (var v = 0.0; v <= rightTop + rightStep / 2; v += rightStep)
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Right + 6}" y="{F(Y(v, true) + 4)}">{Value(v)}</text>""").Append('\n');
            }
            svg.Append(CultureInfo.InvariantCulture, $"""<text transform="translate({Width - 20},{(Top + Bottom) / 2}) rotate(90)" text-anchor="middle">{Escape(rightLabel)}</text>""").Append('\n');
        }
        svg.Append(CultureInfo.InvariantCulture, $"""<text transform="translate(20,{(Top + Bottom) / 2}) rotate(-90)" text-anchor="middle">{Escape(leftLabel)}</text>""").Append('\n');

        // The time axis, in the trace's own dates.
        var span = TimeSpan.FromMinutes(length);
        var step = AxisTicks.TimeStep(span);
        var format = AxisTicks.TimeFormat(step, span);
        foreach (var tick in AxisTicks.Times(start, start + span, step))
        {
            var x = F(X((tick - start).TotalMinutes));
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{x}" x2="{x}" y1="{Top}" y2="{Bottom + 5}" stroke="#eeeeee"/>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{x}" y="{Bottom + 20}" text-anchor="middle">{tick.UtcDateTime.ToString(format, CultureInfo.InvariantCulture)}</text>""").Append('\n');
        }
        var end = start + span;
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{(Left + Right) / 2}" y="{Height - 14}" text-anchor="middle">time (UTC), {TimeText(start)} to {TimeText(end)}</text>""").Append('\n');
        svg.Append("</g>\n");
        svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{Left}" y="{Top}" width="{Right - Left}" height="{Bottom - Top}" fill="none" stroke="#999999"/>""").Append('\n');

        // Series, clipped to the plot.
        svg.Append("""<g clip-path="url(#plot)">""").Append('\n');
        foreach (var series in _series)
        {
            var d = Path(series, X, v => Y(v, series.RightAxis), length);
            var paint = series.Filled
                ? $"""fill="{series.Colour}" fill-opacity="0.18" stroke="{series.Colour}" stroke-width="1" """
                : $"""fill="none" stroke="{series.Colour}" stroke-width="1.6" """;
            svg.Append(CultureInfo.InvariantCulture, $"""<path class="series" data-series="{Escape(series.Key)}" {paint}stroke-linejoin="round" d="{d}"/>""").Append('\n');
        }
        svg.Append("</g>\n");

        // The legend, in a row under the title.
        svg.Append("""<g class="legend">""").Append('\n');
        var legendX = (double)Left;
        foreach (var series in _series)
        {
            var axis = hasRight ? series.RightAxis ? " (right)" : " (left)" : "";
            var label = series.Label + axis;
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{F(legendX)}" x2="{F(legendX + 22)}" y1="54" y2="54" stroke="{series.Colour}" stroke-width="{(series.Filled ? 8 : 3)}"{(series.Filled ? " stroke-opacity=\"0.4\"" : "")}/>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(legendX + 28)}" y="58">{Escape(label)}</text>""").Append('\n');
            legendX += 50 + 7 * label.Length;
        }
        svg.Append("</g>\n</svg>\n");
        return svg.ToString();
    }

    private double Max(Func<ChartSeries, bool> which) =>
        _series.Where(which).SelectMany(s => s.Points).Select(p => p.Y).Where(double.IsFinite).DefaultIfEmpty(0).Max();

    private static string Path(ChartSeries series, Func<double, double> x, Func<double, double> y, double length)
    {
        var points = series.Points.Where(p => double.IsFinite(p.Y)).ToList();
        if (points.Count == 0)
        {
            return "";
        }
        var d = new StringBuilder();
        d.Append(CultureInfo.InvariantCulture, $"M{F(x(points[0].X))},{F(series.Filled ? y(0) : y(points[0].Y))}");
        if (series.Filled)
        {
            d.Append(CultureInfo.InvariantCulture, $"L{F(x(points[0].X))},{F(y(points[0].Y))}");
        }
        for (var i = 1; i < points.Count; i++)
        {
            d.Append(series.Steps
                ? $"H{F(x(points[i].X))}V{F(y(points[i].Y))}"
                : $"L{F(x(points[i].X))},{F(y(points[i].Y))}");
        }
        // A point holds for its minute (or its bucket): carry the last one to the end of the trace.
        d.Append(series.Steps ? $"H{F(x(length))}" : $"L{F(x(length))},{F(y(points[^1].Y))}");
        if (series.Filled)
        {
            d.Append(CultureInfo.InvariantCulture, $"L{F(x(length))},{F(y(0))}Z");
        }
        return d.ToString();
    }

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Value(double value) => value.ToString(value >= 1000 ? "#,0" : "0.##", CultureInfo.InvariantCulture);

    private static string TimeText(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text);
}
