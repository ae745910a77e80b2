#!/usr/bin/env node
// `./observe bench ui`: how fast the built UI draws a large service graph and moves through
// replay frames, measured inside Debian's chromium through the page's own hooks
// (window.__observe, ui-contract). The UI is served from ui/dist by a small static server that
// also answers /api/v1/topology/replay with a synthetic, seeded mesh, so the figures are the
// browser's alone: no Observe, no store.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { extname, join, normalize, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const ui = resolve(here, "..");

const usage = `usage: node ui/bench/ui-bench.mjs [options]
  --nodes N            graph nodes (default 500)
  --edges N            graph edges (default 1500)
  --frames N           replay frames served (default 1000)
  --switches N         random frame jumps timed (default 200, at least 10)
  --memory-frames N    frames shown in order for the memory check (default 1000, at least 200)
  --seed N             generator seed (default 1)
  --max-render-ms MS   target: graph render (default 1000)
  --max-frame-ms MS    target: median frame switch (default 50)
  --max-heap-growth P  target: JS heap growth in percent over the memory frames, after a first pass over every frame (default 10)
  --chromium PATH      browser (default /usr/bin/chromium)
  --dist DIR           built UI (default ui/dist)
  --json               print the results as JSON after the table`;

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        nodes: { type: "string", default: "500" },
        edges: { type: "string", default: "1500" },
        frames: { type: "string", default: "1000" },
        switches: { type: "string", default: "200" },
        "memory-frames": { type: "string", default: "1000" },
        seed: { type: "string", default: "1" },
        "max-render-ms": { type: "string", default: "1000" },
        "max-frame-ms": { type: "string", default: "50" },
        "max-heap-growth": { type: "string", default: "10" },
        chromium: { type: "string", default: "/usr/bin/chromium" },
        dist: { type: "string", default: join(ui, "dist") },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (e) {
    fail(`${e.message}\n${usage}`);
  }
  if (parsed.help) {
    console.log(usage);
    process.exit(0);
  }
  const number = (name, min, max) => {
    const value = Number(parsed[name]);
    if (!Number.isFinite(value) || value < min || value > max) fail(`--${name} must be a number from ${min} to ${max}, got '${parsed[name]}'`);
    return value;
  };
  const o = {
    nodes: number("nodes", 10, 20000),
    edges: number("edges", 10, 100000),
    frames: number("frames", 2, 10000),
    switches: number("switches", 10, 100000),
    memoryFrames: number("memory-frames", 200, 100000),
    seed: number("seed", 0, 2 ** 31),
    maxRenderMs: number("max-render-ms", 1, 600000),
    maxFrameMs: number("max-frame-ms", 0.1, 60000),
    maxHeapGrowth: number("max-heap-growth", 0, 1000),
    chromium: parsed.chromium,
    dist: resolve(parsed.dist),
    json: parsed.json,
  };
  if (o.edges > o.nodes * (o.nodes - 1)) fail(`--edges ${o.edges} is more than ${o.nodes} nodes can have`);
  if (!existsSync(join(o.dist, "index.html"))) fail(`${o.dist}/index.html is missing: build the UI first (cd ui && npm run build)`);
  if (!existsSync(o.chromium)) fail(`${o.chromium} is missing: apt-get install chromium, or pass --chromium`);
  return o;
}

function fail(message) {
  console.error(`ui-bench: ${message}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// The synthetic mesh: seeded, so two runs with the same options draw the same graph.

function random(seed) {
  // mulberry32: small, fast, and good enough to shape test data.
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same generator inside the bench's pages, for the random frame jumps and label changes there. */
const pageRandom = `window.__benchRandom = ${random.toString()};`;

const words = ["shop", "cart", "checkout", "payments", "search", "catalog", "users", "auth", "orders", "shipping",
  "inventory", "pricing", "reviews", "ratings", "ads", "recommend", "mail", "notify", "billing", "ledger",
  "media", "images", "profile", "session", "gateway", "quotes", "currency", "tax", "fraud", "analytics"];
const zones = ["a", "b", "c"];

/**
 * Nodes: namespaces of services with one to three versions, each running in one to three zones
 * (one node per workload and zone, as Observe draws them), plus ingress gateways, databases, a
 * few external hosts and the outside user. Edges: callers pick callees by preferential
 * attachment (popular services get more callers: the heavy-tailed in-degree of real meshes),
 * mostly in their own zone.
 */
function generateMesh(nodeCount, edgeCount, seed) {
  const rnd = random(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const nodes = [];
  const ids = new Set();
  // A name drawn twice in one namespace would be the same node twice: skipped, so that --nodes
  // distinct nodes are made.
  const add = (kind, namespace, name, version, zone) => {
    const id = `${kind}:bench/${namespace}/${name}@${zone}`;
    if (ids.has(id)) return;
    ids.add(id);
    nodes.push({ id, kind, name, namespace, service: name.replace(/-v\d+$/, ""), version, cluster: "bench", zone });
  };
  add("user", "unknown", "user", "", "unknown");
  for (const zone of zones) add("gateway", "istio-system", "istio-ingressgateway", "1.24", zone);
  let n = 0;
  while (nodes.length < nodeCount) {
    const namespace = `${words[n % words.length]}${n >= words.length ? `-${Math.floor(n / words.length)}` : ""}`;
    n++;
    const services = 3 + Math.floor(rnd() * 8);
    for (let s = 0; s < services && nodes.length < nodeCount; s++) {
      const service = `${pick(words)}-${pick(["api", "svc", "worker", "web", "grpc"])}`;
      const roll = rnd();
      if (roll < 0.06) {
        add("database", namespace, `${service}-db`, "", pick(zones));
        continue;
      }
      if (roll < 0.08) {
        add("external", "external", `${service}.example.com`, "", "unknown");
        continue;
      }
      const versions = rnd() < 0.7 ? 1 : rnd() < 0.7 ? 2 : 3;
      const inZones = zones.slice(0, 1 + Math.floor(rnd() * zones.length));
      for (let v = 1; v <= versions; v++) {
        for (const zone of inZones) {
          if (nodes.length < nodeCount) add("workload", namespace, `${service}-v${v}`, `v${v}`, zone);
        }
      }
    }
  }

  const indegree = new Uint32Array(nodes.length);
  const callees = nodes.map((_, i) => i).filter((i) => nodes[i].kind !== "user" && nodes[i].kind !== "gateway");
  const callers = nodes.map((_, i) => i).filter((i) => nodes[i].kind === "workload" || nodes[i].kind === "gateway");
  const edges = [];
  const seen = new Set();
  const connect = (source, target) => {
    const key = `${source}>${target}`;
    if (source === target || seen.has(key)) return false;
    seen.add(key);
    indegree[target]++;
    const kind = nodes[target].kind;
    const protocol = kind === "database" ? "tcp" : kind === "external" ? "http/1.1" : rnd() < 0.3 ? "grpc" : "http/2";
    const crossZone = nodes[source].zone !== nodes[target].zone && zones.includes(nodes[source].zone) && zones.includes(nodes[target].zone);
    edges.push({ id: `${nodes[source].id}>${nodes[target].id}:${protocol}`, source, target, protocol, crossZone });
    return true;
  };
  // The user calls every gateway; each gateway calls a few front doors.
  for (let i = 0; i < nodes.length && edges.length < edgeCount; i++) {
    if (nodes[i].kind === "gateway") connect(0, i);
  }
  let attempts = 0;
  while (edges.length < edgeCount) {
    if (++attempts > edgeCount * 200) throw new Error(`could not place ${edgeCount} edges on ${nodeCount} nodes`);
    const source = pick(callers);
    // Preferential attachment, mostly within the caller's zone.
    const sameZone = rnd() < 0.85;
    let target = -1;
    let weight = 0;
    for (let k = 0; k < 8; k++) {
      const candidate = pick(callees);
      if (sameZone && nodes[candidate].zone !== nodes[source].zone && zones.includes(nodes[candidate].zone)) continue;
      const w = (indegree[candidate] + 1) ** 1.5 * rnd();
      if (w > weight) {
        weight = w;
        target = candidate;
      }
    }
    if (target >= 0) connect(source, target);
  }
  return { nodes, edges };
}

/** Frames of traffic: a day curve, per-edge noise, and incidents that make edges fail for a while. */
function replayJson(mesh, frameCount, seed, from) {
  const rnd = random(seed * 7919 + 1);
  const stepMs = 10_000;
  const base = mesh.edges.map(() => Math.exp(Math.log(5) + 1.2 * gaussian(rnd)));
  const latency = mesh.edges.map(() => Math.exp(Math.log(8) + 0.8 * gaussian(rnd)));
  const incidents = [];
  for (let i = 0; i < Math.max(3, Math.floor(frameCount / 40)); i++) {
    const start = Math.floor(rnd() * frameCount);
    incidents.push({ edge: Math.floor(rnd() * mesh.edges.length), start, end: start + 10 + Math.floor(rnd() * 40), errors: 0.002 + rnd() * 0.3 });
  }
  const health = (ratio, requests) => (requests === 0 ? "idle" : ratio >= 0.1 ? "failing" : ratio > 0.001 ? "degraded" : "healthy");
  const round = (x, digits) => Number(x.toFixed(digits));
  const parts = [];
  parts.push(`{"from":"${new Date(from).toISOString()}","to":"${new Date(from + frameCount * stepMs).toISOString()}","step":"10s","window":"10s","groupBy":"workload",`);
  parts.push(`"nodes":${JSON.stringify(mesh.nodes)},"edges":${JSON.stringify(mesh.edges)},"frames":[`);
  for (let f = 0; f < frameCount; f++) {
    const day = 1 + 0.5 * Math.sin((2 * Math.PI * f) / 360);
    const e = columns(true);
    const inbound = new Map();
    const outbound = new Map();
    for (let i = 0; i < mesh.edges.length; i++) {
      if (rnd() < 0.03) continue; // quiet in this frame
      const rps = base[i] * day * (0.8 + 0.4 * rnd());
      const requests = Math.max(1, Math.round(rps * 10));
      let errors = rnd() < 0.9 ? 0 : rnd() * 0.002;
      for (const incident of incidents) if (incident.edge === i && f >= incident.start && f < incident.end) errors = incident.errors;
      const p50 = latency[i] * (0.9 + 0.2 * rnd()) * (1 + errors * 3);
      const p95 = p50 * (2 + rnd());
      const p99 = p95 * (1.3 + 0.7 * rnd());
      push(e, i, requests, round(requests / 10, 2), round(errors, 4), round(p50, 1), round(p95, 1), round(p99, 1), Math.round(requests * 900), health(errors, requests));
      const { source, target } = mesh.edges[i];
      const into = inbound.get(target) ?? { requests: 0, errors: 0, p50: 0, p95: 0, p99: 0 };
      into.errors += errors * requests;
      into.requests += requests;
      into.p50 = Math.max(into.p50, p50);
      into.p95 = Math.max(into.p95, p95);
      into.p99 = Math.max(into.p99, p99);
      inbound.set(target, into);
      outbound.set(source, (outbound.get(source) ?? 0) + requests);
    }
    const nodes = columns(false);
    for (let i = 0; i < mesh.nodes.length; i++) {
      const into = inbound.get(i);
      const out = outbound.get(i) ?? 0;
      if (!into && out === 0) continue;
      const requests = into?.requests ?? 0;
      const ratio = requests > 0 ? into.errors / requests : 0;
      push(nodes, i, requests, round(requests / 10, 2), round(ratio, 4), into ? round(into.p50, 1) : null, into ? round(into.p95, 1) : null,
        into ? round(into.p99, 1) : null, Math.round(requests * 900), health(ratio, requests || out));
      nodes.outboundRequestsPerSecond.push(round(out / 10, 2));
    }
    parts.push(`${f > 0 ? "," : ""}{"time":"${new Date(from + (f + 1) * stepMs).toISOString()}","nodes":${JSON.stringify(nodes)},"edges":${JSON.stringify(e)}}`);
  }
  parts.push("]}");
  return parts.join("");
}

function columns(edges) {
  const c = { index: [], requests: [], requestsPerSecond: [], errorRatio: [], serverErrorRatio: [], clientErrorRatio: [], grpcErrorRatio: [],
    p50: [], p95: [], p99: [], bytesPerSecond: [], mtlsShare: [], health: [] };
  c.outboundRequestsPerSecond = edges ? null : [];
  return c;
}

function push(c, index, requests, rps, errors, p50, p95, p99, bytes, health) {
  c.index.push(index);
  c.requests.push(requests);
  c.requestsPerSecond.push(rps);
  c.errorRatio.push(errors);
  c.serverErrorRatio.push(errors);
  c.clientErrorRatio.push(0);
  c.grpcErrorRatio.push(0);
  c.p50.push(p50);
  c.p95.push(p95);
  c.p99.push(p99);
  c.bytesPerSecond.push(bytes);
  c.mtlsShare.push(1);
  c.health.push(health);
}

function gaussian(rnd) {
  const u = Math.max(rnd(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

// ---------------------------------------------------------------------------------------------
// The server: ui/dist, the synthetic replay, empty answers elsewhere, and a blank page with bare
// cytoscape for the reference.

const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
  ".map": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".woff2": "font/woff2" };

function serve(dist, replay, from, frameCount) {
  const to = new Date(from + frameCount * 10_000).toISOString();
  const emptyAnswers = {
    "/api/v1/demo": { enabled: false },
    "/api/v1/slos": { slos: [], findings: [] },
    "/api/v1/scaling/policies": { controller: null, policies: [], message: "no controller in the benchmark" },
    "/api/v1/scaling/decisions": { from: new Date(from).toISOString(), to, decisions: [] },
    "/api/v1/traces": { from: new Date(from).toISOString(), to, traces: [] },
  };
  const bare = `<!doctype html><html><head><meta charset="utf-8"><title>bare cytoscape</title><link rel="icon" href="data:,">
<style>html,body{margin:0;height:100%}#cy{width:100%;height:100%}</style></head>
<body><div id="cy"></div><script src="/bench/cytoscape.js"></script></body></html>`;
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url, "http://bench");
      const path = url.pathname;
      if (path === "/api/v1/topology/replay") return send(response, 200, "application/json", replay);
      if (path in emptyAnswers) return send(response, 200, "application/json", JSON.stringify(emptyAnswers[path]));
      if (path.startsWith("/api/") || path.startsWith("/hubs/")) return send(response, 404, "application/json", JSON.stringify({ error: `${path} is not served by the benchmark` }));
      if (path === "/bench/bare.html") return send(response, 200, types[".html"], bare);
      if (path === "/bench/cytoscape.js") return send(response, 200, types[".js"], await readFile(join(ui, "node_modules/cytoscape/dist/cytoscape.min.js")));
      const file = normalize(join(dist, path === "/" ? "index.html" : decodeURIComponent(path)));
      if (!file.startsWith(dist) || !(await stat(file).catch(() => null))?.isFile()) return send(response, 404, "text/plain", "not found");
      return send(response, 200, types[extname(file)] ?? "application/octet-stream", await readFile(file));
    } catch (e) {
      send(response, 500, "text/plain", String(e));
    }
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done(server)));
}

function send(response, status, type, body) {
  response.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  response.end(body);
}

// ---------------------------------------------------------------------------------------------
// Measuring.

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted[sorted.length - 1], count: sorted.length };
};
const mb = (bytes) => bytes / 1024 / 1024;

async function heap(cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  const { nodes } = await cdp.send("Memory.getDOMCounters");
  return { used: usedSize, domNodes: nodes };
}

async function main() {
  const o = options();
  const from = Date.UTC(2026, 0, 15, 8, 0, 0);
  const started = performance.now();
  const mesh = generateMesh(o.nodes, o.edges, o.seed);
  const replay = replayJson(mesh, o.frames, o.seed, from);
  const generatedMs = performance.now() - started;
  const server = await serve(o.dist, replay, from, o.frames);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: o.chromium, headless: true, args: ["--no-sandbox"] });
  const errors = [];
  const results = { machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", memoryGb: Math.round(totalmem() / 1024 ** 3), browser: `chromium ${browser.version()}`, node: process.version } };
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
    const cdp = await context.newCDPSession(page);

    // 1. The whole graph: from navigation to the first frame drawn.
    const query = `?mode=replay&from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(from + o.frames * 10_000).toISOString())}`;
    await page.addInitScript({ content: pageRandom });
    await page.goto(`${base}/${query}`);
    await page.waitForFunction(() => window.__observe?.ready === true && window.__observe.frame() !== null && window.__observe.paintTimes.length > 0, null, { timeout: 120_000, polling: "raf" });
    const navigationToReady = await page.evaluate(() => performance.now());
    const shown = await page.evaluate(() => {
      const g = window.__observe.graph();
      return { frame: window.__observe.frame(), nodes: g.nodes.length, edges: g.edges.length, renderTimes: [...window.__observe.renderTimes], paintTimes: [...window.__observe.paintTimes] };
    });
    if (shown.frame.count !== o.frames) throw new Error(`the page shows ${shown.frame.count} frames, the replay has ${o.frames}`);
    // The page may leave out edges without traffic in the shown frame; most must be there.
    if (shown.nodes !== o.nodes) throw new Error(`the page draws ${shown.nodes} nodes of ${o.nodes}`);
    if (shown.edges < 0.9 * o.edges) throw new Error(`the page draws ${shown.edges} edges of ${o.edges}`);
    results.graph = { nodes: o.nodes, edges: o.edges, frames: o.frames, drawnNodes: shown.nodes, drawnEdges: shown.edges, replayMb: mb(Buffer.byteLength(replay)), generatedMs };
    results.render = {
      ms: shown.paintTimes[shown.paintTimes.length - 1],
      buildMs: shown.renderTimes[shown.renderTimes.length - 1],
      navigationToReadyMs: navigationToReady,
    };

    // 2. Frame switching: random jumps (as with the scrubber), each followed by a painted frame.
    const switches = await page.evaluate(async ({ count, frames, seed }) => {
      const rnd = window.__benchRandom(seed);
      const paint = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      const apply = [];
      const painted = [];
      for (let i = 0; i < count; i++) {
        const frame = 1 + Math.floor(rnd() * frames);
        const t0 = performance.now();
        apply.push(window.__observe.showFrame(frame));
        await paint();
        painted.push(performance.now() - t0);
      }
      return { apply, painted };
    }, { count: o.switches, frames: o.frames, seed: o.seed });
    if (switches.apply.some((x) => !Number.isFinite(x))) throw new Error("window.__observe.showFrame did not return a time");
    results.switching = { apply: stats(switches.apply), withPaint: stats(switches.painted) };

    // 3. Memory: frames in order, as playing does. The first pass over every frame fills
    // cytoscape's caches (label sizes and styles per distinct value); stable memory means no
    // growth after that: the heap (after a collection) once every frame was shown, and again
    // after memory-frames more.
    const playTo = (first, last) =>
      page.evaluate(async ({ first, last, frames }) => {
        for (let i = first; i <= last; i++) {
          window.__observe.showFrame(1 + ((i - 1) % frames));
          if (i % 10 === 0) await new Promise((done) => requestAnimationFrame(done));
        }
      }, { first, last, frames: o.frames });
    const atStart = await heap(cdp);
    await playTo(1, o.frames);
    const at100 = await heap(cdp);
    await playTo(o.frames + 1, o.frames + o.memoryFrames);
    const atEnd = await heap(cdp);
    results.memory = {
      frames: o.memoryFrames,
      heapAtStartMb: mb(atStart.used),
      heapAt100Mb: mb(at100.used),
      heapAtEndMb: mb(atEnd.used),
      growthMb: mb(atEnd.used - at100.used),
      growthPercent: (100 * (atEnd.used - at100.used)) / at100.used,
      domNodesAt100: at100.domNodes,
      domNodesAtEnd: atEnd.domNodes,
    };

    // 4. Reference: the same elements and positions in bare cytoscape on a blank page.
    const elements = await page.evaluate(() => window.__observe.elements());
    await context.close();
    const bareContext = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const bare = await bareContext.newPage();
    bare.on("pageerror", (e) => errors.push(`bare page: ${e.message}`));
    await bare.addInitScript({ content: pageRandom });
    await bare.goto(`${base}/bench/bare.html`);
    const reference = await bare.evaluate(async ({ given, switches, seed }) => {
      const elements = given;
      const t0 = performance.now();
      const cy = window.cytoscape({
        container: document.getElementById("cy"),
        elements,
        layout: { name: "preset" },
        style: [
          { selector: "node", style: { label: "data(label)", "font-size": 8, width: 12, height: 12 } },
          { selector: "edge", style: { width: "data(w)", "curve-style": "bezier", "target-arrow-shape": "triangle", label: "data(label)", "font-size": 6 } },
        ],
      });
      const built = performance.now() - t0;
      const paint = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      await paint();
      const paintedMs = performance.now() - t0;
      // The same kind of change a replay frame makes: every edge's label and width, then a
      // repaint. Values are written as the app writes them (labels to three significant digits,
      // widths to 0.1): with unrounded random widths and one-decimal labels, cytoscape failed in
      // this page after a while with "e.match is not a function"; the app never writes those.
      const rate = (rps) => (rps >= 100 ? `${Math.round(rps)}/s` : rps >= 10 ? `${rps.toFixed(1)}/s` : `${rps.toFixed(2)}/s`);
      const rnd = window.__benchRandom(seed);
      const repaints = [];
      for (let i = 0; i < switches; i++) {
        const t1 = performance.now();
        cy.batch(() => cy.edges().forEach((e) => {
          const rps = rnd() * 1000;
          e.data({ label: rate(rps), w: Math.round(10 * (1 + Math.min(7, 1.6 * Math.log10(1 + rps)))) / 10 });
        }));
        await paint();
        repaints.push(performance.now() - t1);
      }
      return { builtMs: built, paintedMs, elements: cy.elements().length, repaints };
    }, { given: elements, switches: o.switches, seed: o.seed });
    await bareContext.close();
    const { repaints, ...drawn } = reference;
    results.reference = {
      ...drawn,
      fromApp: elements !== null,
      ratio: results.render.ms / reference.paintedMs,
      switchWithPaint: stats(repaints),
      switchRatio: results.switching.withPaint.median / stats(repaints).median,
    };
  } finally {
    await browser.close();
    server.close();
  }

  const targets = [
    { what: `graph render (${o.nodes} nodes / ${o.edges} edges)`, value: results.render.ms, limit: o.maxRenderMs, unit: "ms" },
    { what: `frame switch, median of ${o.switches}`, value: results.switching.apply.median, limit: o.maxFrameMs, unit: "ms" },
    { what: `JS heap growth over ${o.memoryFrames} frames after the first pass`, value: results.memory.growthPercent, limit: o.maxHeapGrowth, unit: "%" },
  ];
  results.targets = targets.map((t) => ({ ...t, met: t.value <= t.limit }));
  results.errors = errors;
  print(results, o);
  if (o.json) console.log(JSON.stringify(results, null, 2));
  const missed = results.targets.filter((t) => !t.met);
  if (errors.length > 0) console.error(`ui-bench: the page reported ${errors.length} error(s):\n  ${errors.slice(0, 10).join("\n  ")}`);
  if (missed.length > 0) console.error(`ui-bench: missed ${missed.map((t) => t.what).join("; ")}`);
  process.exit(missed.length > 0 || errors.length > 0 ? 1 : 0);
}

function print(r, o) {
  const f = (x, d = 1) => (x === undefined || x === null || Number.isNaN(x) ? "-" : x.toFixed(d));
  const rows = [
    ["machine", `${r.machine.cores} cores, ${r.machine.cpu}, ${r.machine.memoryGb} GB; ${r.machine.browser}; node ${r.machine.node}`],
    ["graph", `${r.graph.nodes} nodes, ${r.graph.edges} edges (drawn: ${r.graph.drawnNodes} nodes, ${r.graph.drawnEdges} edges), ${r.graph.frames} frames, replay ${f(r.graph.replayMb)} MB JSON, seed ${o.seed}`],
    ["render, drawn (paintTimes)", `${f(r.render.ms)} ms (of which building the elements ${f(r.render.buildMs)} ms)`],
    ["navigation → ready", `${f(r.render.navigationToReadyMs)} ms (download, parse, layout, first frame)`],
    ["bare cytoscape, same elements", `${f(r.reference.builtMs)} ms built, ${f(r.reference.paintedMs)} ms painted (${r.reference.elements} elements${r.reference.fromApp ? "" : ", none from the app"}); app / bare (drawn) = ${f(r.reference.ratio, 2)}×`],
    [`frame switch (showFrame, ${r.switching.apply.count})`, `median ${f(r.switching.apply.median, 2)} ms, p95 ${f(r.switching.apply.p95, 2)} ms, max ${f(r.switching.apply.max, 2)} ms`],
    ["frame switch incl. paint", `median ${f(r.switching.withPaint.median)} ms, p95 ${f(r.switching.withPaint.p95)} ms, max ${f(r.switching.withPaint.max)} ms`],
    ["bare cytoscape, same change + paint", `median ${f(r.reference.switchWithPaint.median)} ms, p95 ${f(r.reference.switchWithPaint.p95)} ms (every edge's label and width); app / bare = ${f(r.reference.switchRatio, 2)}×`],
    ["JS heap, first pass", `${f(r.memory.heapAtStartMb)} → ${f(r.memory.heapAt100Mb)} MB after all ${r.graph.frames} frames once (caches filling)`],
    [`JS heap, next ${r.memory.frames} frames`, `${f(r.memory.heapAt100Mb)} → ${f(r.memory.heapAtEndMb)} MB (${r.memory.growthMb >= 0 ? "+" : ""}${f(r.memory.growthMb, 2)} MB, ${f(r.memory.growthPercent, 2)} %)`],
    ["DOM nodes, after the first pass → end", `${r.memory.domNodesAt100} → ${r.memory.domNodesAtEnd}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log("UI benchmark");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log("targets");
  for (const t of r.targets) console.log(`  ${t.met ? "ok  " : "MISS"}  ${t.what}: ${f(t.value, 2)} ${t.unit} (≤ ${t.limit} ${t.unit})`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`ui-bench: ${e.stack ?? e}`);
    process.exit(2);
  });
}
