// The topology view: the graph, live (SignalR) or replay (one fetch, then frames decoded and
// applied as differences), the grouping, label and filter controls, and the side panel. Every
// control writes the URL; the URL drives what is shown, so a reload restores the same view.

import { api, type GraphNode, type GraphEdge, type GraphReplay, type ServiceGraph } from "../api";
import { probe, type ViewContext } from "../context";
import { compile } from "../filter/language";
import { decodeFrame, diffFrames, type DecodedFrame, type TrafficSample } from "../frames/decode";
import { describe, element, empty, failed, isAbort, loading } from "../states";
import { LiveFeed } from "../time/live";
import { defaultStep, fromInputValue, lastMinutes, parseDuration, toInputValue } from "../time/range";
import type { EdgeLabel, Grouping, UrlState } from "../url";
import { TopologyGraph, type EdgeInfo, type NodeInfo } from "./graph";
import { legend } from "./legend";
import { SidePanel } from "./panel";

/** How often at most a playing or scrubbed replay writes its frame into the URL. */
const frameUrlDelayMs = 250;

function liveSample(node: GraphNode): TrafficSample {
  return { ...node.inbound, health: node.health, outboundRequestsPerSecond: node.outbound.requestsPerSecond };
}

function edgeSample(edge: GraphEdge): TrafficSample {
  return { ...edge.traffic, health: edge.health, outboundRequestsPerSecond: null };
}

function nodeInfo(n: NodeInfo): NodeInfo {
  return { id: n.id, kind: n.kind, name: n.name, namespace: n.namespace, service: n.service, version: n.version, cluster: n.cluster, zone: n.zone };
}

function edgeInfo(e: GraphEdge): EdgeInfo {
  return { id: e.id, source: e.source, target: e.target, protocol: e.protocol, crossZone: e.crossZone };
}

function select(testid: string, label: string, options: [string, string][]): HTMLSelectElement {
  const s = element("select", { "data-testid": testid, "aria-label": label }, ...options.map(([value, text]) => element("option", { value }, text)));
  return s;
}

function button(testid: string, text: string, title: string): HTMLButtonElement {
  return element("button", { type: "button", "data-testid": testid, title, "aria-label": title }, text);
}

export function mount(root: HTMLElement, ctx: ViewContext): () => void {
  // ---- DOM ----
  const modeLive = button("mode-live", "Live", "Live graph");
  const modeReplay = button("mode-replay", "Replay", "Replay a past range");
  const liveStatus = element("span", { class: "live-status", "data-testid": "live-status", role: "status" }, "");
  const rangeFrom = element("input", { type: "datetime-local", step: "1", "data-testid": "range-from", "aria-label": "from (UTC)" });
  const rangeTo = element("input", { type: "datetime-local", step: "1", "data-testid": "range-to", "aria-label": "to (UTC)" });
  const rangeApply = button("range-apply", "Load", "Load this range");
  const rangeError = element("span", { class: "inline-error", role: "alert" });
  const stepBack = button("step-back", "◂ step", "Previous frame");
  const play = button("play", "▶ play", "Play");
  const pause = button("pause", "❚❚ pause", "Pause");
  const stepForward = button("step-forward", "step ▸", "Next frame");
  const speed = select("speed", "speed", [
    ["1", "1×"],
    ["10", "10×"],
    ["60", "60×"],
  ]);
  const scrubber = element("input", { type: "range", min: "1", max: "1", value: "1", "data-testid": "scrubber", "aria-label": "frame" });
  const frameIndex = element("span", { class: "frame-index", "data-testid": "frame-index" }, "– / –");
  const frameTime = element("time", { class: "frame-time", "data-testid": "frame-time" }, "");
  const groupBy = select("group-by", "group by", [
    ["workload", "workloads"],
    ["version", "versions"],
    ["app", "apps"],
    ["service", "services"],
  ]);
  const byZone = element("input", { type: "checkbox", "data-testid": "by-zone" });
  const edgeLabel = select("edge-label", "edge label", [
    ["rps", "requests/s"],
    ["errors", "error %"],
    ["p95", "p95"],
    ["p99", "p99"],
  ]);
  const filterInput = element("input", {
    type: "search",
    class: "filter",
    "data-testid": "filter",
    placeholder: "filter: rt > 200ms and zone != a",
    "aria-label": "filter",
    spellcheck: "false",
    autocomplete: "off",
  });
  const filterError = element("div", { class: "filter-error", "data-testid": "filter-error", role: "alert", hidden: "" });
  const replayControls = element(
    "div",
    { class: "group replay-controls" },
    rangeFrom,
    element("span", { class: "muted" }, "→"),
    rangeTo,
    element("span", { class: "muted" }, "UTC"),
    rangeApply,
    rangeError,
    stepBack,
    play,
    pause,
    stepForward,
    speed,
    scrubber,
    frameIndex,
    frameTime,
  );
  const toolbar = element(
    "div",
    { class: "toolbar" },
    element("div", { class: "group", role: "group", "aria-label": "mode" }, modeLive, modeReplay, liveStatus),
    replayControls,
    element(
      "div",
      { class: "group" },
      element("label", {}, "Group ", groupBy),
      element("label", {}, byZone, " by zone"),
      element("label", {}, "Edges ", edgeLabel),
    ),
    element("div", { class: "group filter-group" }, filterInput, filterError),
  );
  const graphElement = element("div", { class: "graph", "data-testid": "graph" });
  const overlay = element("div", { class: "overlay" });
  const legendElement = legend();
  const graphArea = element("div", { class: "graph-area" }, graphElement, overlay, legendElement);
  const stage = element("div", { class: "stage" }, graphArea);
  root.replaceChildren(toolbar, stage);

  const graph = new TopologyGraph(
    graphElement,
    (id) => ctx.update({ node: id }),
    () => (legendElement.open ? legendElement.offsetWidth + 20 : 0),
  );
  const panel = new SidePanel(stage);

  // ---- state ----
  let loadedKey: string | null = null;
  /** Whether the graph shows the answer for loadedKey yet (the panel opens only then). */
  let loaded = false;
  let live: LiveFeed | null = null;
  let abort: AbortController | null = null;
  let replay: GraphReplay | null = null;
  let replayNodeIds: string[] = [];
  let replayEdgeIds: string[] = [];
  let frame: DecodedFrame | null = null;
  let playing: ReturnType<typeof setInterval> | null = null;
  let frameUrlTimer: ReturnType<typeof setTimeout> | null = null;
  let filterText: string | null = null;

  const dataKey = (s: UrlState) =>
    s.mode === "live" ? `live|${s.groupBy}|${s.byZone}` : `replay|${s.groupBy}|${s.byZone}|${s.from}|${s.to}|${s.step ?? ""}`;

  function setOverlay(kind: "none" | "loading" | "empty" | "error", what: unknown = ""): void {
    if (kind === "none") overlay.replaceChildren();
    else if (kind === "loading") loading(overlay, String(what));
    else if (kind === "empty") empty(overlay, String(what));
    else failed(overlay, what);
  }

  function stopData(): void {
    loaded = false;
    abort?.abort();
    abort = null;
    if (live) void live.stop();
    live = null;
    stopPlaying();
    replay = null;
    frame = null;
  }

  // ---- live ----
  function startLive(state: UrlState): void {
    setOverlay("loading", "the live graph");
    const feed = new LiveFeed(
      { groupBy: state.groupBy, byZone: state.byZone },
      {
        snapshot: (_sequence, g) => {
          if (live !== feed) return;
          showSnapshot(g);
        },
        diff: (d) => {
          if (live !== feed) return;
          // One sample per upserted element: it updates a shown one, or starts a new one.
          const traffic = {
            nodes: new Map(d.nodes.upserted.map((n) => [n.id, liveSample(n)])),
            edges: new Map(d.edges.upserted.map((e) => [e.id, edgeSample(e)])),
          };
          graph.apply({
            nodes: { remove: d.nodes.removed, add: d.nodes.upserted.map(nodeInfo), set: traffic.nodes },
            edges: { remove: d.edges.removed, add: d.edges.upserted.map(edgeInfo), set: traffic.edges },
            addTraffic: traffic,
          });
          setOverlay(graph.nodeCount === 0 ? "empty" : "none", "No traffic in the live window yet.");
          refreshPanel();
        },
        status: (text, connected) => {
          if (live !== feed) return;
          liveStatus.textContent = text;
          liveStatus.title = text;
          liveStatus.dataset.state = connected ? "connected" : "disconnected";
          if (!connected && !loaded && !text.startsWith("connecting")) {
            setOverlay("error", new Error(`Live graph: ${text}`));
            probe.ready = true;
          }
        },
        message: () => {
          probe.liveMessages++;
        },
      },
    );
    live = feed;
    feed.start();
  }

  /** The probe's timings keep the latest 100, so a page left open for days does not grow. */
  function keepLast(times: number[], ms: number): void {
    times.push(ms);
    if (times.length > 100) times.splice(0, times.length - 100);
  }

  /** A full build's time, and (two animation frames later, once the browser has drawn it) its time to pixels. */
  function recordRender(buildMs: number): void {
    const started = performance.now() - buildMs;
    keepLast(probe.renderTimes, buildMs);
    requestAnimationFrame(() => requestAnimationFrame(() => keepLast(probe.paintTimes, performance.now() - started)));
  }

  function showSnapshot(g: ServiceGraph): void {
    const ms = graph.build(
      { groupBy: ctx.state.groupBy, byZone: ctx.state.byZone },
      g.nodes.map(nodeInfo),
      g.edges.map(edgeInfo),
      { nodes: new Map(g.nodes.map((n) => [n.id, liveSample(n)])), edges: new Map(g.edges.map((e) => [e.id, edgeSample(e)])) },
    );
    recordRender(ms);
    loaded = true;
    setOverlay(g.nodes.length === 0 ? "empty" : "none", "No traffic in the live window yet.");
    syncPanel(ctx.state);
    probe.ready = true;
  }

  // ---- replay ----
  function loadReplay(state: UrlState): void {
    const from = state.from!;
    const to = state.to!;
    const step = state.step ?? defaultStep(from, to);
    const controller = new AbortController();
    abort = controller;
    setOverlay("loading", `the replay ${from} – ${to}`);
    updateFrameControls();
    api
      .replay({ from, to, step, groupBy: state.groupBy, byZone: state.byZone }, controller.signal)
      .then((answer) => {
        if (abort !== controller) return;
        showReplay(answer);
      })
      .catch((e: unknown) => {
        if (isAbort(e) || abort !== controller) return;
        graph.build({ groupBy: state.groupBy, byZone: state.byZone }, [], [], { nodes: new Map(), edges: new Map() });
        setOverlay("error", e);
        probe.ready = true;
      });
  }

  function showReplay(answer: GraphReplay): void {
    replay = answer;
    replayNodeIds = answer.nodes.map((n) => n.id);
    replayEdgeIds = answer.edges.map((e) => e.id);
    const edges: EdgeInfo[] = answer.edges.map((e) => ({
      id: e.id,
      source: replayNodeIds[e.source]!,
      target: replayNodeIds[e.target]!,
      protocol: e.protocol,
      crossZone: e.crossZone,
    }));
    const count = answer.frames.length;
    const view = { groupBy: ctx.state.groupBy, byZone: ctx.state.byZone };
    if (count === 0) {
      frame = null;
      graph.build(view, [], [], { nodes: new Map(), edges: new Map() });
      setOverlay("empty", `The range ${answer.from} – ${answer.to} has no frames.`);
    } else {
      // Without a frame in the URL, the first frame with traffic (a range that starts before the
      // mesh did would otherwise open on an empty graph); the URL then names it.
      const firstWithTraffic = Math.max(0, answer.frames.findIndex((f) => f.nodes.index.length > 0));
      const index = ctx.state.frame === null ? firstWithTraffic : Math.min(count, Math.max(1, ctx.state.frame)) - 1;
      frame = decodeFrame(answer, index);
      const nodeTraffic = new Map<string, TrafficSample>();
      for (const [k, sample] of frame.nodes) nodeTraffic.set(replayNodeIds[k]!, sample);
      const edgeTraffic = new Map<string, TrafficSample>();
      for (const [k, sample] of frame.edges) edgeTraffic.set(replayEdgeIds[k]!, sample);
      const ms = graph.build(view, answer.nodes, edges, { nodes: nodeTraffic, edges: edgeTraffic });
      recordRender(ms);
      setOverlay(answer.nodes.length === 0 ? "empty" : "none", `No traffic between ${answer.from} and ${answer.to}.`);
    }
    loaded = true;
    updateFrameControls();
    syncPanel(ctx.state);
    probe.ready = true;
    if (frame && ctx.state.frame === null && frame.index > 0) ctx.update({ frame: frame.index + 1 });
  }

  /** Shows frame `index` (0-based); returns the ms spent decoding and applying it. */
  function showFrame(index: number): number {
    if (!replay || replay.frames.length === 0) return Number.NaN;
    const started = performance.now();
    const i = Math.min(replay.frames.length - 1, Math.max(0, Math.trunc(index)));
    const next = decodeFrame(replay, i);
    const d = diffFrames(frame, next);
    const nodeSet: [string, TrafficSample | null][] = [];
    for (const k of d.nodes.changed) nodeSet.push([replayNodeIds[k]!, next.nodes.get(k)!]);
    for (const k of d.nodes.gone) nodeSet.push([replayNodeIds[k]!, null]);
    const edgeSet: [string, TrafficSample | null][] = [];
    for (const k of d.edges.changed) edgeSet.push([replayEdgeIds[k]!, next.edges.get(k)!]);
    for (const k of d.edges.gone) edgeSet.push([replayEdgeIds[k]!, null]);
    graph.apply({ nodes: { set: nodeSet }, edges: { set: edgeSet } });
    frame = next;
    const ms = performance.now() - started;
    updateFrameControls();
    refreshPanel();
    return ms;
  }

  function goToFrame(index: number): void {
    showFrame(index);
    scheduleFrameUrl();
  }

  /** The URL follows the shown frame, but at most every frameUrlDelayMs (browsers throttle history writes). */
  function scheduleFrameUrl(): void {
    if (frameUrlTimer !== null) return;
    frameUrlTimer = setTimeout(() => {
      frameUrlTimer = null;
      if (frame && ctx.state.mode === "replay" && ctx.state.frame !== frame.index + 1) ctx.update({ frame: frame.index + 1 });
    }, frameUrlDelayMs);
  }

  function updateFrameControls(): void {
    const count = replay?.frames.length ?? 0;
    scrubber.max = String(Math.max(1, count));
    scrubber.disabled = count === 0;
    if (frame && replay) {
      scrubber.value = String(frame.index + 1);
      frameIndex.textContent = `${frame.index + 1} / ${count}`;
      frameTime.textContent = frame.time;
      frameTime.dateTime = frame.time;
      frameTime.dataset.time = frame.time;
    } else {
      frameIndex.textContent = `– / ${count || "–"}`;
      frameTime.textContent = "";
      delete frameTime.dataset.time;
    }
    stepBack.disabled = !frame || frame.index === 0;
    stepForward.disabled = !frame || !replay || frame.index >= count - 1;
    play.disabled = !frame || playing !== null;
    pause.disabled = playing === null;
    play.setAttribute("aria-pressed", String(playing !== null));
  }

  function startPlaying(): void {
    if (!replay || !frame) return;
    stopPlaying();
    if (frame.index >= replay.frames.length - 1) goToFrame(0);
    const stepMs = parseDuration(replay.step) ?? 10_000;
    // 1× shows one frame per step of wall-clock time.
    playing = setInterval(() => {
      if (!replay || !frame || frame.index >= replay.frames.length - 1) {
        stopPlaying();
        return;
      }
      goToFrame(frame.index + 1);
    }, stepMs / ctx.state.speed);
    updateFrameControls();
  }

  function stopPlaying(): void {
    if (playing !== null) clearInterval(playing);
    playing = null;
    updateFrameControls();
  }

  // ---- filter, panel ----
  function applyFilter(text: string, writeUrl: boolean): void {
    const compiled = compile(text);
    if (compiled.ok) {
      filterError.hidden = true;
      filterError.replaceChildren();
      filterInput.removeAttribute("aria-invalid");
      filterText = text;
      graph.setFilter(compiled.tree);
      if (writeUrl && ctx.state.filter !== text) ctx.update({ filter: text });
    } else {
      // The graph keeps the last valid filter while the expression is being fixed.
      const { position } = compiled.error;
      filterError.hidden = false;
      filterError.replaceChildren(
        element("div", {}, `Filter ${compiled.error.message}`),
        element("code", {}, text.slice(0, position), element("mark", { title: `column ${position + 1}` }, "▲"), text.slice(position)),
      );
      filterError.dataset.position = String(position);
      filterInput.setAttribute("aria-invalid", "true");
    }
  }

  const panelContext = () => ({
    groupBy: ctx.state.groupBy,
    byZone: ctx.state.byZone,
    replay: ctx.state.mode === "replay" ? replay : null,
    frameIndex: frame?.index ?? null,
    openTrace: (traceId: string) => ctx.update({ view: "trace", trace: traceId }),
    close: () => ctx.update({ node: null }),
  });

  function syncPanel(state: UrlState): void {
    if (!loaded) return;
    const id = state.node;
    const node = id === null ? undefined : graph.node(id);
    graph.select(node ? id : null);
    if (!node) {
      if (panel.openNode !== null) panel.close();
      return;
    }
    if (panel.openNode !== id) panel.open(node.info, node.traffic, panelContext());
  }

  function refreshPanel(): void {
    const id = panel.openNode;
    if (id === null) return;
    const node = graph.node(id);
    panel.update(node?.traffic ?? null, ctx.state.mode === "replay" ? (frame?.index ?? null) : null);
  }

  // ---- URL → view ----
  function sync(state: UrlState, previous: UrlState | null): void {
    if (state.mode === "replay" && (state.from === null || state.to === null)) {
      ctx.update({ ...lastMinutes(Date.now(), 15), frame: null }); // comes back here with the range set
      return;
    }
    modeLive.setAttribute("aria-pressed", String(state.mode === "live"));
    modeReplay.setAttribute("aria-pressed", String(state.mode === "replay"));
    replayControls.hidden = state.mode !== "replay";
    groupBy.value = state.groupBy;
    byZone.checked = state.byZone;
    edgeLabel.value = state.label;
    speed.value = String(state.speed);
    // Only a new range rewrites the inputs: another change (the frame the replay opens on, written
    // once it has loaded) must not undo what the user is typing into them before applying it.
    if (state.mode === "replay" && (previous === null || previous.mode !== "replay" || state.from !== previous.from || state.to !== previous.to)) {
      if (document.activeElement !== rangeFrom) rangeFrom.value = toInputValue(state.from);
      if (document.activeElement !== rangeTo) rangeTo.value = toInputValue(state.to);
    }
    graph.setLabel(state.label);
    if (state.filter !== filterText) {
      if (document.activeElement !== filterInput) filterInput.value = state.filter;
      applyFilter(state.filter, false);
    }

    const key = dataKey(state);
    // A grouping change reloads the same range: the frame shown must survive it even when its
    // delayed URL write has not happened yet, so write it now and come back here with it.
    const sameRange = previous?.mode === "replay" && state.mode === "replay" && state.from === previous.from && state.to === previous.to && state.step === previous.step;
    if (key !== loadedKey && sameRange && frame && state.frame !== frame.index + 1) {
      if (frameUrlTimer !== null) clearTimeout(frameUrlTimer);
      frameUrlTimer = null;
      ctx.update({ frame: frame.index + 1 });
      return;
    }
    if (key !== loadedKey) {
      const keepPanel = panel.openNode;
      stopData();
      loadedKey = key;
      if (keepPanel !== null) panel.close();
      if (state.mode === "live") startLive(state);
      else {
        liveStatus.textContent = "replay (live paused)";
        liveStatus.dataset.state = "replay";
        loadReplay(state);
      }
    } else if (state.mode === "replay" && previous !== null) {
      if (state.frame !== previous.frame && frame && state.frame !== null && state.frame !== frame.index + 1) showFrame(state.frame - 1);
      if (state.speed !== previous.speed && playing !== null) startPlaying();
    }
    if (previous === null || state.node !== previous.node || panel.openNode !== state.node) syncPanel(state);
  }

  // ---- controls → URL ----
  modeLive.addEventListener("click", () => ctx.update({ mode: "live" }));
  modeReplay.addEventListener("click", () => ctx.update({ mode: "replay" }));
  rangeApply.addEventListener("click", () => {
    const from = fromInputValue(rangeFrom.value);
    const to = fromInputValue(rangeTo.value);
    if (from === null || to === null) {
      rangeError.textContent = `${from === null ? "from" : "to"}: enter a date and time (UTC)`;
      return;
    }
    if (Date.parse(from) >= Date.parse(to)) {
      rangeError.textContent = "from must be before to";
      return;
    }
    rangeError.textContent = "";
    ctx.update({ from, to, step: null, frame: null });
  });
  play.addEventListener("click", startPlaying);
  pause.addEventListener("click", stopPlaying);
  stepBack.addEventListener("click", () => {
    stopPlaying();
    if (frame) goToFrame(frame.index - 1);
  });
  stepForward.addEventListener("click", () => {
    stopPlaying();
    if (frame) goToFrame(frame.index + 1);
  });
  scrubber.addEventListener("input", () => {
    stopPlaying();
    goToFrame(Number(scrubber.value) - 1);
  });
  speed.addEventListener("change", () => ctx.update({ speed: Number(speed.value) as 1 | 10 | 60 }));
  groupBy.addEventListener("change", () => ctx.update({ groupBy: groupBy.value as Grouping }));
  byZone.addEventListener("change", () => ctx.update({ byZone: byZone.checked }));
  edgeLabel.addEventListener("change", () => ctx.update({ label: edgeLabel.value as EdgeLabel }));
  filterInput.addEventListener("input", () => applyFilter(filterInput.value, true));

  // ---- hooks for the browser tests and the benchmark ----
  probe.graph = () => graph.probe();
  probe.point = (id: string) => graph.point(id);
  probe.elements = () => graph.elements();
  probe.frame = () => (replay && frame ? { index: frame.index + 1, count: replay.frames.length, time: frame.time } : null);
  probe.showFrame = (i: number) => {
    stopPlaying();
    const ms = showFrame(i - 1);
    scheduleFrameUrl();
    return ms;
  };

  const unsubscribe = ctx.onState((state, previous) => {
    try {
      sync(state, previous);
    } catch (e) {
      setOverlay("error", new Error(`Topology: ${describe(e)}`));
    }
  });
  sync(ctx.state, null);

  return () => {
    unsubscribe();
    stopData();
    if (frameUrlTimer !== null) clearTimeout(frameUrlTimer);
    panel.close();
    graph.destroy();
    probe.graph = () => ({ nodes: [], edges: [] });
    probe.frame = () => null;
    probe.showFrame = () => Number.NaN;
    probe.point = () => null;
    probe.elements = () => [];
  };
}
