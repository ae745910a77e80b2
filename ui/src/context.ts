import type { UrlState } from "./url";

/** What a view gets from the shell: the URL state, a way to change it, and news of changes. */
export interface ViewContext {
  readonly state: UrlState;
  update(patch: Partial<UrlState>): void;
  /** Called after every state change (also the view's own); returns the unsubscribe. */
  onState(listener: (state: UrlState, previous: UrlState) => void): () => void;
}

/** A view mounts into its root and returns what unmounts it (timers, sockets, listeners). */
export type MountView = (root: HTMLElement, context: ViewContext) => () => void;

/** The graph's nodes (without the zone and namespace boxes, which appear as `parent`) and edges. */
export interface GraphProbe {
  nodes: {
    id: string;
    label: string;
    kind: string;
    namespace: string;
    zone: string;
    version: string;
    health: string;
    hidden: boolean;
    parent: string | null;
  }[];
  edges: { id: string; source: string; target: string; health: string; crossZone: boolean; label: string; hidden: boolean }[];
}

/** Hooks for the browser tests and the UI benchmark (ui-contract: window.__observe). */
export interface ObserveProbe {
  ready: boolean;
  graph(): GraphProbe;
  /** The replay frame shown; `index` is 1-based like the URL's `frame`; null in live mode. */
  frame(): { index: number; count: number; time: string } | null;
  /** Shows frame `index` (1-based) at once; returns the ms spent decoding and applying it. */
  showFrame(index: number): number;
  /** Where a node is drawn, in page (client) pixels, for a real mouse click; null when absent. */
  point(id: string): { x: number; y: number } | null;
  /** What cytoscape holds now (data and positions), for the benchmark's bare-cytoscape reference. */
  elements(): unknown[];
  renderTimes: number[];
  /** ms from the start of each full build until the browser had drawn it (two animation frames later). */
  paintTimes: number[];
  liveMessages: number;
}

declare global {
  interface Window {
    __observe: ObserveProbe;
  }
}

export const probe: ObserveProbe = {
  ready: false,
  graph: () => ({ nodes: [], edges: [] }),
  frame: () => null,
  showFrame: () => Number.NaN,
  point: () => null,
  elements: () => [],
  renderTimes: [],
  paintTimes: [],
  liveMessages: 0,
};
