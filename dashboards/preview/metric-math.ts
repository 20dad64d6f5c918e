/**
 * A small evaluator for the CloudWatch metric-math subset the dashboards use, so the preview
 * shows what an expression would plot (budget left, burn rate, availability) from sample
 * series instead of invented numbers. Series are aligned arrays; scalars broadcast.
 * Functions: SUM, AVG, MIN, MAX (array -> series, series -> scalar), PERIOD, RUNNING_SUM, DIFF, FILL, IF;
 * comparisons (> >= < <= == !=) give 1 or 0, as in CloudWatch's metric math syntax
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
 */

export type Value = number | number[] | Value[];
export interface MathEnv {
  readonly series: ReadonlyMap<string, number[]>;
  readonly periodSeconds: number;
  readonly length: number;
}

type Token = { t: "num"; v: number } | { t: "id"; v: string } | { t: "fn"; v: string } | { t: "op"; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?(?:e[+-]?\d+)?)|([A-Z_]+)(?=\s*\()|([a-z][a-zA-Z0-9_]*)|(>=|<=|==|!=|[-+*/(),[\]<>]))/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < src.length) {
    re.lastIndex = pos;
    m = re.exec(src);
    if (!m) {
      if (/^\s*$/.test(src.slice(pos))) break;
      throw new Error(`metric math: cannot read "${src.slice(pos)}" in ${src}`);
    }
    pos = re.lastIndex;
    if (m[1] !== undefined) out.push({ t: "num", v: Number(m[1]) });
    else if (m[2] !== undefined) out.push({ t: "fn", v: m[2] });
    else if (m[3] !== undefined) out.push({ t: "id", v: m[3] });
    else out.push({ t: "op", v: m[4]! });
  }
  return out;
}

const isSeries = (v: Value): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");

function binary(a: Value, b: Value, f: (x: number, y: number) => number): Value {
  if (typeof a === "number" && typeof b === "number") return f(a, b);
  if (typeof a === "number" && isSeries(b)) return b.map((y) => f(a, y));
  if (isSeries(a) && typeof b === "number") return a.map((x) => f(x, b));
  if (isSeries(a) && isSeries(b)) return a.map((x, i) => f(x, b[i] ?? Number.NaN));
  throw new Error("metric math: arithmetic on an array");
}

function reduce(v: Value, f: (xs: number[]) => number): Value {
  if (isSeries(v)) return f(v.filter((x) => Number.isFinite(x)));
  if (Array.isArray(v)) {
    const list = v as Value[];
    const n = Math.max(...list.map((s) => (isSeries(s) ? s.length : 1)));
    return Array.from({ length: n }, (_, i) =>
      f(list.map((s) => (typeof s === "number" ? s : (s as number[])[i]!)).filter((x) => Number.isFinite(x))),
    );
  }
  return v;
}

export function evaluate(expression: string, env: MathEnv): Value {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = () => tokens[i];
  const take = (v?: string) => {
    const tok = tokens[i++];
    if (!tok || (v !== undefined && tok.v !== v)) throw new Error(`metric math: expected ${v ?? "a token"} in ${expression}`);
    return tok;
  };
  const COMPARE: Record<string, (x: number, y: number) => number> = {
    ">": (x, y) => Number(x > y),
    ">=": (x, y) => Number(x >= y),
    "<": (x, y) => Number(x < y),
    "<=": (x, y) => Number(x <= y),
    "==": (x, y) => Number(x === y),
    "!=": (x, y) => Number(x !== y),
  };
  const expr = (): Value => {
    const left = sum();
    const op = peek();
    if (op?.t === "op" && op.v in COMPARE) {
      take();
      return binary(left, sum(), COMPARE[op.v]!);
    }
    return left;
  };
  const sum = (): Value => {
    let left = term();
    while (peek()?.t === "op" && (peek()!.v === "+" || peek()!.v === "-")) {
      const op = take().v;
      const right = term();
      left = binary(left, right, op === "+" ? (x, y) => x + y : (x, y) => x - y);
    }
    return left;
  };
  const term = (): Value => {
    let left = unary();
    while (peek()?.t === "op" && (peek()!.v === "*" || peek()!.v === "/")) {
      const op = take().v;
      const right = unary();
      left = binary(left, right, op === "*" ? (x, y) => x * y : (x, y) => x / y);
    }
    return left;
  };
  const unary = (): Value => {
    if (peek()?.t === "op" && peek()!.v === "-") {
      take();
      return binary(0, unary(), (x, y) => x - y);
    }
    return primary();
  };
  const primary = (): Value => {
    const tok = take();
    if (tok.t === "num") return tok.v;
    if (tok.t === "id") {
      const s = env.series.get(tok.v);
      if (!s) throw new Error(`metric math: unknown id ${tok.v} in ${expression}`);
      return s;
    }
    if (tok.t === "op" && tok.v === "(") {
      const v = expr();
      take(")");
      return v;
    }
    if (tok.t === "op" && tok.v === "[") {
      const items: Value[] = [expr()];
      while (peek()?.v === ",") {
        take();
        items.push(expr());
      }
      take("]");
      return items;
    }
    if (tok.t === "fn") {
      take("(");
      const args: Value[] = [expr()];
      while (peek()?.v === ",") {
        take();
        args.push(expr());
      }
      take(")");
      return call(tok.v, args);
    }
    throw new Error(`metric math: unexpected ${tok.v} in ${expression}`);
  };
  const call = (fn: string, args: Value[]): Value => {
    const a = args[0]!;
    switch (fn) {
      case "SUM":
        return reduce(a, (xs) => xs.reduce((s, x) => s + x, 0));
      case "AVG":
        return reduce(a, (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN));
      case "MAX":
        return reduce(a, (xs) => Math.max(...xs));
      case "MIN":
        return reduce(a, (xs) => Math.min(...xs));
      case "PERIOD":
        return env.periodSeconds;
      case "RUNNING_SUM": {
        if (!isSeries(a)) throw new Error("RUNNING_SUM needs a time series");
        let acc = 0;
        return a.map((x) => (acc += Number.isFinite(x) ? x : 0));
      }
      case "DIFF": {
        if (!isSeries(a)) throw new Error("DIFF needs a time series");
        return a.map((x, k) => (k === 0 ? Number.NaN : x - a[k - 1]!));
      }
      case "FILL": {
        if (!isSeries(a) || typeof args[1] !== "number") throw new Error("FILL needs a series and a number");
        const v = args[1];
        return a.map((x) => (Number.isFinite(x) ? x : v));
      }
      case "IF": {
        // IF(condition, a, b): per timestamp, a where the condition is non-zero, else b.
        const [, then, otherwise] = args;
        if (then === undefined || otherwise === undefined) throw new Error("IF needs three arguments");
        const pick = (k: number) => (v: Value) => (typeof v === "number" ? v : (v as number[])[k]!);
        if (typeof a === "number") return a !== 0 ? then : otherwise;
        if (!isSeries(a)) throw new Error("IF needs a time series or a number as its condition");
        return a.map((c, k) => (c !== 0 ? pick(k)(then) : pick(k)(otherwise)));
      }
      default:
        throw new Error(`metric math: function ${fn} is not supported by the preview`);
    }
  };
  const result = expr();
  if (i !== tokens.length) throw new Error(`metric math: trailing input in ${expression}`);
  return result;
}

/** The expression's value as a plottable series (scalars become flat lines). */
export function asSeries(v: Value, length: number): number[] {
  if (typeof v === "number") return Array.from({ length }, () => v);
  if (isSeries(v)) return v;
  throw new Error("metric math: an expression must yield a time series or a scalar");
}
