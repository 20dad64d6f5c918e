/**
 * Small, total helpers for reading Redfish JSON that may be anything: every accessor returns
 * undefined instead of throwing, and numbers are only numbers when they are finite.
 * Pure module: no I/O, no SDK.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const SERVICE_ROOT = "/redfish/v1";

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * One spelling per resource: no query, no fragment (iLO writes "/Thermal/#Fans/0"), no trailing
 * "/" (iLO ends 388 of 412 ids with one), no doubled slashes, percent-escapes left as sent.
 */
export function canonicalId(raw: string): string {
  let id = raw.trim();
  const hash = id.indexOf("#");
  if (hash >= 0) id = id.slice(0, hash);
  const query = id.indexOf("?");
  if (query >= 0) id = id.slice(0, query);
  // Trim again: cutting a fragment or query can leave whitespace at the end ("/a/ ?x" -> "/a/ ").
  id = id.trim();
  // An absolute URL (some BMCs write them): keep the path only.
  const scheme = /^https?:\/\/[^/]+/i.exec(id);
  if (scheme) id = id.slice(scheme[0].length);
  id = id.replace(/\/{2,}/g, "/");
  while (id.length > 1 && id.endsWith("/")) id = id.slice(0, -1);
  return id;
}

/** The @odata.id of a link object ({"@odata.id": ...}), canonical; undefined for anything else. */
export function linkOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const id = value["@odata.id"];
  if (typeof id !== "string" || !id.startsWith("/")) return undefined;
  const canonical = canonicalId(id);
  return canonical.length > 1 ? canonical : undefined;
}

export function linksOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(linkOf).filter((id): id is string => id !== undefined);
  const one = linkOf(value);
  return one ? [one] : [];
}

/** A Redfish error document ({"error": {...}} and no @odata.id) — on the device it was an HTTP error. */
export function isErrorDocument(value: unknown): boolean {
  return isObject(value) && "error" in value && !("@odata.id" in value);
}

export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

export function obj(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Walk a path of property names; undefined as soon as a step is not an object. */
export function at(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** "#Processor.v1_20_0.Processor" -> "Processor"; "#HpeServerDevice.v2_0_0.HpeServerDevice" -> "HpeServerDevice". */
export function resourceType(doc: unknown): string | undefined {
  const type = str(at(doc, "@odata.type"));
  if (!type) return undefined;
  const parts = type.replace(/^#/, "").split(".");
  return parts[parts.length - 1] || parts[0];
}

/** Last path segment of an id, unescaped when it is valid percent-encoding. */
export function lastSegment(id: string): string {
  const seg = id.slice(id.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}
