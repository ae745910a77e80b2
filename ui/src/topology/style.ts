// How health, kind and cross-zone traffic look. Every health state has a colour (Okabe–Ito, from
// style.css) and a second cue that survives without colour: a glyph in the label and a border or
// line style, so the graph reads in greyscale and for colour-blind users.

import type cytoscape from "cytoscape";
import type { Health } from "../api";

export const healthGlyph: Record<Health, string> = { healthy: "✓", degraded: "▲", failing: "✖", idle: "○" };
export const healthBorder: Record<Health, "solid" | "dashed" | "double" | "dotted"> = {
  healthy: "solid",
  degraded: "dashed",
  failing: "double",
  idle: "dotted",
};
export const healthLine: Record<Health, string> = {
  healthy: "solid line",
  degraded: "long dashes",
  failing: "short dashes",
  idle: "thin grey line",
};

/** Cytoscape shapes by node kind; the legend draws the same list. */
export const kindShape: Record<string, { shape: string; glyph: string }> = {
  workload: { shape: "round-rectangle", glyph: "▢" },
  gateway: { shape: "diamond", glyph: "◆" },
  user: { shape: "ellipse", glyph: "●" },
  database: { shape: "barrel", glyph: "⛁" },
  messaging: { shape: "hexagon", glyph: "⬢" },
  external: { shape: "octagon", glyph: "⬣" },
  unknown: { shape: "tag", glyph: "?" },
};

export interface Palette {
  healthy: string;
  degraded: string;
  failing: string;
  idle: string;
  accent: string;
  fg: string;
  muted: string;
}

/** The Okabe–Ito colours as style.css defines them (with the same defaults if it did not load). */
export function palette(): Palette {
  const css = typeof document === "undefined" ? null : getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => css?.getPropertyValue(name).trim() || fallback;
  return {
    healthy: read("--healthy", "#009e73"),
    degraded: read("--degraded", "#e69f00"),
    failing: read("--failing", "#d55e00"),
    idle: read("--idle", "#999999"),
    accent: read("--accent", "#0072b2"),
    fg: read("--fg", "#1d1f24"),
    muted: read("--muted", "#6b7079"),
  };
}

export function stylesheet(p: Palette): cytoscape.StylesheetJson {
  const health = (["healthy", "degraded", "failing", "idle"] as const).flatMap((h) => [
    {
      selector: `node[health = "${h}"]`,
      style: { "background-color": p[h], "border-color": p[h], "border-style": healthBorder[h] },
    },
    { selector: `edge[health = "${h}"]`, style: { "line-color": p[h], "target-arrow-color": p[h] } },
  ]);
  const kinds = Object.entries(kindShape).map(([kind, { shape }]) => ({
    selector: `node[kind = "${kind}"]`,
    style: { shape },
  }));
  const style = [
    {
      selector: "node",
      style: {
        width: 30,
        height: 30,
        "background-opacity": 0.85,
        "border-width": 3,
        label: "data(label)",
        "text-valign": "bottom",
        "text-halign": "center",
        "text-margin-y": 4,
        "text-wrap": "wrap",
        "font-size": 11,
        color: p.fg,
        "min-zoomed-font-size": 6,
      },
    },
    ...kinds,
    ...health,
    { selector: 'node[health = "failing"]', style: { "border-width": 6 } },
    { selector: "node[?absent]", style: { opacity: 0.35 } },
    {
      selector: "node[?compound]",
      style: {
        shape: "round-rectangle",
        "background-color": "#e8eef6",
        "background-opacity": 0.35,
        "border-width": 1,
        "border-style": "solid",
        "border-color": "#b8c2cf",
        "text-valign": "top",
        "text-halign": "center",
        "text-margin-y": -4,
        "font-size": 13,
        "font-weight": "bold",
        color: p.muted,
        padding: "18px",
      },
    },
    { selector: 'node[compound = "zone"]', style: { "background-opacity": 0.12, "border-width": 2, "border-style": "dashed", "font-size": 15 } },
    {
      selector: "edge",
      style: {
        width: "data(w)",
        "curve-style": "bezier",
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.9,
        label: "data(label)",
        "font-size": 9,
        color: p.fg,
        "text-rotation": "autorotate",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": "1px",
        "min-zoomed-font-size": 7,
      },
    },
    { selector: 'edge[health = "degraded"]', style: { "line-style": "dashed", "line-dash-pattern": [9, 4] } },
    { selector: 'edge[health = "failing"]', style: { "line-style": "dashed", "line-dash-pattern": [3, 3] } },
    { selector: "edge[?cross]", style: { "underlay-color": p.accent, "underlay-opacity": 0.3, "underlay-padding": 5, "source-arrow-shape": "circle", "source-arrow-color": p.accent } },
    { selector: "[?off]", style: { display: "none" } },
    { selector: "node:selected", style: { "underlay-color": p.accent, "underlay-opacity": 0.4, "underlay-padding": 8 } },
  ];
  return style as unknown as cytoscape.StylesheetJson;
}

/** Edge width by requests/s: logarithmic, so 1 req/s and 1,000 req/s are both visible. */
export function edgeWidth(rps: number): number {
  return Math.round((1 + Math.min(7, 1.6 * Math.log10(1 + Math.max(0, rps)))) * 10) / 10;
}

export function formatRate(rps: number): string {
  if (rps >= 100) return `${Math.round(rps)}/s`;
  if (rps >= 10) return `${rps.toFixed(1)}/s`;
  return `${rps.toFixed(2)}/s`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return "–";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${Math.round(ms)}ms`;
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.001 ? 2 : 1)}%`;
}
