import { describe, expect, it } from "vitest";
import { layoutWaterfall, millisBetween, parseInstant, traceIdProblem } from "../src/views/trace-data";
import { details, orphan, ratings, reviews, root, trace } from "./fixtures/trace";

describe("waterfall layout", () => {
  const waterfall = layoutWaterfall(trace.spans);
  const rows = waterfall.rows.map((r) => ({ id: r.span.spanId, depth: r.depth, offsetMs: r.offsetMs, durationMs: r.durationMs, orphan: r.orphan }));

  it("nests spans under their parents, children in start order, orphans as roots after earlier roots", () => {
    expect(rows.map((r) => [r.id, r.depth, r.orphan])).toEqual([
      [root.spanId, 0, false],
      [details.spanId, 1, false],
      [reviews.spanId, 2, false],
      [ratings.spanId, 1, false],
      [orphan.spanId, 0, true],
    ]);
    expect(waterfall.orphans).toBe(1);
  });

  it("offsets each span from the trace's first start, to the 100 ns the store keeps", () => {
    expect(rows.map((r) => r.offsetMs)).toEqual([0, 10, 20.05, 70, 30]);
    expect(rows.map((r) => r.durationMs)).toEqual([100, 50, 10, 20, 5]);
    expect(waterfall.durationMs).toBe(100);
  });

  it("places bars as shares of the trace's duration", () => {
    const bars = waterfall.rows.map((r) => [r.left, r.width]);
    expect(bars[0]).toEqual([0, 1]);
    expect(bars[1]).toEqual([0.1, 0.5]);
    expect(bars[2]![0]).toBeCloseTo(0.2005, 12);
    expect(bars[2]![1]).toBe(0.1);
    expect(bars[3]).toEqual([0.7, 0.2]);
    expect(bars[4]).toEqual([0.3, 0.05]);
  });

  it("marks error spans and numbers services by first appearance", () => {
    expect(waterfall.rows.filter((r) => r.error).map((r) => r.span.spanId)).toEqual([reviews.spanId]);
    expect(waterfall.errors).toBe(1);
    expect(waterfall.services).toEqual(["istio-ingressgateway", "productpage", "reviews", "ratings"]);
    expect(waterfall.rows.map((r) => r.serviceIndex)).toEqual([0, 1, 2, 1, 3]);
  });

  it("does not depend on the order spans arrive in", () => {
    const shuffled = layoutWaterfall([ratings, orphan, reviews, details, root]);
    expect(shuffled.rows.map((r) => r.span.spanId)).toEqual(waterfall.rows.map((r) => r.span.spanId));
  });

  it("measures a trace whose root is missing from its earliest span to its latest end", () => {
    const w = layoutWaterfall([reviews, orphan]); // reviews' parent is absent here too
    expect(w.rows.map((r) => [r.span.spanId, r.depth, r.orphan, r.offsetMs])).toEqual([
      [reviews.spanId, 0, true, 0],
      [orphan.spanId, 0, true, 9.95],
    ]);
    expect(w.durationMs).toBeCloseTo(14.95, 12); // to the orphan's end at 35 ms
  });

  it("shows each span of a parent cycle once, breaking it at the earliest", () => {
    const x = { ...details, spanId: "1111111111111111", parentSpanId: "2222222222222222" };
    const y = { ...ratings, spanId: "2222222222222222", parentSpanId: "1111111111111111" };
    const w = layoutWaterfall([y, x]);
    expect(w.rows.map((r) => [r.span.spanId, r.depth, r.orphan])).toEqual([
      ["1111111111111111", 0, true],
      ["2222222222222222", 1, false],
    ]);
  });

  it("lays out a single instant span without dividing by zero", () => {
    const w = layoutWaterfall([{ ...root, durationNanos: 0 }]);
    expect(w.rows.map((r) => [r.left, r.width])).toEqual([[0, 0]]);
  });
});

describe("span times", () => {
  it("keeps the sub-millisecond digits of a timestamp", () => {
    const a = parseInstant("2026-11-21T10:00:00.0000000+00:00");
    const b = parseInstant("2026-11-21T10:00:01.2345678+00:00");
    expect(b).toEqual({ ms: Date.parse("2026-11-21T10:00:01.234Z"), nanos: 567_800 });
    expect(millisBetween(a, b)).toBe(1234.5678);
    expect(parseInstant("2026-11-21T12:00:00+02:00").ms).toBe(Date.parse("2026-11-21T10:00:00Z"));
  });

  it("checks a trace id as the API does", () => {
    expect(traceIdProblem("0af7651916cd43dd8448eb211c80319c")).toBeNull();
    expect(traceIdProblem("xyz")).toBe("trace id 'xyz' must be 32 hex digits, not all zero");
    expect(traceIdProblem("0".repeat(32))).toBe(`trace id '${"0".repeat(32)}' must be 32 hex digits, not all zero`);
  });
});
