// A deterministic layered layout: columns by call depth from the entry nodes (users, gateways,
// nodes nobody calls), one block of rows per zone/namespace, blocks stacked top to bottom. Every
// position is remembered by node id, so a frame or a live diff never moves a node that is already
// shown; a node seen for the first time takes a free slot in its block's column.

export interface LayoutNode {
  id: string;
  /** The compound it sits in (zone/namespace); nodes of one block share rows. */
  block: string;
  /** Blocks of one lane (a zone) stack top to bottom; lanes stand side by side or one below the other. */
  lane: string;
  /** Sort key within a column (e.g. service then version, so versions sit next to each other). */
  order: string;
  /** Where traffic enters: users and gateways start at depth 0 even when something calls them. */
  entry: boolean;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

export interface Point {
  x: number;
  y: number;
}

export interface LayoutOptions {
  columnWidth: number;
  /** Space between two lanes (zones). */
  laneGap: number;
  rowHeight: number;
  /** Rows of a block before a column wraps into a second sub-column. */
  maxRows: number;
  blockGap: number;
}

export const defaultLayout: LayoutOptions = { columnWidth: 190, laneGap: 160, rowHeight: 76, maxRows: 8, blockGap: 80 };

/** The screen shape the lanes are arranged for: side by side or stacked, whichever is closer. */
const targetAspect = 1.6;

interface Block {
  left: number;
  top: number;
  rows: number;
}

interface Lane {
  left: number;
  top: number;
  /** Where this lane's next block goes (lanes side by side). */
  bottom: number;
  /** The height laid out for it (stacked lanes: later blocks must fit in it). */
  height: number;
  /** Blocks added to a stacked lane after the first layout, each to the right of the last. */
  extra: number;
}

/** Call depth of every node: breadth-first from the entries, then from whatever is left (cycles). */
export function depths(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Map<string, number> {
  const known = new Set(nodes.map((n) => n.id));
  const out = new Map<string, string[]>();
  const inbound = new Map<string, number>();
  for (const e of edges) {
    if (e.source === e.target || !known.has(e.source) || !known.has(e.target)) continue;
    (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e.target);
    inbound.set(e.target, (inbound.get(e.target) ?? 0) + 1);
  }
  const depth = new Map<string, number>();
  const sorted = [...nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const walk = (starts: string[], base: number) => {
    const queue = [...starts];
    for (const s of starts) depth.set(s, base);
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i]!;
      const d = depth.get(id)!;
      for (const next of out.get(id) ?? []) {
        if (!depth.has(next)) {
          depth.set(next, d + 1);
          queue.push(next);
        }
      }
    }
  };
  walk(
    sorted.filter((n) => n.entry || !inbound.has(n.id)).map((n) => n.id),
    0,
  );
  for (const n of sorted) if (!depth.has(n.id)) walk([n.id], 0);
  return depth;
}

export class StableLayout {
  private readonly positions = new Map<string, Point>();
  private readonly depth = new Map<string, number>();
  private readonly blocks = new Map<string, Block>();
  private readonly occupied = new Set<string>();
  private readonly lanes = new Map<string, Lane>();
  private columnX: number[] = [0];
  /** Lanes side by side (true) or stacked; decided by the first layout. */
  private sideBySide = true;
  /** Where the next new lane starts: x when side by side, y when stacked. */
  private nextLane = 0;

  constructor(private readonly options: LayoutOptions = defaultLayout) {}

  position(id: string): Point | undefined {
    return this.positions.get(id);
  }

  /**
   * Positions for every given node. The first call lays out everything; later calls keep every
   * remembered position and only place the nodes not seen before.
   */
  place(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Map<string, Point> {
    const fresh = nodes.filter((n) => !this.positions.has(n.id));
    if (this.positions.size === 0) this.layoutAll(fresh, edges);
    else if (fresh.length > 0) this.addNodes(fresh, edges);
    const result = new Map<string, Point>();
    for (const n of nodes) result.set(n.id, this.positions.get(n.id)!);
    return result;
  }

  private key(p: Point): string {
    return `${Math.round(p.x)},${Math.round(p.y)}`;
  }

  private remember(id: string, p: Point): void {
    this.positions.set(id, p);
    this.occupied.add(this.key(p));
  }

  private layoutAll(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): void {
    const { columnWidth, rowHeight, maxRows, blockGap } = this.options;
    const depth = depths(nodes, edges);
    for (const [id, d] of depth) this.depth.set(id, d);
    const byBlock = new Map<string, Map<number, LayoutNode[]>>();
    let maxDepth = 0;
    for (const n of nodes) {
      const d = depth.get(n.id)!;
      maxDepth = Math.max(maxDepth, d);
      const columns = byBlock.get(n.block) ?? byBlock.set(n.block, new Map()).get(n.block)!;
      (columns.get(d) ?? columns.set(d, []).get(d)!).push(n);
    }
    // Columns wrap at maxRows; a depth is as wide as its widest block needs.
    const subColumns = new Array<number>(maxDepth + 1).fill(1);
    for (const columns of byBlock.values()) {
      for (const [d, list] of columns) subColumns[d] = Math.max(subColumns[d]!, Math.ceil(list.length / maxRows));
    }
    this.columnX = [];
    let x = 0;
    for (let d = 0; d <= maxDepth; d++) {
      this.columnX.push(x);
      x += subColumns[d]! * columnWidth;
    }
    this.columnX.push(x);
    const laneOf = new Map(nodes.map((n) => [n.block, n.lane]));
    const blockRows = new Map<string, number>();
    const laneHeights = new Map<string, number>();
    for (const block of [...byBlock.keys()].sort()) {
      // One spare row, so a node that appears later in this block fits in its own column.
      let rows = 1;
      for (const list of byBlock.get(block)!.values()) rows = Math.max(rows, Math.min(maxRows, list.length + 1));
      blockRows.set(block, rows);
      const lane = laneOf.get(block)!;
      laneHeights.set(lane, (laneHeights.get(lane) ?? 0) + rows * rowHeight + blockGap);
    }
    const laneWidth = x + this.options.laneGap;
    const heights = [...laneHeights.values()];
    const wide = Math.log((heights.length * laneWidth) / Math.max(1, ...heights) / targetAspect);
    const tall = Math.log(laneWidth / Math.max(1, heights.reduce((a, b) => a + b, 0)) / targetAspect);
    this.sideBySide = heights.length <= 1 || Math.abs(wide) <= Math.abs(tall);
    for (const block of [...byBlock.keys()].sort()) {
      const lane = this.laneFor(laneOf.get(block)!, laneHeights.get(laneOf.get(block)!)!);
      const rows = blockRows.get(block)!;
      const top = lane.bottom;
      for (const [d, list] of byBlock.get(block)!) {
        list.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        list.forEach((n, j) => {
          this.remember(n.id, { x: lane.left + this.columnX[d]! + Math.floor(j / rows) * columnWidth, y: top + (j % rows) * rowHeight });
        });
      }
      this.blocks.set(block, { left: lane.left, top, rows });
      lane.bottom = top + rows * rowHeight + blockGap;
    }
  }

  /** A lane by name; a new one goes right of (or below) the others. */
  private laneFor(name: string, height: number): Lane {
    let lane = this.lanes.get(name);
    if (!lane) {
      const width = this.columnX[this.columnX.length - 1]! + this.options.laneGap;
      lane = this.sideBySide
        ? { left: this.nextLane, top: 0, bottom: 0, height, extra: 0 }
        : { left: 0, top: this.nextLane, bottom: this.nextLane, height, extra: 0 };
      this.nextLane += this.sideBySide ? width : height + this.options.laneGap / 2;
      this.lanes.set(name, lane);
    }
    return lane;
  }

  private xOfDepth(d: number): number {
    const last = this.columnX.length - 1;
    return d <= last ? this.columnX[d]! : this.columnX[last]! + (d - last) * this.options.columnWidth;
  }

  private addNodes(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): void {
    const { columnWidth, rowHeight, maxRows, blockGap } = this.options;
    const ordered = [...nodes].sort((a, b) => (a.block + a.order + a.id < b.block + b.order + b.id ? -1 : 1));
    for (const n of ordered) {
      let d = 0;
      if (!n.entry) {
        for (const e of edges) {
          if (e.target === n.id && e.source !== n.id && this.depth.has(e.source)) {
            const candidate = this.depth.get(e.source)! + 1;
            d = d === 0 ? candidate : Math.min(d, candidate);
          }
        }
      }
      this.depth.set(n.id, d);
      let block = this.blocks.get(n.block);
      if (!block) {
        const isNew = !this.lanes.has(n.lane);
        const lane = this.laneFor(n.lane, maxRows * rowHeight + blockGap);
        if (this.sideBySide || isNew) {
          block = { left: lane.left, top: lane.bottom, rows: maxRows };
          lane.bottom += maxRows * rowHeight + blockGap;
        } else {
          // A stacked lane cannot grow down into the next one: the block goes to its right.
          lane.extra++;
          const width = this.columnX[this.columnX.length - 1]! + this.options.laneGap;
          const rows = Math.min(maxRows, Math.max(1, Math.floor((lane.height - blockGap) / rowHeight)));
          block = { left: lane.left + lane.extra * width, top: lane.top, rows };
        }
        this.blocks.set(n.block, block);
      }
      const x0 = block.left + this.xOfDepth(d);
      let placed: Point | null = null;
      for (let sub = 0; placed === null && sub < 200; sub++) {
        for (let r = 0; r < block.rows; r++) {
          const p = { x: x0 + sub * columnWidth, y: block.top + r * rowHeight };
          if (!this.occupied.has(this.key(p))) {
            placed = p;
            break;
          }
        }
      }
      this.remember(n.id, placed ?? { x: x0 + 200 * columnWidth, y: block.top });
    }
  }
}
