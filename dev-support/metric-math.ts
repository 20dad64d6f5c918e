/**
 * One interpreter of the CloudWatch metric math FleetWatch writes (its alarms' and its
 * dashboards' expressions), for the simulator, which evaluates alarms period by period, and for
 * the dashboard preview, which plots whole series. Syntax and functions as documented in
 * "Using metric math" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html):
 * + - * /, comparisons (> >= < <= == !=) giving 1 or 0, parentheses, arrays [a, b], and
 * SUM, AVG, MIN, MAX (array -> series, series -> scalar), IF, FILL, PERIOD, RUNNING_SUM, DIFF.
 * A missing datapoint (NaN in a series) makes a result missing, as in CloudWatch, except
 * inside FILL; division by zero gives a missing datapoint too.
 */

export type MathNode =
  | { readonly t: "num"; readonly v: number }
  | { readonly t: "id"; readonly name: string }
  | { readonly t: "bin"; readonly op: string; readonly a: MathNode; readonly b: MathNode }
  | { readonly t: "neg"; readonly a: MathNode }
  | { readonly t: "list"; readonly items: readonly MathNode[] }
  | { readonly t: "call"; readonly fn: string; readonly args: readonly MathNode[] };

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|>=|<=|==|!=|[-+*/(),<>[\]])/y;
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i] as string)) {
      i++;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new Error(`metric math: cannot read ${JSON.stringify(text.slice(i))} in ${text}`);
    tokens.push(m[1] as string);
    i = re.lastIndex;
  }
  return tokens;
}

const COMPARISONS = new Set([">", "<", ">=", "<=", "==", "!="]);

export function parseExpression(text: string): MathNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (expected?: string) => {
    const t = tokens[pos++];
    if (t === undefined || (expected !== undefined && t !== expected)) {
      throw new Error(`metric math: expected ${expected ?? "more"}, got ${t ?? "the end"} in ${text}`);
    }
    return t;
  };
  const list = (close: string): MathNode[] => {
    const items: MathNode[] = [];
    if (peek() !== close) {
      items.push(comparison());
      while (peek() === ",") {
        take(",");
        items.push(comparison());
      }
    }
    take(close);
    return items;
  };
  const comparison = (): MathNode => {
    let a = additive();
    while (COMPARISONS.has(peek() ?? "")) a = { t: "bin", op: take(), a, b: additive() };
    return a;
  };
  const additive = (): MathNode => {
    let a = term();
    while (peek() === "+" || peek() === "-") a = { t: "bin", op: take(), a, b: term() };
    return a;
  };
  const term = (): MathNode => {
    let a = unary();
    while (peek() === "*" || peek() === "/") a = { t: "bin", op: take(), a, b: unary() };
    return a;
  };
  const unary = (): MathNode => {
    if (peek() === "-") {
      take();
      return { t: "neg", a: unary() };
    }
    return primary();
  };
  const primary = (): MathNode => {
    const t = take();
    if (t === "(") {
      const e = comparison();
      take(")");
      return e;
    }
    if (t === "[") return { t: "list", items: list("]") };
    if (/^\d/.test(t)) return { t: "num", v: Number(t) };
    if (!/^[A-Za-z_]/.test(t)) throw new Error(`metric math: unexpected ${t} in ${text}`);
    if (peek() === "(") {
      take("(");
      return { t: "call", fn: t.toUpperCase(), args: list(")") };
    }
    return { t: "id", name: t };
  };
  const root = comparison();
  if (pos !== tokens.length) throw new Error(`metric math: unexpected ${tokens[pos]} in ${text}`);
  return root;
}

/** A scalar, a time series (aligned, NaN = missing), or an array of them (SUM([a, b])). */
export type Value = number | number[] | Value[];

export interface MathEnv {
  /** Input series by metric-math id, all of `length` points. */
  readonly series: ReadonlyMap<string, readonly number[]>;
  readonly periodSeconds: number;
  readonly length: number;
}

const isSeries = (v: Value): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");
const missing = (x: number) => Number.isNaN(x);

function binary(a: Value, b: Value, f: (x: number, y: number) => number): Value {
  const g = (x: number, y: number) => (missing(x) || missing(y) ? Number.NaN : f(x, y));
  if (typeof a === "number" && typeof b === "number") return g(a, b);
  if (typeof a === "number" && isSeries(b)) return b.map((y) => g(a, y));
  if (isSeries(a) && typeof b === "number") return a.map((x) => g(x, b));
  if (isSeries(a) && isSeries(b)) return a.map((x, i) => g(x, b[i] ?? Number.NaN));
  throw new Error("metric math: arithmetic on an array");
}

/** Series -> scalar over its datapoints; array of series -> series over the array per timestamp. */
function reduce(v: Value, f: (xs: number[]) => number): Value {
  const present = (xs: number[]) => xs.filter((x) => Number.isFinite(x));
  if (isSeries(v)) return f(present(v));
  if (Array.isArray(v)) {
    const list = v as Value[];
    const n = Math.max(...list.map((s) => (isSeries(s) ? s.length : 1)));
    return Array.from({ length: n }, (_, i) => f(present(list.map((s) => (typeof s === "number" ? s : (s as number[])[i]!)))));
  }
  return v;
}

const OPERATORS: Record<string, (x: number, y: number) => number> = {
  "+": (x, y) => x + y,
  "-": (x, y) => x - y,
  "*": (x, y) => x * y,
  "/": (x, y) => (y === 0 ? Number.NaN : x / y),
  ">": (x, y) => Number(x > y),
  ">=": (x, y) => Number(x >= y),
  "<": (x, y) => Number(x < y),
  "<=": (x, y) => Number(x <= y),
  "==": (x, y) => Number(x === y),
  "!=": (x, y) => Number(x !== y),
};

/** Evaluates an expression over whole series (the preview). */
export function evaluate(expression: string | MathNode, env: MathEnv): Value {
  const root = typeof expression === "string" ? parseExpression(expression) : expression;
  const ev = (n: MathNode): Value => {
    switch (n.t) {
      case "num":
        return n.v;
      case "id": {
        const s = env.series.get(n.name);
        if (!s) throw new Error(`metric math: unknown id ${n.name}`);
        return [...s];
      }
      case "neg":
        return binary(0, ev(n.a), OPERATORS["-"]!);
      case "bin":
        return binary(ev(n.a), ev(n.b), OPERATORS[n.op]!);
      case "list":
        return n.items.map(ev);
      case "call":
        return call(n.fn, n.args.map(ev));
    }
  };
  const call = (fn: string, args: Value[]): Value => {
    const a = args[0];
    if (a === undefined) throw new Error(`metric math: ${fn} needs an argument`);
    switch (fn) {
      case "SUM":
        return reduce(a, (xs) => xs.reduce((s, x) => s + x, 0));
      case "AVG":
        return reduce(a, (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN));
      case "MAX":
        return reduce(a, (xs) => (xs.length ? Math.max(...xs) : Number.NaN));
      case "MIN":
        return reduce(a, (xs) => (xs.length ? Math.min(...xs) : Number.NaN));
      case "PERIOD":
        return env.periodSeconds;
      case "RUNNING_SUM": {
        if (!isSeries(a)) throw new Error("metric math: RUNNING_SUM needs a time series");
        let acc = 0;
        return a.map((x) => (acc += Number.isFinite(x) ? x : 0));
      }
      case "DIFF": {
        if (!isSeries(a)) throw new Error("metric math: DIFF needs a time series");
        return a.map((x, k) => (k === 0 ? Number.NaN : x - a[k - 1]!));
      }
      case "FILL": {
        const v = args[1];
        if (typeof v !== "number") throw new Error("metric math: FILL needs a series and a number");
        if (typeof a === "number") return missing(a) ? v : a;
        if (!isSeries(a)) throw new Error("metric math: FILL needs a series and a number");
        return a.map((x) => (missing(x) ? v : x));
      }
      case "IF": {
        // IF(condition, a, b): per timestamp, a where the condition is non-zero, else b; missing where the condition is.
        const [, then, otherwise] = args;
        if (then === undefined || otherwise === undefined) throw new Error("metric math: IF needs three arguments");
        const at = (v: Value, k: number) => (typeof v === "number" ? v : (v as number[])[k]!);
        if (typeof a === "number") return missing(a) ? Number.NaN : a !== 0 ? then : otherwise;
        if (!isSeries(a)) throw new Error("metric math: IF needs a time series or a number as its condition");
        return a.map((c, k) => (missing(c) ? Number.NaN : c !== 0 ? at(then, k) : at(otherwise, k)));
      }
      default:
        throw new Error(`metric math: function ${fn} is not supported`);
    }
  };
  return ev(root);
}

/** The expression's value as a plottable series (scalars become flat lines). */
export function asSeries(v: Value, length: number): number[] {
  if (typeof v === "number") return Array.from({ length }, () => v);
  if (isSeries(v)) return v;
  throw new Error("metric math: an expression must yield a time series or a scalar");
}

/** Evaluates for one period (the simulator). `values` maps input ids to the period's datapoint (null = missing). */
export function evaluateExpression(node: MathNode, values: Readonly<Record<string, number | null>>, periodSeconds: number): number | null {
  const series = new Map(Object.entries(values).map(([id, v]) => [id, [v ?? Number.NaN]]));
  const [v] = asSeries(evaluate(node, { series, periodSeconds, length: 1 }), 1);
  return v === undefined || Number.isNaN(v) ? null : v;
}
