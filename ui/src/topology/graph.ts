// The cytoscape graph and the JavaScript-side record of what it shows. Every change (a replay
// frame, a live diff, a new filter or label) is worked out on the records first and only the
// elements whose data really changed are touched, inside one cy.batch.

import cytoscape from "cytoscape";
import type { EdgeLabel, Grouping } from "../url";
import type { GraphProbe } from "../context";
import type { EdgeInfo, Health, ReplayNode } from "../api";
import type { TrafficSample } from "../frames/decode";
import { matches, type FilterNode, type FilterSubject } from "../filter/language";
import { StableLayout, type LayoutEdge, type LayoutNode } from "./layout";
import { edgeWidth, formatMs, formatPercent, formatRate, healthGlyph, palette, stylesheet } from "./style";

/** What a node is, without traffic: the replay dictionary's entry (a live node carries the same fields). */
export type NodeInfo = ReplayNode;
export type { EdgeInfo };

interface NodeRecord {
  info: NodeInfo;
  parent: string;
  traffic: TrafficSample | null;
  visible: boolean;
  label: string;
  element: cytoscape.NodeSingular;
  edges: Set<string>;
}

interface EdgeRecord {
  info: EdgeInfo;
  traffic: TrafficSample | null;
  visible: boolean;
  label: string;
  element: cytoscape.EdgeSingular;
}

interface CompoundRecord {
  id: string;
  parent: string | null;
  children: Set<string>;
  visible: boolean;
  element: cytoscape.NodeSingular;
}

export interface GraphView {
  groupBy: Grouping;
  byZone: boolean;
}

function zoneName(zone: string): string {
  return zone === "" ? "?" : zone;
}

/** Requests/s of a node: what it received, or for a node nobody calls, what it sent. */
export function nodeRate(traffic: TrafficSample | null): number {
  if (traffic === null) return 0;
  return traffic.requests > 0 || traffic.outboundRequestsPerSecond === null ? traffic.requestsPerSecond : traffic.outboundRequestsPerSecond;
}

function subject(element: "node" | "edge", traffic: TrafficSample | null, health: Health): FilterSubject {
  return {
    element,
    rps: element === "node" ? nodeRate(traffic) : (traffic?.requestsPerSecond ?? 0),
    errorPercent: (traffic?.errorRatio ?? 0) * 100,
    serverErrorPercent: (traffic?.serverErrorRatio ?? 0) * 100,
    clientErrorPercent: (traffic?.clientErrorRatio ?? 0) * 100,
    p50: traffic?.p50 ?? null,
    p95: traffic?.p95 ?? null,
    p99: traffic?.p99 ?? null,
    health,
  };
}

export class TopologyGraph {
  readonly cy: cytoscape.Core;
  private nodes = new Map<string, NodeRecord>();
  private edges = new Map<string, EdgeRecord>();
  private compounds = new Map<string, CompoundRecord>();
  private layout = new StableLayout();
  private view: GraphView = { groupBy: "workload", byZone: true };
  private filter: FilterNode | null = null;
  private labelKind: EdgeLabel = "rps";
  private dirtyNodes = new Set<string>();
  private dirtyEdges = new Set<string>();
  private dirtyCompounds = new Set<string>();
  private resizeObserver: ResizeObserver | null = null;
  private resizeFrame = 0;
  /** Whether the user panned or zoomed since the last fit (then a resize keeps their view). */
  private userMoved = false;

  /**
   * @param leftInset how many pixels on the left are covered (the legend), so a fit leaves them free.
   */
  constructor(
    /** null: a headless graph (tests), without canvas, resizing or clicks. */
    container: HTMLElement | null,
    onSelect: (id: string | null) => void,
    private readonly leftInset: () => number = () => 0,
  ) {
    this.cy = cytoscape({
      container: container ?? undefined,
      headless: container === null,
      styleEnabled: true,
      style: stylesheet(palette()),
      layout: { name: "preset" },
      minZoom: 0.05,
      maxZoom: 3,
      boxSelectionEnabled: false,
      textureOnViewport: true,
      hideEdgesOnViewport: true,
      selectionType: "single",
    });
    // The canvas follows its box (the side panel opening narrows it); resizing on the next
    // frame keeps the observer from looping.
    if (container !== null) this.watch(container);
    this.cy.on("tap", "node", (event) => {
      const id = event.target.id() as string;
      if (this.nodes.has(id)) onSelect(id);
    });
  }

  private watch(container: HTMLElement): void {
    this.resizeObserver = new ResizeObserver(() => {
      if (this.resizeFrame !== 0) return;
      this.resizeFrame = requestAnimationFrame(() => {
        this.resizeFrame = 0;
        if (!this.userMoved) {
          this.cy.resize();
          this.fitPositions();
          return;
        }
        // Keep what was in the middle in the middle.
        const zoom = this.cy.zoom();
        const pan = this.cy.pan();
        const center = { x: (this.cy.width() / 2 - pan.x) / zoom, y: (this.cy.height() / 2 - pan.y) / zoom };
        this.cy.resize();
        this.cy.pan({ x: this.cy.width() / 2 - center.x * zoom, y: this.cy.height() / 2 - center.y * zoom });
      });
    });
    this.resizeObserver.observe(container);
    // A drag or a wheel means the user chose the viewport; clicks do not.
    let down: { x: number; y: number } | null = null;
    container.addEventListener("wheel", () => (this.userMoved = true), { passive: true });
    container.addEventListener("pointerdown", (e) => (down = { x: e.clientX, y: e.clientY }));
    container.addEventListener("pointerup", () => (down = null));
    container.addEventListener("pointermove", (e) => {
      if (down && Math.abs(e.clientX - down.x) + Math.abs(e.clientY - down.y) > 4) this.userMoved = true;
    });
  }

  destroy(): void {
    this.resizeObserver?.disconnect();
    if (this.resizeFrame !== 0) cancelAnimationFrame(this.resizeFrame);
    this.cy.destroy();
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  node(id: string): { info: NodeInfo; traffic: TrafficSample | null } | undefined {
    const record = this.nodes.get(id);
    return record && { info: record.info, traffic: record.traffic };
  }

  /** Replaces everything (a new replay, a live snapshot, a new grouping); returns the ms it took. */
  build(
    view: GraphView,
    nodes: readonly NodeInfo[],
    edges: readonly EdgeInfo[],
    traffic: { nodes: ReadonlyMap<string, TrafficSample>; edges: ReadonlyMap<string, TrafficSample> },
  ): number {
    const started = performance.now();
    const fresh = view.groupBy !== this.view.groupBy || view.byZone !== this.view.byZone;
    if (fresh) this.layout = new StableLayout();
    this.view = view;
    this.cy.elements().remove();
    this.nodes.clear();
    this.edges.clear();
    this.compounds.clear();
    this.dirtyNodes.clear();
    this.dirtyEdges.clear();
    this.dirtyCompounds.clear();
    this.cy.batch(() => {
      this.addElements(nodes, edges, traffic);
      this.refresh();
    });
    // A new snapshot of the same view keeps the user's pan and zoom.
    if (fresh || !this.userMoved) this.fitPositions();
    return performance.now() - started;
  }

  /** Changes traffic, adds and removes elements (live diffs, replay frames) in one batch; returns ms. */
  apply(change: {
    nodes?: { set?: Iterable<[string, TrafficSample | null]>; add?: readonly NodeInfo[]; remove?: readonly string[] };
    edges?: { set?: Iterable<[string, TrafficSample | null]>; add?: readonly EdgeInfo[]; remove?: readonly string[] };
    addTraffic?: { nodes: ReadonlyMap<string, TrafficSample>; edges: ReadonlyMap<string, TrafficSample> };
  }): number {
    const started = performance.now();
    this.cy.batch(() => {
      for (const id of change.edges?.remove ?? []) this.removeEdge(id);
      for (const id of change.nodes?.remove ?? []) this.removeNode(id);
      if (change.nodes?.add?.length || change.edges?.add?.length) {
        this.addElements(change.nodes?.add ?? [], change.edges?.add ?? [], change.addTraffic ?? { nodes: new Map(), edges: new Map() });
      }
      for (const [id, traffic] of change.nodes?.set ?? []) {
        const record = this.nodes.get(id);
        if (record) {
          record.traffic = traffic;
          this.dirtyNodes.add(id);
        }
      }
      for (const [id, traffic] of change.edges?.set ?? []) {
        const record = this.edges.get(id);
        if (record) {
          record.traffic = traffic;
          this.dirtyEdges.add(id);
        }
      }
      this.refresh();
    });
    return performance.now() - started;
  }

  /**
   * Fits the viewport to the nodes' positions. cy.fit would measure every label first, which
   * costs more than the whole build at 500 nodes; positions plus a margin for labels suffice.
   */
  private fitPositions(): void {
    if (this.nodes.size === 0) return;
    let x1 = Infinity;
    let y1 = Infinity;
    let x2 = -Infinity;
    let y2 = -Infinity;
    for (const record of this.nodes.values()) {
      const p = this.layout.position(record.info.id);
      if (!p) continue;
      x1 = Math.min(x1, p.x);
      y1 = Math.min(y1, p.y);
      x2 = Math.max(x2, p.x);
      y2 = Math.max(y2, p.y);
    }
    this.userMoved = false;
    const margin = 90;
    const inset = Math.min(this.leftInset(), this.cy.width() / 3);
    const width = Math.max(1, this.cy.width() - inset);
    const height = Math.max(1, this.cy.height());
    const zoom = Math.min(1.5, Math.max(0.05, Math.min(width / (x2 - x1 + 2 * margin), height / (y2 - y1 + 2 * margin))));
    this.cy.viewport({
      zoom,
      pan: { x: inset + width / 2 - zoom * ((x1 + x2) / 2), y: height / 2 - zoom * ((y1 + y2) / 2) },
    });
  }

  setFilter(filter: FilterNode | null): void {
    this.filter = filter;
    this.cy.batch(() => {
      for (const id of this.nodes.keys()) this.dirtyNodes.add(id);
      for (const id of this.edges.keys()) this.dirtyEdges.add(id);
      this.refresh();
    });
  }

  setLabel(label: EdgeLabel): void {
    if (label === this.labelKind) return;
    this.labelKind = label;
    this.cy.batch(() => {
      for (const id of this.edges.keys()) this.dirtyEdges.add(id);
      this.refresh();
    });
  }

  select(id: string | null): void {
    this.cy.$(":selected").unselect();
    if (id !== null) this.nodes.get(id)?.element.select();
  }

  point(id: string): { x: number; y: number } | null {
    const node = this.cy.getElementById(id);
    const container = this.cy.container();
    if (node.empty() || !container) return null;
    const box = container.getBoundingClientRect();
    const p = node.renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y };
  }

  elements(): unknown[] {
    return this.cy.elements().map((e) => ({ group: e.group(), data: { ...e.data() }, position: e.isNode() ? { ...e.position() } : undefined }));
  }

  probe(): GraphProbe {
    return {
      nodes: [...this.nodes.values()].map((n) => ({
        id: n.info.id,
        label: n.label,
        kind: n.info.kind,
        namespace: n.info.namespace,
        zone: n.info.zone,
        version: n.info.version,
        health: n.traffic?.health ?? "idle",
        hidden: !n.visible,
        parent: n.parent,
      })),
      edges: [...this.edges.values()].map((e) => ({
        id: e.info.id,
        source: e.info.source,
        target: e.info.target,
        health: e.traffic?.health ?? "idle",
        crossZone: e.info.crossZone,
        label: e.label,
        hidden: !e.visible,
      })),
    };
  }

  private parentOf(info: NodeInfo): string {
    const zone = `zone:${zoneName(info.zone)}`;
    const namespace = `ns:${info.namespace === "" ? "?" : info.namespace}`;
    return this.view.byZone ? `${zone}/${namespace}` : namespace;
  }

  private ensureCompound(id: string, parent: string | null, label: string, kind: "zone" | "namespace"): CompoundRecord {
    let record = this.compounds.get(id);
    if (!record) {
      const element = this.cy.add({ group: "nodes", data: { id, parent: parent ?? undefined, label, compound: kind, off: false } });
      record = { id, parent, children: new Set(), visible: true, element };
      this.compounds.set(id, record);
      if (parent !== null) this.compounds.get(parent)!.children.add(id);
    }
    return record;
  }

  private layoutNode(info: NodeInfo): LayoutNode {
    return {
      id: info.id,
      block: this.parentOf(info),
      lane: this.view.byZone ? zoneName(info.zone) : "",
      order: `${info.service || info.name}\u0000${info.version}\u0000${info.name}`,
      entry: info.kind === "user" || info.kind === "gateway",
    };
  }

  private addElements(
    nodes: readonly NodeInfo[],
    edges: readonly EdgeInfo[],
    traffic: { nodes: ReadonlyMap<string, TrafficSample>; edges: ReadonlyMap<string, TrafficSample> },
  ): void {
    const fresh = nodes.filter((n) => !this.nodes.has(n.id));
    const layoutEdges: LayoutEdge[] = edges.map((e) => ({ source: e.source, target: e.target }));
    for (const e of this.edges.values()) layoutEdges.push({ source: e.info.source, target: e.info.target });
    const positions = this.layout.place(fresh.map((n) => this.layoutNode(n)), layoutEdges);
    const definitions: cytoscape.ElementDefinition[] = [];
    const freshIds = new Set(fresh.map((n) => n.id));
    const known = (id: string) => this.nodes.has(id) || freshIds.has(id);
    // Records first, so every element is added with its final data in one cy.add (no second pass).
    const newNodes: NodeRecord[] = [];
    for (const info of fresh) {
      const parent = this.parentOf(info);
      if (this.view.byZone) {
        const zone = `zone:${zoneName(info.zone)}`;
        this.ensureCompound(zone, null, `zone ${zoneName(info.zone)}`, "zone");
        this.ensureCompound(parent, zone, info.namespace || "?", "namespace");
      } else {
        this.ensureCompound(parent, null, info.namespace || "?", "namespace");
      }
      this.compounds.get(parent)!.children.add(info.id);
      this.dirtyCompounds.add(parent);
      const record: NodeRecord = {
        info,
        parent,
        traffic: traffic.nodes.get(info.id) ?? null,
        visible: true,
        label: "",
        element: null as unknown as cytoscape.NodeSingular,
        edges: new Set(),
      };
      const state = this.nodeState(record);
      record.label = state.label;
      record.visible = !state.off;
      this.nodes.set(info.id, record);
      newNodes.push(record);
      definitions.push({ group: "nodes", data: { id: info.id, parent, kind: info.kind, ...state }, position: { ...positions.get(info.id)! } });
    }
    const newEdges: EdgeRecord[] = [];
    for (const info of edges) {
      // An edge to a node the answer does not have would make cytoscape throw; it is left out.
      if (this.edges.has(info.id) || !known(info.source) || !known(info.target)) continue;
      const record: EdgeRecord = {
        info,
        traffic: traffic.edges.get(info.id) ?? null,
        visible: true,
        label: "",
        element: null as unknown as cytoscape.EdgeSingular,
      };
      const state = this.edgeState(record);
      record.label = state.label;
      record.visible = !state.off;
      this.edges.set(info.id, record);
      this.nodes.get(info.source)!.edges.add(info.id);
      this.nodes.get(info.target)!.edges.add(info.id);
      newEdges.push(record);
      definitions.push({ group: "edges", data: { id: info.id, source: info.source, target: info.target, cross: info.crossZone, ...state } });
    }
    const added = this.cy.add(definitions);
    for (const record of newNodes) record.element = added.getElementById(record.info.id) as cytoscape.NodeSingular;
    for (const record of newEdges) record.element = added.getElementById(record.info.id) as cytoscape.EdgeSingular;
  }

  private removeEdge(id: string): void {
    const record = this.edges.get(id);
    if (!record) return;
    this.nodes.get(record.info.source)?.edges.delete(id);
    this.nodes.get(record.info.target)?.edges.delete(id);
    record.element.remove();
    this.edges.delete(id);
    this.dirtyEdges.delete(id);
  }

  private removeNode(id: string): void {
    const record = this.nodes.get(id);
    if (!record) return;
    for (const edge of [...record.edges]) this.removeEdge(edge);
    record.element.remove();
    this.nodes.delete(id);
    this.dirtyNodes.delete(id);
    const parent = this.compounds.get(record.parent);
    parent?.children.delete(id);
    this.dirtyCompounds.add(record.parent);
  }

  private nodeLabel(record: NodeRecord, health: Health): string {
    const { name, version } = record.info;
    const showVersion = version !== "" && version !== "unknown" && (this.view.groupBy === "workload" || this.view.groupBy === "version");
    return `${healthGlyph[health]} ${name}${showVersion && !name.endsWith(version) ? `\n${version}` : ""}`;
  }

  private edgeLabel(record: EdgeRecord, health: Health): string {
    const t = record.traffic;
    if (t === null) return "";
    const mark = health === "failing" || health === "degraded" ? `${healthGlyph[health]} ` : "";
    switch (this.labelKind) {
      case "rps":
        return mark + formatRate(t.requestsPerSecond);
      case "errors":
        return mark + formatPercent(t.errorRatio);
      case "p95":
        return mark + formatMs(t.p95);
      case "p99":
        return mark + formatMs(t.p99);
    }
  }

  private nodeState(record: NodeRecord): { health: Health; absent: boolean; label: string; off: boolean } {
    const t = record.traffic;
    const health = t?.health ?? "idle";
    const visible = matches(this.filter, {
      ...subject("node", t, health),
      namespace: record.info.namespace,
      zone: record.info.zone,
      name: record.info.name,
      service: record.info.service,
      version: record.info.version,
      kind: record.info.kind,
    });
    return { health, absent: t === null, label: this.nodeLabel(record, health), off: !visible };
  }

  private edgeState(record: EdgeRecord): { health: Health; label: string; w: number; off: boolean } {
    const t = record.traffic;
    const health = t?.health ?? "idle";
    const visible =
      t !== null &&
      (this.nodes.get(record.info.source)?.visible ?? false) &&
      (this.nodes.get(record.info.target)?.visible ?? false) &&
      matches(this.filter, { ...subject("edge", t, health), protocol: record.info.protocol, crossZone: record.info.crossZone });
    return { health, label: this.edgeLabel(record, health), w: edgeWidth(t?.requestsPerSecond ?? 0), off: !visible };
  }

  /** Brings the dirty records' elements up to date; only data that changed is written. */
  private refresh(): void {
    for (const id of this.dirtyNodes) {
      const record = this.nodes.get(id);
      if (!record) continue;
      const next = this.nodeState(record);
      const data = record.element.data() as { health: string; absent: boolean; label: string; off: boolean };
      const patch: Record<string, unknown> = {};
      if (data.health !== next.health) patch.health = next.health;
      if (data.absent !== next.absent) patch.absent = next.absent;
      if (data.label !== next.label) patch.label = next.label;
      if (data.off !== next.off) patch.off = next.off;
      if (Object.keys(patch).length > 0) record.element.data(patch);
      record.label = next.label;
      if (record.visible === next.off) {
        record.visible = !next.off;
        for (const edge of record.edges) this.dirtyEdges.add(edge);
        this.dirtyCompounds.add(record.parent);
      }
    }
    this.dirtyNodes.clear();
    for (const id of this.dirtyEdges) {
      const record = this.edges.get(id);
      if (!record) continue;
      const next = this.edgeState(record);
      const data = record.element.data() as { health: string; label: string; w: number; off: boolean };
      const patch: Record<string, unknown> = {};
      if (data.health !== next.health) patch.health = next.health;
      if (data.label !== next.label) patch.label = next.label;
      if (data.w !== next.w) patch.w = next.w;
      if (data.off !== next.off) patch.off = next.off;
      if (Object.keys(patch).length > 0) record.element.data(patch);
      record.label = next.label;
      record.visible = !next.off;
    }
    this.dirtyEdges.clear();
    // A namespace or zone box shows while any node in it does; emptied boxes go.
    const zones = new Set<string>();
    for (const id of this.dirtyCompounds) {
      const compound = this.compounds.get(id);
      if (!compound) continue;
      if (compound.children.size === 0) {
        this.removeCompound(compound);
        if (compound.parent !== null) zones.add(compound.parent);
        continue;
      }
      let visible = false;
      for (const child of compound.children) if (this.nodes.get(child)?.visible) visible = true;
      this.showCompound(compound, visible);
      if (compound.parent !== null) zones.add(compound.parent);
    }
    for (const id of zones) {
      const zone = this.compounds.get(id);
      if (!zone) continue;
      if (zone.children.size === 0) {
        this.removeCompound(zone);
        continue;
      }
      let visible = false;
      for (const child of zone.children) if (this.compounds.get(child)?.visible) visible = true;
      this.showCompound(zone, visible);
    }
    this.dirtyCompounds.clear();
  }

  private showCompound(compound: CompoundRecord, visible: boolean): void {
    if (compound.visible === visible) return;
    compound.visible = visible;
    compound.element.data("off", !visible);
  }

  private removeCompound(compound: CompoundRecord): void {
    compound.element.remove();
    this.compounds.delete(compound.id);
    if (compound.parent !== null) this.compounds.get(compound.parent)?.children.delete(compound.id);
  }
}
