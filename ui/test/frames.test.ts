import { describe, expect, it } from "vitest";
import type { GraphReplay, TrafficColumns } from "../src/api";
import { decodeColumns, decodeFrame, diffFrames, series } from "../src/frames/decode";

function columns(rows: { index: number; rps: number; p95: number | null; health: "healthy" | "degraded" | "failing" | "idle"; out?: number }[], withOutbound: boolean): TrafficColumns {
  return {
    index: rows.map((r) => r.index),
    requests: rows.map((r) => r.rps * 10),
    requestsPerSecond: rows.map((r) => r.rps),
    errorRatio: rows.map((r) => (r.health === "failing" ? 0.2 : 0)),
    serverErrorRatio: rows.map((r) => (r.health === "failing" ? 0.2 : 0)),
    clientErrorRatio: rows.map(() => 0),
    grpcErrorRatio: rows.map(() => 0),
    p50: rows.map((r) => (r.p95 === null ? null : r.p95 / 2)),
    p95: rows.map((r) => r.p95),
    p99: rows.map((r) => (r.p95 === null ? null : r.p95 * 2)),
    bytesPerSecond: rows.map((r) => r.rps * 100),
    mtlsShare: rows.map(() => 1),
    health: rows.map((r) => r.health),
    outboundRequestsPerSecond: withOutbound ? rows.map((r) => r.out ?? 0) : null,
  };
}

const node = (id: string) => ({ id, kind: "workload", name: id, namespace: "bookinfo", service: id, version: "v1", cluster: "c", zone: "a" });

const replay: GraphReplay = {
  from: "2026-11-21T10:00:00Z",
  to: "2026-11-21T10:00:30Z",
  step: "10s",
  window: "10s",
  groupBy: "workload",
  nodes: [node("gateway"), node("productpage"), node("reviews")],
  edges: [
    { id: "e0", source: 0, target: 1, protocol: "http/1.1", crossZone: false },
    { id: "e1", source: 1, target: 2, protocol: "http/1.1", crossZone: true },
  ],
  frames: [
    {
      time: "2026-11-21T10:00:10Z",
      nodes: columns([{ index: 0, rps: 0, p95: null, health: "idle", out: 5 }, { index: 1, rps: 5, p95: 40, health: "healthy", out: 5 }, { index: 2, rps: 5, p95: 90, health: "healthy" }], true),
      edges: columns([{ index: 0, rps: 5, p95: 40, health: "healthy" }, { index: 1, rps: 5, p95: 90, health: "healthy" }], false),
    },
    {
      time: "2026-11-21T10:00:20Z",
      nodes: columns([{ index: 0, rps: 0, p95: null, health: "idle", out: 5 }, { index: 1, rps: 5, p95: 40, health: "healthy", out: 0 }], true),
      edges: columns([{ index: 0, rps: 5, p95: 40, health: "healthy" }], false),
    },
    {
      time: "2026-11-21T10:00:30Z",
      nodes: columns([{ index: 2, rps: 7, p95: null, health: "failing" }, { index: 1, rps: 5, p95: 40, health: "healthy", out: 7 }], true),
      edges: columns([{ index: 1, rps: 7, p95: null, health: "failing" }], false),
    },
  ],
};

describe("frame decoding", () => {
  it("turns columns into samples keyed by dictionary index, keeping nulls", () => {
    const frame = decodeFrame(replay, 0);
    expect(frame.index).toBe(0);
    expect(frame.time).toBe("2026-11-21T10:00:10Z");
    expect([...frame.nodes.keys()]).toEqual([0, 1, 2]);
    expect(frame.nodes.get(0)).toEqual({
      requests: 0,
      requestsPerSecond: 0,
      errorRatio: 0,
      serverErrorRatio: 0,
      clientErrorRatio: 0,
      grpcErrorRatio: 0,
      p50: null,
      p95: null,
      p99: null,
      bytesPerSecond: 0,
      mtlsShare: 1,
      health: "idle",
      outboundRequestsPerSecond: 5,
    });
    expect(frame.edges.get(1)).toEqual({
      requests: 50,
      requestsPerSecond: 5,
      errorRatio: 0,
      serverErrorRatio: 0,
      clientErrorRatio: 0,
      grpcErrorRatio: 0,
      p50: 45,
      p95: 90,
      p99: 180,
      bytesPerSecond: 500,
      mtlsShare: 1,
      health: "healthy",
      outboundRequestsPerSecond: null,
    });
    const last = decodeFrame(replay, 2);
    expect([...last.nodes.keys()]).toEqual([2, 1]);
    expect(last.nodes.get(2)?.p95).toBeNull();
    expect(last.nodes.get(2)?.health).toBe("failing");
    expect(last.nodes.get(2)?.errorRatio).toBe(0.2);
  });

  it("refuses malformed columns with the column's name", () => {
    const broken = { ...columns([{ index: 0, rps: 1, p95: 1, health: "healthy" }], false), p95: [] };
    expect(() => decodeColumns(broken, 3, "frame 1 edges")).toThrow("frame 1 edges: column 'p95' has 0 entries, 'index' has 1");
    const outside = columns([{ index: 5, rps: 1, p95: 1, health: "healthy" }], false);
    expect(() => decodeColumns(outside, 3, "frame 2 nodes")).toThrow("frame 2 nodes: index 5 at position 0 is outside the dictionary of 3");
    expect(() => decodeFrame(replay, 3)).toThrow("frame 4 is outside the replay's 3 frames");
  });

  it("diffs frames: only what changed or went", () => {
    const first = decodeFrame(replay, 0);
    const second = decodeFrame(replay, 1);
    const third = decodeFrame(replay, 2);
    expect(diffFrames(null, first)).toEqual({ nodes: { changed: [0, 1, 2], gone: [] }, edges: { changed: [0, 1], gone: [] } });
    // productpage's outbound rate changed 5 → 0; gateway is identical; reviews and e1 went.
    expect(diffFrames(first, second)).toEqual({ nodes: { changed: [1], gone: [2] }, edges: { changed: [], gone: [1] } });
    expect(diffFrames(second, third)).toEqual({ nodes: { changed: [1, 2], gone: [0] }, edges: { changed: [1], gone: [0] } });
    expect(diffFrames(third, third)).toEqual({ nodes: { changed: [], gone: [] }, edges: { changed: [], gone: [] } });
  });

  it("gives a value's series over every frame, null where absent or unmeasured", () => {
    expect(series(replay, "nodes", 2, (s) => s.p95)).toEqual([
      { time: "2026-11-21T10:00:10Z", value: 90 },
      { time: "2026-11-21T10:00:20Z", value: null },
      { time: "2026-11-21T10:00:30Z", value: null },
    ]);
    expect(series(replay, "nodes", 2, (s) => s.requestsPerSecond).map((p) => p.value)).toEqual([5, null, 7]);
    expect(series(replay, "edges", 0, (s) => s.requests).map((p) => p.value)).toEqual([50, 50, null]);
  });
});
