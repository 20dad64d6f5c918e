/**
 * Components as a snapshot lists them: one per physical fan/PSU (device-identity.ts decides
 * when two documents are one device), ids unique per kind, no undefined fields.
 */
import type { Component } from "../../../../core/snapshot";
import { firstOfEachDevice } from "../device-identity";

/** Where each fan/PSU component came from: [scope (chassis), document id, document], for the identity rule. */
const sourceOf = new WeakMap<Component, readonly [string, string, unknown]>();

export function withSource<T extends Component>(component: T, chassisId: string, id: string, doc: unknown): T {
  sourceOf.set(component, [`chassis:${chassisId}`, id, doc]);
  return component;
}

/** One component per physical fan/PSU: a PSU listed under two chassis is the same PSU. */
export function onePerDevice<T extends Component>(components: T[]): T[] {
  const sources = components.map((c, i) => sourceOf.get(c) ?? ([`component:${i}`, `component:${i}`, undefined] as const));
  const keep = firstOfEachDevice(sources);
  return components.filter((_, i) => keep[i]);
}

/** Ids must be unique per kind within a snapshot: prefix the chassis when two chassis reuse a name. */
export function uniqueIds(components: Component[]): Component[] {
  const seen = new Map<string, number>();
  for (const c of components) seen.set(`${c.kind}:${c.id}`, (seen.get(`${c.kind}:${c.id}`) ?? 0) + 1);
  const used = new Set<string>();
  return components.map((c) => {
    let id = c.id;
    const scope = typeof c.chassis === "string" ? c.chassis : typeof c.system === "string" ? c.system : undefined;
    if ((seen.get(`${c.kind}:${c.id}`) ?? 0) > 1 && scope) id = `${scope}/${c.id}`;
    let unique = id;
    for (let n = 2; used.has(`${c.kind}:${unique}`); n++) unique = `${id}#${n}`;
    used.add(`${c.kind}:${unique}`);
    return unique === c.id ? c : { ...c, id: unique };
  });
}

export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
