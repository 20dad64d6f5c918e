/**
 * The subset of CloudWatch metric math the signal catalog's alarms use, evaluated per period:
 * + - * /, comparisons, parentheses, IF(cond, a, b), FILL(series, value) and PERIOD(series).
 * A missing input makes the result missing (no datapoint), as in CloudWatch, except inside FILL.
 */
type Node =
  | { t: "num"; v: number }
  | { t: "id"; name: string }
  | { t: "bin"; op: string; a: Node; b: Node }
  | { t: "neg"; a: Node }
  | { t: "call"; fn: string; args: Node[] };

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|>=|<=|[-+*/(),<>])/y;
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i] as string)) {
      i++;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new Error(`metric math: cannot read ${JSON.stringify(text.slice(i))}`);
    tokens.push(m[1] as string);
    i = re.lastIndex;
  }
  return tokens;
}

export function parseExpression(text: string): Node {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (expected?: string) => {
    const t = tokens[pos++];
    if (expected !== undefined && t !== expected) throw new Error(`metric math: expected ${expected}, got ${t} in ${text}`);
    return t as string;
  };
  const comparison = (): Node => {
    let a = additive();
    while (peek() === ">" || peek() === "<" || peek() === ">=" || peek() === "<=") a = { t: "bin", op: take(), a, b: additive() };
    return a;
  };
  const additive = (): Node => {
    let a = term();
    while (peek() === "+" || peek() === "-") a = { t: "bin", op: take(), a, b: term() };
    return a;
  };
  const term = (): Node => {
    let a = unary();
    while (peek() === "*" || peek() === "/") a = { t: "bin", op: take(), a, b: unary() };
    return a;
  };
  const unary = (): Node => {
    if (peek() === "-") {
      take();
      return { t: "neg", a: unary() };
    }
    return primary();
  };
  const primary = (): Node => {
    const t = take();
    if (t === "(") {
      const e = comparison();
      take(")");
      return e;
    }
    if (/^\d/.test(t)) return { t: "num", v: Number(t) };
    if (peek() === "(") {
      take("(");
      const args: Node[] = [];
      if (peek() !== ")") {
        args.push(comparison());
        while (peek() === ",") {
          take(",");
          args.push(comparison());
        }
      }
      take(")");
      return { t: "call", fn: t.toUpperCase(), args };
    }
    return { t: "id", name: t };
  };
  const root = comparison();
  if (pos !== tokens.length) throw new Error(`metric math: unexpected ${tokens[pos]} in ${text}`);
  return root;
}

/** Evaluates for one period. `values` maps input ids to the period's datapoint (null = missing). */
export function evaluateExpression(node: Node, values: Readonly<Record<string, number | null>>, periodSeconds: number): number | null {
  const ev = (n: Node): number | null => {
    switch (n.t) {
      case "num":
        return n.v;
      case "id": {
        if (!(n.name in values)) throw new Error(`metric math: unknown id ${n.name}`);
        return values[n.name] ?? null;
      }
      case "neg": {
        const a = ev(n.a);
        return a === null ? null : -a;
      }
      case "bin": {
        const a = ev(n.a);
        const b = ev(n.b);
        if (a === null || b === null) return null;
        switch (n.op) {
          case "+":
            return a + b;
          case "-":
            return a - b;
          case "*":
            return a * b;
          case "/":
            return b === 0 ? null : a / b;
          case ">":
            return a > b ? 1 : 0;
          case "<":
            return a < b ? 1 : 0;
          case ">=":
            return a >= b ? 1 : 0;
          case "<=":
            return a <= b ? 1 : 0;
        }
        throw new Error(`metric math: operator ${n.op}`);
      }
      case "call": {
        if (n.fn === "IF") {
          const c = ev(n.args[0] as Node);
          if (c === null) return null;
          return c !== 0 ? ev(n.args[1] as Node) : ev(n.args[2] as Node);
        }
        if (n.fn === "FILL") {
          const v = ev(n.args[0] as Node);
          return v === null ? ev(n.args[1] as Node) : v;
        }
        if (n.fn === "PERIOD") return periodSeconds;
        throw new Error(`metric math: function ${n.fn} is not supported by the simulator`);
      }
    }
  };
  return ev(node);
}
