/**
 * Readings out of untrusted Redfish values: status, presence, and numbers that are only
 * numbers when they make sense (a count is a non-negative integer, a temperature is in range).
 * Pure; never throws.
 */
import type { Health } from "../../../../core/snapshot";
import { memberIds } from "../links";
import { at, linkOf, num, str } from "../odata";
import type { ResourceStore } from "../resource-store";

/** States in which a sensor's value is not a reading (DSP0268 Resource.State). */
const NOT_PRESENT = new Set(["Absent", "Disabled", "UnavailableOffline", "StandbyOffline"]);

export function healthOf(doc: unknown): Health | undefined {
  const h = str(at(doc, "Status", "Health"));
  if (!h) return undefined;
  const key = h.toLowerCase();
  if (key === "ok") return "OK";
  if (key === "warning") return "Warning";
  if (key === "critical") return "Critical";
  return undefined;
}

export function isPresent(doc: unknown): boolean {
  const state = str(at(doc, "Status", "State"));
  return state === undefined || !NOT_PRESENT.has(state);
}

/** A non-negative integer count, or undefined (negative, fractional junk and NaN are not counts). */
export function count(value: unknown): number | undefined {
  const n = num(value);
  if (n === undefined || n < 0 || n > Number.MAX_SAFE_INTEGER) return undefined;
  return Math.floor(n);
}

export function nonNegative(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n >= 0 ? n : undefined;
}

export function positive(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n > 0 ? n : undefined;
}

/** Temperatures outside this range are sensor garbage (e.g. 0x7FFF), not readings. */
export function celsius(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n > -100 && n < 250 ? n : undefined;
}

/** The first defined value: how every SOURCE ORDER is applied. */
export function first<T>(...values: (T | undefined)[]): T | undefined {
  for (const v of values) if (v !== undefined) return v;
  return undefined;
}

export function sumDefined(values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? defined.reduce((a, b) => a + b, 0) : undefined;
}

export function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The member ids of the collection a link points at, in id order (none when it was not read). */
export function membersOf(store: ResourceStore, link: unknown): string[] {
  return memberIds(store.get(linkOf(link)) ?? {}).sort(byId);
}
