import { describe, expect, it } from "vitest";
import { compile, evaluate, FilterSyntaxError, matches, parse, type FilterSubject } from "../src/filter/language";

const reviewsV3: FilterSubject = {
  element: "node",
  rps: 42.5,
  errorPercent: 2.5,
  serverErrorPercent: 2,
  clientErrorPercent: 0.5,
  p50: 80,
  p95: 310,
  p99: 1200,
  health: "degraded",
  namespace: "bookinfo",
  zone: "a",
  name: "reviews-v3",
  service: "reviews",
  version: "v3",
  kind: "workload",
};

const ratings: FilterSubject = {
  ...reviewsV3,
  rps: 9,
  errorPercent: 0,
  serverErrorPercent: 0,
  clientErrorPercent: 0,
  p50: 4,
  p95: 12,
  p99: null,
  health: "healthy",
  zone: "b",
  name: "ratings-v1",
  service: "ratings",
  version: "v1",
};

const grpcEdge: FilterSubject = {
  element: "edge",
  rps: 120,
  errorPercent: 0.2,
  serverErrorPercent: 0.2,
  clientErrorPercent: 0,
  p50: 3,
  p95: 40,
  p99: 95,
  health: "healthy",
  protocol: "grpc",
  crossZone: true,
};

function errorOf(text: string): FilterSyntaxError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof FilterSyntaxError) return e;
    throw e;
  }
  throw new Error(`'${text}' parsed without an error`);
}

describe("filter parsing", () => {
  it("builds the tree with precedence: not binds tightest, then and, then or", () => {
    expect(parse("rt > 200 or not zone = a and %error >= 1")).toEqual({
      type: "or",
      left: { type: "compare", field: "rt", op: ">", value: 200, position: 0 },
      right: {
        type: "and",
        left: { type: "not", operand: { type: "compare", field: "zone", op: "=", value: "a", position: 16 } },
        right: { type: "compare", field: "%error", op: ">=", value: 1, position: 29 },
      },
    });
  });

  it("reads units, quoted strings, operators without spaces and case-insensitive keywords", () => {
    expect(parse("p99>=1.5s")).toEqual({ type: "compare", field: "p99", op: ">=", value: 1500, position: 0 });
    expect(parse("rt < 200ms")).toEqual({ type: "compare", field: "rt", op: "<", value: 200, position: 0 });
    expect(parse('name ~ "reviews v*"')).toEqual({ type: "compare", field: "name", op: "~", value: "reviews v*", position: 0 });
    expect(parse("%5xx > 1% AND crosszone")).toEqual({
      type: "and",
      left: { type: "compare", field: "%5xx", op: ">", value: 1, position: 0 },
      right: { type: "compare", field: "crosszone", op: "=", value: true, position: 14 },
    });
    expect(parse("   ")).toBeNull();
  });

  it("names the position and what was expected", () => {
    const cases: [string, number, string, string][] = [
      ["rt >", 4, "a value after '>'", "the end"],
      ["latency > 3", 0, "a field (rt, p50, p95, p99, rps, %error, %5xx, %4xx, namespace, zone, name, service, version, kind, health, protocol, crosszone), 'not' or '('", "'latency'"],
      ["rt > fast", 5, "a number for 'rt'", "'fast'"],
      ["rps > 3s", 7, "a unit (none) for 'rps'", "'s'"],
      ["(zone = a", 9, "')' or 'and' or 'or'", "the end"],
      ["zone = a zone = b", 9, "'and', 'or' or the end", "'zone'"],
      ["zone > a", 5, "=, != or ~ for the text field 'zone'", "'>'"],
      ["name = 'open", 12, "a closing ' for the string opened at column 8", "the end"],
      ["crosszone = maybe", 12, "true or false for 'crosszone'", "'maybe'"],
      ["rt ! 3", 3, "an operator (=, !=, >, >=, <, <=, ~)", "'!'"],
      ["rt ~ 3", 3, "a comparison (=, !=, >, >=, <, <=) for the number field 'rt'", "'~'"],
    ];
    for (const [text, position, expected, found] of cases) {
      const error = errorOf(text);
      expect({ text, position: error.position, expected: error.expected, found: error.found }).toEqual({ text, position, expected, found });
    }
    expect(errorOf("rt >").message).toBe("at column 5: expected a value after '>', found the end");
  });

  it("compile keeps the text and either the tree or the error", () => {
    const good = compile("zone != a");
    expect(good.ok && good.tree).toEqual({ type: "compare", field: "zone", op: "!=", value: "a", position: 0 });
    const bad = compile("zone !=");
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.position).toBe(7);
  });
});

describe("filter evaluation", () => {
  const keep = (text: string, subject: FilterSubject) => matches(parse(text), subject);

  it("compares numbers, with null latencies matching only !=", () => {
    expect(keep("rt > 200", reviewsV3)).toBe(true);
    expect(keep("rt > 200", ratings)).toBe(false);
    expect(keep("p99 >= 1s", reviewsV3)).toBe(true);
    expect(keep("p99 > 0", ratings)).toBe(false);
    expect(keep("p99 != 0", ratings)).toBe(true);
    expect(keep("rps <= 9", ratings)).toBe(true);
    expect(keep("rps < 9", ratings)).toBe(false);
    expect(keep("%error >= 1", reviewsV3)).toBe(true);
    expect(keep("%4xx = 0.5", reviewsV3)).toBe(true);
    expect(keep("%5xx > 2", reviewsV3)).toBe(false);
  });

  it("compares text case-insensitively; ~ is a substring test or, with wildcards, a whole glob", () => {
    expect(keep("namespace = BookInfo", reviewsV3)).toBe(true);
    expect(keep("zone != a", reviewsV3)).toBe(false);
    expect(keep("zone != a", ratings)).toBe(true);
    expect(keep("name ~ view", reviewsV3)).toBe(true);
    expect(keep("name ~ view", ratings)).toBe(false);
    expect(keep("name ~ rev*3", reviewsV3)).toBe(true);
    expect(keep("name ~ rev*", ratings)).toBe(false);
    expect(keep("name ~ reviews-v?", reviewsV3)).toBe(true);
    expect(keep("health = degraded and version = v3", reviewsV3)).toBe(true);
  });

  it("combines with and, or, not and parentheses", () => {
    expect(keep("not (zone = a or rt > 100)", ratings)).toBe(true);
    expect(keep("not (zone = a or rt > 100)", reviewsV3)).toBe(false);
    expect(keep("zone = b and rt < 20 or name = x", ratings)).toBe(true);
    expect(keep("zone = b and (rt > 20 or name = x)", ratings)).toBe(false);
  });

  it("treats a field the element does not have as no constraint", () => {
    expect(evaluate(parse("protocol = grpc")!, reviewsV3)).toBeNull();
    expect(keep("protocol = grpc", reviewsV3)).toBe(true);
    expect(keep("protocol = grpc", grpcEdge)).toBe(true);
    expect(keep("protocol = http", grpcEdge)).toBe(false);
    expect(keep("crosszone", grpcEdge)).toBe(true);
    expect(keep("crosszone = false", grpcEdge)).toBe(false);
    expect(keep("not crosszone", reviewsV3)).toBe(true);
    // An edge has no namespace of its own: it follows its ends, and the latency part decides.
    expect(keep("namespace = shop and rt < 50", grpcEdge)).toBe(true);
    expect(keep("namespace = shop and rt > 50", grpcEdge)).toBe(false);
    expect(keep("namespace = shop or rt > 50", grpcEdge)).toBe(false);
    expect(keep("kind = database", grpcEdge)).toBe(true);
  });
});
