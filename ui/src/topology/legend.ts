// The legend names every cue the graph uses, so shapes, glyphs and line styles can be read
// without relying on colour.

import type { Health } from "../api";
import { element } from "../states";
import { healthBorder, healthGlyph, healthLine, kindShape } from "./style";

const healths: Health[] = ["healthy", "degraded", "failing", "idle"];

export function legend(): HTMLDetailsElement {
  const health = healths.map((h) =>
    element(
      "li",
      {},
      element("span", { class: `swatch ${h}`, style: `border-style: ${healthBorder[h]}` }, healthGlyph[h]),
      ` ${h} — ${healthBorder[h]} border; edges: ${healthLine[h]}`,
    ),
  );
  const kinds = Object.entries(kindShape).map(([kind, { glyph }]) => element("li", {}, element("span", { class: "glyph" }, glyph), ` ${kind}`));
  return element(
    "details",
    { class: "legend", "data-testid": "legend", open: "" },
    element("summary", {}, "Legend"),
    element("h4", {}, "Health"),
    element("ul", {}, ...health),
    element("h4", {}, "Kind (node shape)"),
    element("ul", {}, ...kinds),
    element("h4", {}, "Edges"),
    element(
      "ul",
      {},
      element("li", {}, element("span", { class: "cross" }, "⇄"), " cross-zone: blue halo and a dot at the caller"),
      element("li", {}, "width grows with requests/s; the label shows the chosen figure"),
      element("li", {}, "faded node: no traffic in this frame"),
    ),
  );
}
