/**
 * Turns a library query into runnable KQL: one `let` per parameter (default or override), then
 * the body. Values are checked against the parameter's type so that config cannot inject KQL.
 */
import type { KqlParameter, KqlQuery } from "./types";

const TIMESPAN = /^\d+(\.\d+)?(ms|s|m|h|d)$/;

export function kqlLiteral(parameter: KqlParameter, value: unknown): string {
  const fail = (allowed: string) => new Error(`KQL parameter ${parameter.name}: expected ${allowed}, got ${JSON.stringify(value)}`);
  switch (parameter.type) {
    case "real":
      if (typeof value !== "number" || !Number.isFinite(value)) throw fail("a finite number");
      return `real(${value})`;
    case "long":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) throw fail("an integer");
      return `long(${value})`;
    case "bool":
      if (typeof value !== "boolean") throw fail("true or false");
      return String(value);
    case "timespan":
      if (typeof value !== "string" || !TIMESPAN.test(value)) throw fail("a timespan like 5m, 1h or 7d");
      return value;
    case "string":
      if (typeof value !== "string") throw fail("a string");
      // JSON string escaping (\" \\ \n \uXXXX) is valid in a double-quoted KQL string literal.
      return JSON.stringify(value);
    case "dynamic":
      if (value === undefined) throw fail("a JSON value");
      return `dynamic(${JSON.stringify(value)})`;
  }
}

/** Query text with every parameter bound; overrides for unknown parameter names are an error. */
export function renderQuery(query: KqlQuery, overrides: Readonly<Record<string, unknown>> = {}): string {
  const known = new Set(query.parameters.map((parameter) => parameter.name));
  for (const name of Object.keys(overrides)) {
    if (!known.has(name)) throw new Error(`KQL query ${query.id}: no parameter named ${name}`);
  }
  const lets = query.parameters.map((parameter) => `let ${parameter.name} = ${kqlLiteral(parameter, valueFor(overrides, parameter))};`);
  return `${lets.join("\n")}\n${query.body}`;
}

function valueFor(overrides: Readonly<Record<string, unknown>>, parameter: KqlParameter): unknown {
  return Object.hasOwn(overrides, parameter.name) ? overrides[parameter.name] : parameter.default;
}

/** Overrides that apply to a query: only those naming one of its parameters. */
export function applicableOverrides(query: KqlQuery, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const names = new Set(query.parameters.map((parameter) => parameter.name));
  return Object.fromEntries(Object.entries(values).filter(([key]) => names.has(key)));
}
