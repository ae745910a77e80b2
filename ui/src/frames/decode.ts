// Turns the replay answer (a dictionary of nodes and edges, then per frame columns holding only
// what had traffic) into per-frame maps keyed by dictionary index, and the difference between two
// frames, so switching frames touches only the elements whose traffic changed.

import type { GraphReplay, Health, Traffic, TrafficColumns } from "../api";

/** One node's (inbound) or edge's traffic in one frame. */
export interface TrafficSample extends Traffic {
  health: Health;
  /** Nodes only: what the node sent per second; null for edges. */
  outboundRequestsPerSecond: number | null;
}

export interface DecodedFrame {
  /** 0-based position in the replay. */
  index: number;
  time: string;
  nodes: Map<number, TrafficSample>;
  edges: Map<number, TrafficSample>;
}

export interface ChangeSet {
  /** Dictionary indexes present in the new frame whose traffic is new or different. */
  changed: number[];
  /** Dictionary indexes present before and absent (no traffic) now. */
  gone: number[];
}

export interface FrameDiff {
  nodes: ChangeSet;
  edges: ChangeSet;
}

const columnNames = [
  "requests",
  "requestsPerSecond",
  "errorRatio",
  "serverErrorRatio",
  "clientErrorRatio",
  "grpcErrorRatio",
  "p50",
  "p95",
  "p99",
  "bytesPerSecond",
  "mtlsShare",
  "health",
] as const;

function sampleAt(columns: TrafficColumns, k: number): TrafficSample {
  const outbound = columns.outboundRequestsPerSecond ?? null;
  return {
    requests: columns.requests[k]!,
    requestsPerSecond: columns.requestsPerSecond[k]!,
    errorRatio: columns.errorRatio[k]!,
    serverErrorRatio: columns.serverErrorRatio[k]!,
    clientErrorRatio: columns.clientErrorRatio[k]!,
    grpcErrorRatio: columns.grpcErrorRatio[k]!,
    p50: columns.p50[k] ?? null,
    p95: columns.p95[k] ?? null,
    p99: columns.p99[k] ?? null,
    bytesPerSecond: columns.bytesPerSecond[k]!,
    mtlsShare: columns.mtlsShare[k]!,
    health: columns.health[k]!,
    outboundRequestsPerSecond: outbound === null ? null : (outbound[k] ?? null),
  };
}

/**
 * Columns → map. A malformed answer (columns of different lengths, an index outside the
 * dictionary) is an error naming the column, not a silently wrong graph.
 */
export function decodeColumns(columns: TrafficColumns, dictionarySize: number, what: string): Map<number, TrafficSample> {
  const count = columns.index.length;
  for (const name of columnNames) {
    if (columns[name].length !== count) {
      throw new Error(`${what}: column '${name}' has ${columns[name].length} entries, 'index' has ${count}`);
    }
  }
  const outbound = columns.outboundRequestsPerSecond ?? null;
  if (outbound !== null && outbound.length !== count) {
    throw new Error(`${what}: column 'outboundRequestsPerSecond' has ${outbound.length} entries, 'index' has ${count}`);
  }
  const map = new Map<number, TrafficSample>();
  for (let k = 0; k < count; k++) {
    const index = columns.index[k]!;
    if (!Number.isInteger(index) || index < 0 || index >= dictionarySize) {
      throw new Error(`${what}: index ${index} at position ${k} is outside the dictionary of ${dictionarySize}`);
    }
    map.set(index, sampleAt(columns, k));
  }
  return map;
}

/** Frame `index` (0-based) of a replay, decoded. */
export function decodeFrame(replay: GraphReplay, index: number): DecodedFrame {
  const frame = replay.frames[index];
  if (!frame) throw new Error(`frame ${index + 1} is outside the replay's ${replay.frames.length} frames`);
  return {
    index,
    time: frame.time,
    nodes: decodeColumns(frame.nodes, replay.nodes.length, `frame ${index + 1} nodes`),
    edges: decodeColumns(frame.edges, replay.edges.length, `frame ${index + 1} edges`),
  };
}

export function sameSample(a: TrafficSample, b: TrafficSample): boolean {
  return (
    a.requests === b.requests &&
    a.requestsPerSecond === b.requestsPerSecond &&
    a.errorRatio === b.errorRatio &&
    a.serverErrorRatio === b.serverErrorRatio &&
    a.clientErrorRatio === b.clientErrorRatio &&
    a.grpcErrorRatio === b.grpcErrorRatio &&
    a.p50 === b.p50 &&
    a.p95 === b.p95 &&
    a.p99 === b.p99 &&
    a.bytesPerSecond === b.bytesPerSecond &&
    a.mtlsShare === b.mtlsShare &&
    a.health === b.health &&
    a.outboundRequestsPerSecond === b.outboundRequestsPerSecond
  );
}

function changes(previous: Map<number, TrafficSample> | null, next: Map<number, TrafficSample>): ChangeSet {
  const changed: number[] = [];
  const gone: number[] = [];
  for (const [index, sample] of next) {
    const before = previous?.get(index);
    if (before === undefined || !sameSample(before, sample)) changed.push(index);
  }
  if (previous !== null) {
    for (const index of previous.keys()) if (!next.has(index)) gone.push(index);
  }
  changed.sort((a, b) => a - b);
  gone.sort((a, b) => a - b);
  return { changed, gone };
}

/** What differs from `previous` (null = nothing shown yet) to `next`. */
export function diffFrames(previous: DecodedFrame | null, next: DecodedFrame): FrameDiff {
  return { nodes: changes(previous?.nodes ?? null, next.nodes), edges: changes(previous?.edges ?? null, next.edges) };
}

/**
 * One value of one node or edge over every frame, for sparklines: null where the element had
 * no traffic in a frame or the value was not measured.
 */
export function series(
  replay: GraphReplay,
  part: "nodes" | "edges",
  dictionaryIndex: number,
  pick: (sample: TrafficSample) => number | null,
): { time: string; value: number | null }[] {
  return replay.frames.map((frame) => {
    const k = frame[part].index.indexOf(dictionaryIndex);
    return { time: frame.time, value: k < 0 ? null : pick(sampleAt(frame[part], k)) };
  });
}
