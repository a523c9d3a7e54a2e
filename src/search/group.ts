/**
 * Groups the flat token stream into the units MLflow reasons about: parenthesised lists,
 * (dotted) identifiers, `lhs OP rhs` comparisons and the `IN (...)` / `IS [NOT] NULL` forms.
 *
 * The grouping deliberately reproduces the generic SQL grouping MLflow relies on, including its
 * leniency: `AND` tokens are simply skipped (so `a = 1 b = 2` and `AND a = 1` are accepted) and a
 * comparison is formed wherever an operand sits on each side of an operator.
 */
import type { Token } from "./lexer";

export type Node =
  | { kind: "tok"; tok: Token; text: string }
  | { kind: "paren"; text: string }
  | { kind: "ident"; text: string }
  /**
   * `lhs op rhs`; for IS [NOT] NULL there is no rhs. `op` is normalised upper-case; `opText` is
   * the operator as written (the trace grammar checks some comparators before upper-casing).
   */
  | { kind: "cmp"; lhs: Node; op: string; rhs: Node | null; text: string; opText?: string };

const isWs = (n: Node) => n.kind === "tok" && n.tok.kind === "ws";

function tokNode(tok: Token): Node {
  return { kind: "tok", tok, text: tok.text };
}

/** Replaces matched `(` ... `)` runs by paren nodes; unmatched brackets stay as tokens. */
function groupParens(input: string, tokens: Token[]): Node[] {
  const match = new Map<number, number>();
  const stack: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== "punct") return;
    if (t.text === "(") stack.push(i);
    else if (t.text === ")" && stack.length) match.set(stack.pop()!, i);
  });
  const out: Node[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const j = match.get(i);
    if (j === undefined) {
      out.push(tokNode(t));
      continue;
    }
    const end = tokens[j]!;
    out.push({ kind: "paren", text: input.slice(t.start, end.start + end.text.length) });
    i = j;
  }
  return out;
}

function nextNonWs(nodes: Node[], i: number): number {
  let j = i + 1;
  while (j < nodes.length && isWs(nodes[j]!)) j++;
  return j;
}

const isTok = (n: Node | undefined, kind: string, text?: string): boolean =>
  !!n && n.kind === "tok" && n.tok.kind === kind && (text === undefined || n.tok.text === text);

const join = (nodes: Node[], from: number, to: number) =>
  nodes
    .slice(from, to + 1)
    .map((n) => n.text)
    .join("");

/** `a.b.c`, `metrics."x y"`, `tags.'k'`; also absorbs a trailing ASC/DESC like the SQL grouper. */
function groupIdentifiers(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (isTok(n, "integer") || isTok(n, "float")) {
      // `5 DESC` becomes an identifier too (it can then alias onto a preceding `tags.`).
      const order = nextNonWs(nodes, i);
      if (isTok(nodes[order], "order")) {
        out.push({ kind: "ident", text: join(nodes, i, order) });
        i = order;
        continue;
      }
    }
    if (!(isTok(n, "name") || isTok(n, "symbol"))) {
      out.push(n);
      continue;
    }
    let end = i;
    for (;;) {
      const dot = nextNonWs(nodes, end);
      if (!isTok(nodes[dot], "punct", ".")) break;
      const member = nextNonWs(nodes, dot);
      const m = nodes[member];
      if (isTok(m, "name") || isTok(m, "symbol") || isTok(m, "wildcard") || isTok(m, "string")) end = member;
      else end = dot;
    }
    const order = nextNonWs(nodes, end);
    if (isTok(nodes[order], "order")) end = order;
    out.push({ kind: "ident", text: join(nodes, i, end) });
    i = end;
  }
  return out;
}

/** `x::y` (a SQL cast) glues whatever surrounds it into one identifier, as the SQL grouper does. */
function groupTypecasts(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (isTok(n, "punct", "::")) {
      let p = out.length - 1;
      while (p >= 0 && isWs(out[p]!)) p--;
      const nx = nextNonWs(nodes, i);
      if (p >= 0 && nx < nodes.length) {
        const text = out.slice(p).map((x) => x.text).join("") + join(nodes, i, nx);
        out.splice(p);
        out.push({ kind: "ident", text });
        i = nx;
        continue;
      }
    }
    out.push(n);
  }
  return out;
}

function isOperand(n: Node | undefined): boolean {
  if (!n) return false;
  if (n.kind === "ident" || n.kind === "paren") return true;
  if (n.kind !== "tok") return false;
  const k = n.tok.kind;
  return k === "integer" || k === "float" || k === "string" || (k === "keyword" && n.tok.norm === "NULL");
}

function groupComparisons(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.kind === "tok" && n.tok.kind === "cmp") {
      let p = out.length - 1;
      while (p >= 0 && isWs(out[p]!)) p--;
      const nx = nextNonWs(nodes, i);
      if (p >= 0 && isOperand(out[p]) && isOperand(nodes[nx])) {
        const lhs = out[p]!;
        const text = out.slice(p).map((x) => x.text).join("") + join(nodes, i, nx);
        out.splice(p);
        out.push({ kind: "cmp", lhs, op: n.tok.norm, opText: n.tok.text, rhs: nodes[nx]!, text });
        i = nx;
        continue;
      }
    }
    out.push(n);
  }
  return out;
}

/** `x y` where y is an identifier becomes one identifier (SQL's implicit alias). */
function groupAliases(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    if (n.kind === "ident") {
      let p = out.length - 1;
      while (p >= 0 && isWs(out[p]!)) p--;
      const prev = out[p];
      if (prev && (prev.kind === "ident" || prev.kind === "paren" || prev.kind === "cmp" || isTok(prev, "integer") || isTok(prev, "float") || isTok(prev, "hex"))) {
        const text = out.slice(p).map((x) => x.text).join("") + n.text;
        out.splice(p);
        out.push({ kind: "ident", text });
        continue;
      }
    }
    out.push(n);
  }
  return out;
}

/** Everything up to the IN/IS assembly; whitespace nodes are kept so raw text can be rebuilt. */
export function groupTokens(input: string, tokens: Token[]): Node[] {
  return groupAliases(groupComparisons(groupTypecasts(groupIdentifiers(groupParens(input, tokens)))));
}

const NUMERIC_CMP = new Set([">", ">=", "!=", "=", "<", "<="]);

const isKw = (n: Node | undefined, norm: string) => !!n && n.kind === "tok" && n.tok.kind === "keyword" && n.tok.norm === norm;

/**
 * Turns `ident IN (..)`, `ident NOT IN (..)`, `ident IS NULL` and `ident IS NOT NULL` into
 * comparisons. Mirrors MLflow's windowed scan: once it meets an identifier it consumes three
 * (or four) nodes at a time, whether or not they end up forming a comparison.
 */
export function joinKeywordComparisons(all: Node[], traces = false): Node[] {
  const nodes = all.filter((n) => !isWs(n));
  const out: Node[] = [];
  let i = 0;
  while (i < nodes.length) {
    const first = nodes[i]!;
    if (nodes.length - i < 3) {
      out.push(...nodes.slice(i));
      break;
    }
    // Trace filters: a bare `timestamp` is a SQL type name, not an identifier, so MLflow pairs it
    // with a numeric comparator and an integer itself; otherwise the three tokens are invalid, and
    // (MLflow's scan falling through) `timestamp` is listed once more.
    if (traces && first.kind === "tok" && first.tok.kind === "keyword" && first.tok.text === "timestamp") {
      const second = nodes[i + 1]!;
      const third = nodes[i + 2]!;
      i += 3;
      if (second.kind === "tok" && second.tok.kind === "cmp" && NUMERIC_CMP.has(second.tok.text) && isTok(third, "integer")) {
        out.push({ kind: "cmp", lhs: { kind: "ident", text: first.text }, op: second.tok.norm, opText: second.tok.text, rhs: third, text: [first, second, third].map((n) => n.text).join(" ") });
      } else out.push(first, second, third, first);
      continue;
    }
    if (first.kind !== "ident") {
      out.push(first);
      i++;
      continue;
    }
    const second = nodes[i + 1]!;
    const third = nodes[i + 2]!;
    i += 3;
    const text = [first, second, third].map((n) => n.text).join(" ");
    if (isKw(second, "IN") && third.kind === "paren") {
      out.push({ kind: "cmp", lhs: first, op: "IN", opText: second.text, rhs: third, text });
      continue;
    }
    if (isKw(second, "IS") && isKw(third, "NULL")) {
      out.push({ kind: "cmp", lhs: first, op: "IS NULL", rhs: null, text });
      continue;
    }
    // MLflow compares the raw keyword text, so `NOT  NULL` with two spaces does not qualify.
    if (isKw(second, "IS") && third.kind === "tok" && third.tok.kind === "keyword" && third.tok.text.toUpperCase() === "NOT NULL") {
      out.push({ kind: "cmp", lhs: first, op: "IS NOT NULL", rhs: null, text });
      continue;
    }
    const fourth = nodes[i];
    if (fourth === undefined) {
      out.push(first, second, third);
      break;
    }
    i++;
    if (isKw(second, "NOT") && isKw(third, "IN") && fourth.kind === "paren") {
      out.push({ kind: "cmp", lhs: first, op: "NOT IN", rhs: fourth, text: `${text} ${fourth.text}` });
      continue;
    }
    out.push(first, second, third, fourth);
  }
  return out;
}
