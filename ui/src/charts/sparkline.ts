// A small SVG line of one value over time. Gaps (null: no traffic, nothing measured) break the
// line instead of being drawn as zero, so "idle" never looks like "fast".

import { svg } from "./svg";

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
  const present = values.filter((v): v is number => v !== null);
  const last = [...values].reverse().find((v): v is number => v !== null);
  const summary =
    present.length === 0
      ? `${options.title}: no data`
      : `${options.title}: latest ${options.format(last!)}, max ${options.format(Math.max(...present))}`;
  const chart = svg("svg", {
    "data-testid": options.testid,
    class: "sparkline",
    viewBox: `-2 -2 ${width + 4} ${height + 4}`,
    width: width + 4,
    height: height + 4,
    role: "img",
    "aria-label": summary,
  });
  chart.append(svg("title", {}, summary));
  for (const points of sparklinePaths(values, width, height)) {
    if (points.includes(" ")) {
      chart.append(svg("polyline", { points }));
    } else {
      const [x, y] = points.split(",");
      chart.append(svg("circle", { cx: x!, cy: y!, r: "1.5" }));
    }
  }
  if (options.marker !== undefined && options.marker !== null && values.length > 1) {
    const x = ((options.marker * width) / (values.length - 1)).toFixed(1);
    chart.append(svg("line", { class: "marker", x1: x, x2: x, y1: "0", y2: String(height) }));
  }
  return chart;
}
