import { describe, expect, it } from "vitest";
import { depths, StableLayout, type LayoutNode } from "../src/topology/layout";

const n = (id: string, block = "zone:a/ns:shop", entry = false): LayoutNode => ({ id, block, lane: block.split("/")[0]!, order: id, entry });

describe("stable layout", () => {
  const nodes = [n("gw", "zone:a/ns:shop", true), n("front"), n("cart"), n("db"), n("pay", "zone:b/ns:shop")];
  const edges = [
    { source: "gw", target: "front" },
    { source: "front", target: "cart" },
    { source: "cart", target: "db" },
    { source: "db", target: "cart" },
    { source: "front", target: "pay" },
  ];

  it("puts each node in the column of its call depth, cycles included", () => {
    expect(Object.fromEntries(depths(nodes, edges))).toEqual({ gw: 0, front: 1, cart: 2, db: 3, pay: 2 });
  });

  it("stacks zones of a wide graph, blocks top to bottom, columns left to right, the same way every time", () => {
    const a = new StableLayout({ columnWidth: 100, laneGap: 50, rowHeight: 50, maxRows: 8, blockGap: 20 }).place(nodes, edges);
    const b = new StableLayout({ columnWidth: 100, laneGap: 50, rowHeight: 50, maxRows: 8, blockGap: 20 }).place([...nodes].reverse(), [...edges].reverse());
    expect(Object.fromEntries(a)).toEqual({
      gw: { x: 0, y: 0 },
      front: { x: 100, y: 0 },
      cart: { x: 200, y: 0 },
      db: { x: 300, y: 0 },
      pay: { x: 200, y: 145 },
    });
    expect(Object.fromEntries(b)).toEqual(Object.fromEntries(a));
  });

  it("keeps every known position and gives new nodes a free slot", () => {
    const layout = new StableLayout({ columnWidth: 100, laneGap: 50, rowHeight: 50, maxRows: 3, blockGap: 20 });
    const first = layout.place(nodes, edges);
    const grown = layout.place(
      [...nodes, n("cart2"), n("audit", "zone:c/ns:ops"), n("audit2", "zone:a/ns:ops")],
      [...edges, { source: "front", target: "cart2" }],
    );
    for (const [id, p] of first) expect(grown.get(id)).toEqual(p);
    expect(grown.get("cart2")).toEqual({ x: 200, y: 50 });
    // A new zone goes below the others; a new namespace of a stacked zone to its right.
    expect(grown.get("audit")).toEqual({ x: 0, y: 290 });
    expect(grown.get("audit2")).toEqual({ x: 450, y: 0 });
  });

  it("puts zones side by side when the graph is tall", () => {
    const tall = ["a1", "a2", "a3"].map((id) => n(id, "zone:a/ns:x")).concat(["b1", "b2", "b3"].map((id) => n(id, "zone:b/ns:x")));
    const p = new StableLayout({ columnWidth: 100, laneGap: 50, rowHeight: 50, maxRows: 8, blockGap: 20 }).place(tall, []);
    expect([...p.values()].map((q) => [q.x, q.y])).toEqual([
      [0, 0],
      [0, 50],
      [0, 100],
      [150, 0],
      [150, 50],
      [150, 100],
    ]);
  });

  it("wraps a tall column into sub-columns", () => {
    const many = [n("root", "b", true), ...Array.from({ length: 5 }, (_, i) => n(`leaf${i}`, "b"))];
    const p = new StableLayout({ columnWidth: 100, laneGap: 50, rowHeight: 50, maxRows: 2, blockGap: 20 }).place(
      many,
      many.slice(1).map((m) => ({ source: "root", target: m.id })),
    );
    expect([...p.values()].map((q) => [q.x, q.y])).toEqual([
      [0, 0],
      [100, 0],
      [100, 50],
      [200, 0],
      [200, 50],
      [300, 0],
    ]);
  });
});
