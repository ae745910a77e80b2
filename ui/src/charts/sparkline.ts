// A small SVG line of one value over time. Gaps (null: no traffic, nothing measured) break the
// line instead of being drawn as zero, so "idle" never looks like "fast".

const svgNs = "http://www.w3.org/2000/svg";

export interface SparklineOptions {
  testid: string;
  title: string;
  format: (value: number) => string;
  width?: number;
  height?: number;
  /** Position (0-based) of a point to mark, e.g. the replay frame shown. */
  marker?: number | null;
}

/** Point lists of the line's unbroken runs, scaled into width × height (pure, for tests and drawing). */
export function sparklinePaths(values: readonly (number | null)[], width: number, height: number): string[] {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return [];
  const min = Math.min(0, ...present);
  const max = Math.max(...present);
  const span = max - min || 1;
  const stepX = values.length > 1 ? width / (values.length - 1) : 0;
  const runs: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (current.length > 0) runs.push(current.join(" "));
      current = [];
      return;
    }
    const x = values.length > 1 ? i * stepX : width / 2;
    const y = height - ((v - min) / span) * height;
    current.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (current.length > 0) runs.push(current.join(" "));
  return runs;
}

export function sparkline(values: readonly (number | null)[], options: SparklineOptions): SVGSVGElement {
  const width = options.width ?? 220;
  const height = options.height ?? 36;
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("data-testid", options.testid);
  svg.setAttribute("class", "sparkline");
  svg.setAttribute("viewBox", `-2 -2 ${width + 4} ${height + 4}`);
  svg.setAttribute("width", String(width + 4));
  svg.setAttribute("height", String(height + 4));
  svg.setAttribute("role", "img");
  const present = values.filter((v): v is number => v !== null);
  const last = [...values].reverse().find((v): v is number => v !== null);
  const summary =
    present.length === 0
      ? `${options.title}: no data`
      : `${options.title}: latest ${options.format(last!)}, max ${options.format(Math.max(...present))}`;
  svg.setAttribute("aria-label", summary);
  const title = document.createElementNS(svgNs, "title");
  title.textContent = summary;
  svg.append(title);
  for (const points of sparklinePaths(values, width, height)) {
    const line = document.createElementNS(svgNs, points.includes(" ") ? "polyline" : "circle");
    if (points.includes(" ")) {
      line.setAttribute("points", points);
    } else {
      const [x, y] = points.split(",");
      line.setAttribute("cx", x!);
      line.setAttribute("cy", y!);
      line.setAttribute("r", "1.5");
    }
    svg.append(line);
  }
  if (options.marker !== undefined && options.marker !== null && values.length > 1) {
    const x = (options.marker * width) / (values.length - 1);
    const mark = document.createElementNS(svgNs, "line");
    mark.setAttribute("class", "marker");
    mark.setAttribute("x1", x.toFixed(1));
    mark.setAttribute("x2", x.toFixed(1));
    mark.setAttribute("y1", "0");
    mark.setAttribute("y2", String(height));
    svg.append(mark);
  }
  return svg;
}
