// A line chart over time in hand-written SVG: several series on a left and an optional right value
// axis, a UTC time axis, threshold lines and markers with titles. The geometry is computed by a
// pure function (chartLayout) and drawn by renderTimeseries, which redraws inside the same <svg>
// element so a periodic refresh does not flicker or lose the page's scroll position.

import { svg } from "./svg";
import { linear, timeTicks, valueTicks } from "./axis";

export interface Point {
  /** Epoch milliseconds. */
  t: number;
  /** null: no value here; the line breaks instead of dropping to zero. */
  v: number | null;
}

export interface Series {
  id: string;
  label: string;
  color: string;
  points: Point[];
  axis?: "left" | "right";
  /** Hold each value until the next point (a count such as replicas), instead of interpolating. */
  step?: boolean;
  dash?: string;
}

export interface Threshold {
  value: number;
  label: string;
  axis?: "left" | "right";
  color?: string;
}

export interface Marker {
  t: number;
  /** Shown as the SVG <title>: what happened and why. */
  title: string;
  /** CSS class of the marker (its outcome); drawn hollow and dashed when `hollow`. */
  kind: string;
  hollow?: boolean;
  /** Short text next to the marker, e.g. "→ 5". */
  label?: string;
  attributes?: Record<string, string>;
}

export interface AxisSpec {
  label: string;
  format: (v: number) => string;
  /** Values the domain must include besides the data (e.g. 0, or an objective's target). */
  include?: number[];
  /** Hard limits of the domain (e.g. an SLI never exceeds 1). */
  floor?: number;
  ceiling?: number;
}

export interface ChartSpec {
  from: number;
  to: number;
  series: Series[];
  left: AxisSpec;
  right?: AxisSpec;
  thresholds?: Threshold[];
  markers?: Marker[];
  width?: number;
  height?: number;
}

export interface Tick {
  at: number;
  label: string;
}

export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  xTicks: Tick[];
  leftTicks: Tick[];
  rightTicks: Tick[];
  lines: { id: string; label: string; color: string; dash?: string; d: string }[];
  thresholds: { y: number; label: string; color?: string }[];
  markers: (Marker & { x: number })[];
}

const margin = { left: 56, right: 56, top: 22, bottom: 22 };
/** Least distance between two marker labels, in view-box units. */
const markerLabelGap = 90;

function domainOf(spec: ChartSpec, axis: "left" | "right", axisSpec: AxisSpec): [number, number] | null {
  const values: number[] = [...(axisSpec.include ?? [])];
  for (const s of spec.series) {
    if ((s.axis ?? "left") !== axis) continue;
    for (const p of s.points) if (p.v !== null && Number.isFinite(p.v)) values.push(p.v);
  }
  for (const th of spec.thresholds ?? []) if ((th.axis ?? "left") === axis) values.push(th.value);
  if (values.length === 0) return null;
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (axisSpec.floor !== undefined) min = Math.max(min, axisSpec.floor);
  if (axisSpec.ceiling !== undefined) max = Math.min(max, axisSpec.ceiling);
  const ticks = valueTicks(min, max, 4);
  return [ticks.min, ticks.max];
}

/** Path data for one series: gaps where values are null, horizontal-then-vertical runs for step series. */
export function seriesPath(points: Point[], x: (t: number) => number, y: (v: number) => number, step = false): string {
  const parts: string[] = [];
  let run = 0; // points in the current unbroken run
  const closeRun = () => {
    // A lone point would be an invisible zero-length line: draw it as a dot (round caps, `h0`).
    if (run === 1) parts.push("h0");
    run = 0;
  };
  for (const p of points) {
    if (p.v === null || !Number.isFinite(p.v)) {
      closeRun();
      continue;
    }
    const px = round(x(p.t));
    const py = round(y(p.v));
    if (run === 0) parts.push(`M${px},${py}`);
    else if (step) parts.push(`H${px}`, `V${py}`);
    else parts.push(`L${px},${py}`);
    run++;
  }
  closeRun();
  return parts.join("");
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/**
 * The start of a chart's time axis: the asked range, or, when the data begins well inside it (a
 * fresh install, the demo), shortly before the first point, so the data is not squeezed against
 * the right edge. At least `minSpan` before `to`.
 */
export function fitFrom(from: number, to: number, firstPoint: number | null, minSpan = 5 * 60_000): number {
  if (firstPoint === null || !(firstPoint > from)) return from;
  const padded = firstPoint - (to - firstPoint) * 0.05;
  return Math.max(from, Math.min(padded, to - minSpan));
}

/**
 * Which markers carry their label: thinned from the newest backwards so that dense markers (a
 * dry run wanting a change every tick) stay readable. Every marker keeps its title.
 */
export function labelledMarkers(markers: readonly { x: number; label?: string }[], gap = markerLabelGap): Set<number> {
  const labelled = new Set<number>();
  let lastX = Number.POSITIVE_INFINITY;
  for (let i = markers.length - 1; i >= 0; i--) {
    const m = markers[i]!;
    if (m.label && lastX - m.x >= gap) {
      labelled.add(i);
      lastX = m.x;
    }
  }
  return labelled;
}

export function chartLayout(spec: ChartSpec): ChartLayout {
  const width = spec.width ?? 640;
  const height = spec.height ?? 200;
  const plot = { left: margin.left, top: margin.top, right: width - (spec.right ? margin.right : 16), bottom: height - margin.bottom };
  const x = linear([spec.from, spec.to], [plot.left, plot.right]);
  const axes = { left: spec.left, right: spec.right };
  const scales: Partial<Record<"left" | "right", { y: (v: number) => number; ticks: Tick[] }>> = {};
  for (const side of ["left", "right"] as const) {
    const axisSpec = axes[side];
    if (!axisSpec) continue;
    const domain = domainOf(spec, side, axisSpec) ?? [0, 1];
    const ticks = valueTicks(domain[0], domain[1], 4);
    // Whole steps may overshoot a hard limit (a budget above 100 %): the limit then bounds the plot.
    const low = axisSpec.floor !== undefined ? Math.max(ticks.min, axisSpec.floor) : ticks.min;
    const high = axisSpec.ceiling !== undefined ? Math.min(ticks.max, axisSpec.ceiling) : ticks.max;
    const y = linear([low, high], [plot.bottom, plot.top]);
    scales[side] = { y, ticks: ticks.ticks.filter((v) => v >= low && v <= high).map((v) => ({ at: round(y(v)), label: axisSpec.format(v) })) };
  }
  const yOf = (side: "left" | "right" | undefined) => (scales[side ?? "left"] ?? scales.left)!.y;
  const inRange = (t: number) => t >= spec.from && t <= spec.to;
  return {
    width,
    height,
    plot,
    xTicks: timeTicks(spec.from, spec.to, Math.max(2, Math.floor((plot.right - plot.left) / 90))).map((t) => ({ at: round(x(t.at)), label: t.label })),
    leftTicks: scales.left?.ticks ?? [],
    rightTicks: scales.right?.ticks ?? [],
    lines: spec.series.map((s) => ({
      id: s.id,
      label: s.label,
      color: s.color,
      dash: s.dash,
      d: seriesPath(s.points.filter((p) => inRange(p.t)), x, yOf(s.axis), s.step),
    })),
    thresholds: (spec.thresholds ?? []).map((th) => ({ y: round(yOf(th.axis)(th.value)), label: th.label, color: th.color })),
    markers: (spec.markers ?? []).filter((m) => inRange(m.t)).map((m) => ({ ...m, x: round(x(m.t)) })),
  };
}

/** An empty chart element; renderTimeseries fills it (again and again). */
export function createChart(testid: string, description: string): SVGSVGElement {
  return svg("svg", { "data-testid": testid, class: "chart", role: "img", "aria-label": description });
}

export function renderTimeseries(target: SVGSVGElement, spec: ChartSpec): void {
  const layout = chartLayout(spec);
  const { plot } = layout;
  target.setAttribute("viewBox", `0 0 ${layout.width} ${layout.height}`);
  const parts: SVGElement[] = [];

  const grid = svg("g", { class: "grid" });
  for (const t of layout.leftTicks) {
    grid.append(svg("line", { x1: plot.left, x2: plot.right, y1: t.at, y2: t.at }));
    grid.append(svg("text", { x: plot.left - 4, y: t.at + 3, "text-anchor": "end" }, t.label));
  }
  for (const t of layout.rightTicks) {
    grid.append(svg("text", { x: plot.right + 4, y: t.at + 3, "text-anchor": "start" }, t.label));
  }
  for (const t of layout.xTicks) {
    grid.append(svg("line", { x1: t.at, x2: t.at, y1: plot.bottom, y2: plot.bottom + 4 }));
    grid.append(svg("text", { x: t.at, y: plot.bottom + 15, "text-anchor": "middle" }, t.label));
  }
  grid.append(svg("line", { class: "axis", x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom }));
  grid.append(svg("text", { class: "axis-label", x: 4, y: 12 }, spec.left.label));
  if (spec.right) grid.append(svg("text", { class: "axis-label", x: layout.width - 4, y: 12, "text-anchor": "end" }, spec.right.label));
  parts.push(grid);

  for (const th of layout.thresholds) {
    const g = svg("g", { class: "threshold" });
    g.append(svg("line", { x1: plot.left, x2: plot.right, y1: th.y, y2: th.y, stroke: th.color ?? "currentColor" }));
    g.append(svg("text", { x: plot.right - 2, y: th.y - 3, "text-anchor": "end" }, th.label));
    parts.push(g);
  }

  for (const line of layout.lines) {
    const path = svg("path", { class: "series", "data-series": line.id, d: line.d, stroke: line.color, fill: "none" });
    if (line.dash) path.setAttribute("stroke-dasharray", line.dash);
    path.append(svg("title", {}, line.label));
    parts.push(path);
  }

  const labelled = labelledMarkers(layout.markers);
  layout.markers.forEach((m, i) => {
    const g = svg("g", { class: `marker ${m.kind}${m.hollow ? " hollow" : ""}`, ...(m.attributes ?? {}) });
    g.append(svg("title", {}, m.title));
    g.append(svg("line", { x1: m.x, x2: m.x, y1: plot.top, y2: plot.bottom }));
    g.append(svg("path", { d: `M${m.x - 5},${plot.top - 8}h10l-5,8z` }));
    if (m.label && labelled.has(i)) {
      const nearEnd = m.x > plot.right - markerLabelGap;
      g.append(svg("text", { x: nearEnd ? m.x - 7 : m.x + 7, y: plot.top + 9, "text-anchor": nearEnd ? "end" : "start" }, m.label));
    }
    parts.push(g);
  });

  // The legend sits above the plot, left to right; it doubles as the series' key for screen readers.
  const legend = svg("g", { class: "legend" });
  let lx = plot.left + 110;
  for (const line of layout.lines) {
    const item = svg("g", { transform: `translate(${lx},4)` });
    const swatch = svg("line", { x1: 0, x2: 14, y1: 5, y2: 5, stroke: line.color });
    if (line.dash) swatch.setAttribute("stroke-dasharray", line.dash);
    item.append(swatch, svg("text", { x: 18, y: 9 }, line.label));
    legend.append(item);
    lx += 30 + line.label.length * 6;
  }
  parts.push(legend);

  target.replaceChildren(...parts);
}
