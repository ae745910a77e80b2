import { describe, expect, it } from "vitest";
import { decisionTitle, finite, listedDecisions, policyKey, scalingSeries, targetQuery } from "../src/views/scaling-data";
import { dryRun, enforced, policies } from "./fixtures/scaling";

const at = (iso: string) => Date.parse(iso);
const values = (points: { v: number | null }[]) => points.map((p) => p.v);

describe("decision series", () => {
  const series = scalingSeries(enforced.decisions);

  it("takes demand from the figures, and gaps where the scaler had no data", () => {
    expect(values(series.demand)).toEqual([40, 100, 98, null, 120, null]);
    expect(values(series.forecast)).toEqual([45, 110, 105, null, 130, null]);
    expect(series.demand.map((p) => p.t)).toEqual([
      at("2026-11-21T10:00:00Z"), at("2026-11-21T10:00:15Z"), at("2026-11-21T10:00:30Z"),
      at("2026-11-21T10:00:45Z"), at("2026-11-21T10:01:00Z"), at("2026-11-21T10:01:15Z"),
    ]);
  });

  it("sizes capacity as capacity per replica times the effective replicas; an unbounded figure is no value", () => {
    expect(values(series.capacity)).toEqual([60, 60, 90, null, null, null]);
  });

  it("follows replicas after each decision: the desired count once scaled, else the current one", () => {
    expect(values(series.replicas)).toEqual([2, 4, 4, 4, 4, 4]);
  });

  it("marks the decisions that scaled, failed or were refused, with outcome and reasons as the title", () => {
    expect(series.markers.map((m) => [m.t, m.outcome, m.dryRun, m.label])).toEqual([
      [at("2026-11-21T10:00:15Z"), "scaled", false, "→ 4"],
      [at("2026-11-21T10:01:00Z"), "failed", false, "failed"],
      [at("2026-11-21T10:01:15Z"), "refused", false, "refused"],
    ]);
    expect(series.markers[0]!.title).toBe("scaled 2 → 4\nburst: short rate 100 req/s is 2.5× the stable rate\ndemand: 110 req/s needs 4 replicas");
    expect(series.markers[1]!.title).toBe("failed to scale 4 → 5\nPATCH /scale answered 422: spec.replicas: Invalid value\ndemand: 130 req/s needs 5 replicas");
    expect(series.markers[2]!.title).toBe("refused at 4\nHorizontalPodAutoscaler bookinfo/reviews also scales Deployment/reviews-v1");
  });

  it("draws a dry run as what it would have done, leaving the real replica count alone", () => {
    const s = scalingSeries(dryRun.decisions);
    expect(values(s.replicas)).toEqual([3, 3]);
    expect(s.markers.map((m) => [m.outcome, m.dryRun, m.label])).toEqual([["dry-run", true, "would scale to 5"]]);
    expect(s.markers[0]!.title).toBe("dry run: would scale 3 → 5\ndemand: 110 req/s needs 5 replicas");
  });

  it("falls back to the stable-window rate and the ready pods when the figures lack them", () => {
    const s = scalingSeries(dryRun.decisions);
    expect(values(s.demand)).toEqual([12.5, 100]);
    expect(values(s.capacity)).toEqual([75, 75]); // 25 req/s × 3 ready pods (a fourth is not ready), then × 3 effective
  });

  it("orders decisions by time whatever order they come in", () => {
    const reversed = scalingSeries([...enforced.decisions].reverse());
    expect(values(reversed.replicas)).toEqual([2, 4, 4, 4, 4, 4]);
  });
});

describe("decision list and queries", () => {
  it("lists the latest decision and every notable one, newest first", () => {
    expect(listedDecisions(enforced.decisions).map((d) => [d.time, d.outcome])).toEqual([
      ["2026-11-21T10:01:15+00:00", "refused"],
      ["2026-11-21T10:01:00+00:00", "failed"],
      ["2026-11-21T10:00:15+00:00", "scaled"],
    ]);
    expect(listedDecisions(dryRun.decisions, 1).map((d) => d.outcome)).toEqual(["dry-run"]);
    const quiet = enforced.decisions.slice(2, 4); // unchanged, then held
    expect(listedDecisions(quiet).map((d) => d.outcome)).toEqual(["held"]);
  });

  it("asks for a policy's decisions by its target's namespace and name", () => {
    expect(policies.policies.map(targetQuery)).toEqual(["bookinfo/reviews-v1", "ops/ratings-v1"]);
    expect(policies.policies.map(policyKey)).toEqual(["bookinfo/reviews-v1", "ops/ratings"]);
  });

  it("reads only finite figures", () => {
    expect([3.5, "Infinity", "NaN", "-Infinity", null, undefined].map(finite)).toEqual([3.5, null, null, null, null, null]);
  });

  it("writes a held decision's reasons under its outcome", () => {
    expect(decisionTitle(enforced.decisions[3]!)).toBe("held at 4\nmissing-data-hold: no data newer than 70 s");
  });
});
