import { describe, expect, it } from "vitest";
import type { TrafficSample } from "../src/frames/decode";
import { parse } from "../src/filter/language";
import { TopologyGraph, type EdgeInfo, type NodeInfo } from "../src/topology/graph";

const node = (name: string, zone: string, kind = "workload", version = "v1"): NodeInfo => ({
  id: `${kind}:c/shop/${name}@${zone}`,
  kind,
  name,
  namespace: "shop",
  service: name,
  version,
  cluster: "c",
  zone,
});

const sample = (rps: number, p95: number | null, health: TrafficSample["health"] = "healthy"): TrafficSample => ({
  requests: rps * 10,
  requestsPerSecond: rps,
  errorRatio: health === "failing" ? 0.25 : 0,
  serverErrorRatio: health === "failing" ? 0.25 : 0,
  clientErrorRatio: 0,
  grpcErrorRatio: 0,
  p50: p95,
  p95,
  p99: p95,
  bytesPerSecond: 0,
  mtlsShare: 1,
  health,
  outboundRequestsPerSecond: null,
});

const gw = node("gateway", "a", "gateway", "");
const front = node("front", "a");
const cartA = node("cart", "a");
const cartB = node("cart", "b");
const edge = (source: NodeInfo, target: NodeInfo): EdgeInfo => ({
  id: `${source.id}->${target.id}`,
  source: source.id,
  target: target.id,
  protocol: "http/1.1",
  crossZone: source.zone !== target.zone,
});
const e1 = edge(gw, front);
const e2 = edge(front, cartA);
const e3 = edge(front, cartB);

function built(): TopologyGraph {
  const graph = new TopologyGraph(null, () => {});
  graph.build(
    { groupBy: "workload", byZone: true },
    [gw, front, cartA, cartB],
    [e1, e2, e3],
    {
      nodes: new Map([
        [front.id, sample(10, 40)],
        [cartA.id, sample(6, 300, "degraded")],
        [cartB.id, sample(4, 20)],
      ]),
      edges: new Map([
        [e1.id, sample(10, 40)],
        [e2.id, sample(6, 300, "degraded")],
        [e3.id, sample(4, 20)],
      ]),
    },
  );
  return graph;
}

const visible = (graph: TopologyGraph) => {
  const probe = graph.probe();
  return { nodes: probe.nodes.filter((n) => !n.hidden).map((n) => n.id), edges: probe.edges.filter((e) => !e.hidden).map((e) => e.id) };
};

describe("topology graph", () => {
  it("puts nodes in zone/namespace boxes with health glyphs, version and edge labels", () => {
    const graph = built();
    const probe = graph.probe();
    expect(probe.nodes.map((n) => [n.id, n.parent, n.label, n.health, n.hidden])).toEqual([
      [gw.id, "zone:a/ns:shop", "○ gateway", "idle", false],
      [front.id, "zone:a/ns:shop", "✓ front\nv1", "healthy", false],
      [cartA.id, "zone:a/ns:shop", "▲ cart\nv1", "degraded", false],
      [cartB.id, "zone:b/ns:shop", "✓ cart\nv1", "healthy", false],
    ]);
    expect(probe.edges.map((e) => [e.id, e.label, e.crossZone, e.hidden])).toEqual([
      [e1.id, "10.0/s", false, false],
      [e2.id, "▲ 6.00/s", false, false],
      [e3.id, "4.00/s", true, false],
    ]);
    expect(graph.cy.getElementById("zone:b").data("label")).toBe("zone b");
    expect(graph.cy.getElementById("zone:b/ns:shop").data("parent")).toBe("zone:b");
    graph.setLabel("p95");
    expect(graph.probe().edges.map((e) => e.label)).toEqual(["40ms", "▲ 300ms", "20ms"]);
    graph.destroy();
  });

  it("hides what the filter rejects, and edges with a hidden end, then shows them again", () => {
    const graph = built();
    graph.setFilter(parse("zone != b"));
    expect(visible(graph)).toEqual({ nodes: [gw.id, front.id, cartA.id], edges: [e1.id, e2.id] });
    expect(graph.cy.getElementById("zone:b").data("off")).toBe(true);
    graph.setFilter(parse("rt < 100"));
    // gateway has no latency (idle): rejected, so its edge goes too.
    expect(visible(graph)).toEqual({ nodes: [front.id, cartB.id], edges: [e3.id] });
    graph.setFilter(null);
    expect(visible(graph).edges).toEqual([e1.id, e2.id, e3.id]);
    expect(graph.cy.getElementById("zone:b").data("off")).toBe(false);
    graph.destroy();
  });

  it("applies traffic changes in place, keeps positions, and re-filters what changed", () => {
    const graph = built();
    graph.setFilter(parse("%error < 10"));
    const before = graph.cy.getElementById(cartB.id).position();
    graph.apply({ nodes: { set: [[cartB.id, sample(4, 900, "failing")]] }, edges: { set: [[e3.id, null]] } });
    const probe = graph.probe();
    expect(probe.nodes.find((n) => n.id === cartB.id)).toMatchObject({ health: "failing", label: "✖ cart\nv1", hidden: true });
    expect(probe.edges.find((e) => e.id === e3.id)).toMatchObject({ health: "idle", label: "", hidden: true });
    expect(graph.cy.getElementById(cartB.id).position()).toEqual(before);
    expect(graph.cy.getElementById(cartB.id).data("absent")).toBe(false);
    graph.apply({ nodes: { set: [[cartA.id, null]] } });
    expect(graph.cy.getElementById(cartA.id).data("absent")).toBe(true);
    graph.destroy();
  });

  it("adds and removes elements from live diffs without moving the others, and drops emptied boxes", () => {
    const graph = built();
    const positions = new Map(graph.probe().nodes.map((n) => [n.id, { ...graph.cy.getElementById(n.id).position() }]));
    const pay = node("pay", "c");
    const e4 = edge(front, pay);
    graph.apply({
      nodes: { add: [pay], remove: [cartB.id] },
      edges: { add: [e4], remove: [e3.id] },
      addTraffic: { nodes: new Map([[pay.id, sample(2, 50)]]), edges: new Map([[e4.id, sample(2, 50)]]) },
    });
    const probe = graph.probe();
    expect(probe.nodes.map((n) => n.id)).toEqual([gw.id, front.id, cartA.id, pay.id]);
    expect(probe.edges.map((e) => [e.id, e.crossZone, e.label])).toEqual([
      [e1.id, false, "10.0/s"],
      [e2.id, false, "▲ 6.00/s"],
      [e4.id, true, "2.00/s"],
    ]);
    for (const id of [gw.id, front.id, cartA.id]) expect(graph.cy.getElementById(id).position()).toEqual(positions.get(id));
    expect(graph.cy.getElementById("zone:b").length).toBe(0);
    expect(graph.cy.getElementById("zone:b/ns:shop").length).toBe(0);
    expect(graph.cy.getElementById(pay.id).data("parent")).toBe("zone:c/ns:shop");
    graph.destroy();
  });

  it("merges zones into namespace boxes when not grouped by zone", () => {
    const graph = new TopologyGraph(null, () => {});
    graph.build({ groupBy: "workload", byZone: false }, [front, cartA], [e2], { nodes: new Map(), edges: new Map() });
    expect(graph.probe().nodes.map((n) => [n.parent, n.label, n.hidden])).toEqual([
      ["ns:shop", "○ front\nv1", false],
      ["ns:shop", "○ cart\nv1", false],
    ]);
    expect(graph.probe().edges.map((e) => e.hidden)).toEqual([true]);
    graph.destroy();
  });
});
