// The find/hide language of the topology view: `rt > 200ms and (zone != a or %error >= 1)`.
// Parsing keeps every token's position so an error can say where the expression went wrong and
// what would have been accepted there; evaluation is a plain function over an element's fields.

/** What the filter can read of a node or an edge. `undefined` = the field does not apply to it. */
export interface FilterSubject {
  element: "node" | "edge";
  /** Requests per second. */
  rps: number;
  /** Error shares as percentages (0–100). */
  errorPercent: number;
  serverErrorPercent: number;
  clientErrorPercent: number;
  /** Latency percentiles in ms; null when nothing was measured. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  health: string;
  namespace?: string;
  zone?: string;
  name?: string;
  service?: string;
  version?: string;
  kind?: string;
  protocol?: string;
  crossZone?: boolean;
}

type NumberField = "rps" | "errorPercent" | "serverErrorPercent" | "clientErrorPercent" | "p50" | "p95" | "p99";
type TextField = "health" | "namespace" | "zone" | "name" | "service" | "version" | "kind" | "protocol";

interface FieldSpec {
  type: "number" | "latency" | "text" | "boolean";
  key: NumberField | TextField | "crossZone";
}

/** Field names as written in an expression (lower case), and what they read. */
export const fields: Readonly<Record<string, FieldSpec>> = {
  rt: { type: "latency", key: "p95" },
  p50: { type: "latency", key: "p50" },
  p95: { type: "latency", key: "p95" },
  p99: { type: "latency", key: "p99" },
  rps: { type: "number", key: "rps" },
  "%error": { type: "number", key: "errorPercent" },
  "%5xx": { type: "number", key: "serverErrorPercent" },
  "%4xx": { type: "number", key: "clientErrorPercent" },
  namespace: { type: "text", key: "namespace" },
  zone: { type: "text", key: "zone" },
  name: { type: "text", key: "name" },
  service: { type: "text", key: "service" },
  version: { type: "text", key: "version" },
  kind: { type: "text", key: "kind" },
  health: { type: "text", key: "health" },
  protocol: { type: "text", key: "protocol" },
  crosszone: { type: "boolean", key: "crossZone" },
};

const fieldList = Object.keys(fields).join(", ");

export type Operator = "=" | "!=" | ">" | ">=" | "<" | "<=" | "~";

export type FilterNode =
  | { type: "and" | "or"; left: FilterNode; right: FilterNode }
  | { type: "not"; operand: FilterNode }
  | { type: "compare"; field: string; op: Operator; value: string | number | boolean; position: number };

export class FilterSyntaxError extends Error {
  constructor(
    /** 0-based character offset into the expression. */
    readonly position: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`at column ${position + 1}: expected ${expected}, found ${found}`);
    this.name = "FilterSyntaxError";
  }
}

interface Token {
  kind: "word" | "string" | "op" | "(" | ")" | "end";
  text: string;
  position: number;
}

const operatorPattern = /^(>=|<=|!=|=|>|<|~)/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")") {
      tokens.push({ kind: c, text: c, position: i });
      i++;
    } else if (c === '"' || c === "'") {
      const start = i;
      let value = "";
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) throw new FilterSyntaxError(text.length, `a closing ${c} for the string opened at column ${start + 1}`, "the end");
      i++;
      tokens.push({ kind: "string", text: value, position: start });
    } else {
      const op = operatorPattern.exec(text.slice(i));
      if (op) {
        tokens.push({ kind: "op", text: op[1]!, position: i });
        i += op[1]!.length;
      } else if (c === "!") {
        throw new FilterSyntaxError(i, "an operator (=, !=, >, >=, <, <=, ~)", "'!'");
      } else {
        const start = i;
        while (i < text.length && !/[\s()"'=!<>~]/.test(text[i]!)) i++;
        tokens.push({ kind: "word", text: text.slice(start, i), position: start });
      }
    }
  }
  tokens.push({ kind: "end", text: "", position: text.length });
  return tokens;
}

function describeToken(token: Token): string {
  if (token.kind === "end") return "the end";
  if (token.kind === "string") return `"${token.text}"`;
  return `'${token.text}'`;
}

const keywords = new Set(["and", "or", "not"]);
const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Parses an expression; an empty one is null (everything matches). Throws FilterSyntaxError. */
export function parse(text: string): FilterNode | null {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at]!;
  const isKeyword = (token: Token, word: string) => token.kind === "word" && token.text.toLowerCase() === word;

  if (peek().kind === "end") return null;

  function orExpression(): FilterNode {
    let left = andExpression();
    while (isKeyword(peek(), "or")) {
      at++;
      left = { type: "or", left, right: andExpression() };
    }
    return left;
  }

  function andExpression(): FilterNode {
    let left = unary();
    while (isKeyword(peek(), "and")) {
      at++;
      left = { type: "and", left, right: unary() };
    }
    return left;
  }

  function unary(): FilterNode {
    if (isKeyword(peek(), "not")) {
      at++;
      return { type: "not", operand: unary() };
    }
    if (peek().kind === "(") {
      at++;
      const inner = orExpression();
      const close = peek();
      if (close.kind !== ")") throw new FilterSyntaxError(close.position, "')' or 'and' or 'or'", describeToken(close));
      at++;
      return inner;
    }
    return comparison();
  }

  function comparison(): FilterNode {
    const token = peek();
    const spec = token.kind === "word" ? fields[token.text.toLowerCase()] : undefined;
    if (!spec || keywords.has(token.text.toLowerCase())) {
      throw new FilterSyntaxError(token.position, `a field (${fieldList}), 'not' or '('`, describeToken(token));
    }
    at++;
    const field = token.text.toLowerCase();
    const opToken = peek();
    if (opToken.kind !== "op") {
      // A boolean field alone is a test of truth: `crosszone` = `crosszone = true`.
      if (spec.type === "boolean") return { type: "compare", field, op: "=", value: true, position: token.position };
      throw new FilterSyntaxError(opToken.position, `an operator (=, !=, >, >=, <, <=, ~) after '${token.text}'`, describeToken(opToken));
    }
    at++;
    const op = opToken.text as Operator;
    const valueToken = peek();
    if (valueToken.kind !== "word" && valueToken.kind !== "string") {
      throw new FilterSyntaxError(valueToken.position, `a value after '${op}'`, describeToken(valueToken));
    }
    at++;
    return { type: "compare", field, op, value: value(spec, field, op, opToken.position, valueToken), position: token.position };
  }

  function value(spec: FieldSpec, field: string, op: Operator, opPosition: number, token: Token): string | number | boolean {
    if (spec.type === "text") {
      if (op !== "=" && op !== "!=" && op !== "~") {
        throw new FilterSyntaxError(opPosition, `=, != or ~ for the text field '${field}'`, `'${op}'`);
      }
      return token.text;
    }
    if (spec.type === "boolean") {
      const word = token.text.toLowerCase();
      if (op !== "=" && op !== "!=") throw new FilterSyntaxError(opPosition, `= or != for '${field}'`, `'${op}'`);
      if (word !== "true" && word !== "false") throw new FilterSyntaxError(token.position, `true or false for '${field}'`, describeToken(token));
      return word === "true";
    }
    if (op === "~") throw new FilterSyntaxError(opPosition, `a comparison (=, !=, >, >=, <, <=) for the number field '${field}'`, "'~'");
    const match = /^(-?\d+(?:\.\d+)?|-?\.\d+)([a-z%]*)$/i.exec(token.text);
    if (!match) throw new FilterSyntaxError(token.position, `a number for '${field}'`, describeToken(token));
    const unit = match[2]!.toLowerCase();
    const number = Number(match[1]);
    if (unit === "") return number;
    if (spec.type === "latency" && unit in units) return number * units[unit]!;
    if (spec.type === "number" && unit === "%" && field.startsWith("%")) return number;
    const allowed = spec.type === "latency" ? "ms, s or m" : field.startsWith("%") ? "% or none" : "none";
    throw new FilterSyntaxError(token.position + match[1]!.length, `a unit (${allowed}) for '${field}'`, `'${match[2]}'`);
  }

  const tree = orExpression();
  const rest = peek();
  if (rest.kind !== "end") throw new FilterSyntaxError(rest.position, "'and', 'or' or the end", describeToken(rest));
  return tree;
}

/** Globs compiled once, not per element and frame; the few a user types are kept (at most 64). */
const globs = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  let compiled = globs.get(glob);
  if (compiled === undefined) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    compiled = new RegExp(`^${body}$`, "i");
    if (globs.size >= 64) globs.clear();
    globs.set(glob, compiled);
  }
  return compiled;
}

function compareText(actual: string, op: Operator, expected: string): boolean {
  switch (op) {
    case "=":
      return actual.toLowerCase() === expected.toLowerCase();
    case "!=":
      return actual.toLowerCase() !== expected.toLowerCase();
    default:
      // `~` is a glob when it has wildcards, otherwise a substring test.
      return /[*?]/.test(expected) ? globToRegExp(expected).test(actual) : actual.toLowerCase().includes(expected.toLowerCase());
  }
}

function compareNumber(actual: number | null, op: Operator, expected: number): boolean {
  if (actual === null) return op === "!=";
  switch (op) {
    case "=":
      return actual === expected;
    case "!=":
      return actual !== expected;
    case ">":
      return actual > expected;
    case ">=":
      return actual >= expected;
    case "<":
      return actual < expected;
    case "<=":
      return actual <= expected;
    default:
      return false;
  }
}

/**
 * Evaluates with three values: a comparison on a field the element does not have (protocol of a
 * node) is "not applicable" (null) and constrains nothing, so `protocol = grpc` keeps the nodes
 * and filters the edges. `and`/`or` with one side not applicable take the other side.
 */
export function evaluate(tree: FilterNode, subject: FilterSubject): boolean | null {
  switch (tree.type) {
    case "and": {
      const left = evaluate(tree.left, subject);
      if (left === false) return false;
      const right = evaluate(tree.right, subject);
      return left === null ? right : right === null ? left : right;
    }
    case "or": {
      const left = evaluate(tree.left, subject);
      if (left === true) return true;
      const right = evaluate(tree.right, subject);
      return left === null ? right : right === null ? left : right;
    }
    case "not": {
      const inner = evaluate(tree.operand, subject);
      return inner === null ? null : !inner;
    }
    case "compare": {
      const spec = fields[tree.field]!;
      const actual = subject[spec.key as keyof FilterSubject];
      if (actual === undefined) return null;
      if (spec.type === "text") return compareText(String(actual), tree.op, String(tree.value));
      if (spec.type === "boolean") return tree.op === "=" ? actual === tree.value : actual !== tree.value;
      return compareNumber(actual as number | null, tree.op, tree.value as number);
    }
  }
}

/** Whether an element is kept (shown) by a parsed filter; null filter keeps everything. */
export function matches(tree: FilterNode | null, subject: FilterSubject): boolean {
  return tree === null || evaluate(tree, subject) !== false;
}

export type CompiledFilter = { ok: true; text: string; tree: FilterNode | null } | { ok: false; text: string; error: FilterSyntaxError };

export function compile(text: string): CompiledFilter {
  try {
    return { ok: true, text, tree: parse(text) };
  } catch (e) {
    if (e instanceof FilterSyntaxError) return { ok: false, text, error: e };
    throw e;
  }
}
