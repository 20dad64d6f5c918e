/**
 * Every Redfish resource one poll has seen, by canonical @odata.id. A response fetched with
 * $expand carries many resources inline; each one with its own @odata.id is registered, so the
 * normaliser never needs to know whether a resource arrived alone or expanded.
 * Pure module.
 */
import { canonicalId, isErrorDocument, isObject, type JsonObject } from "./odata";

export class ResourceStore {
  private readonly resources = new Map<string, JsonObject>();
  /** Links that could not be read this poll (404, error body, HTML, timeout), with the reason. */
  readonly unavailable = new Map<string, string>();

  /** Register a response body as the resource at `requestedId`, plus everything expanded inside it. */
  add(requestedId: string, body: unknown): void {
    const id = canonicalId(requestedId);
    if (!isObject(body) || isErrorDocument(body)) {
      this.unavailable.set(id, isErrorDocument(body) ? "error document" : "not a JSON object");
      return;
    }
    this.resources.set(id, body);
    this.unavailable.delete(id);
    this.registerEmbedded(body, 0);
  }

  markUnavailable(id: string, reason: string): void {
    const key = canonicalId(id);
    if (!this.resources.has(key)) this.unavailable.set(key, reason);
  }

  get(id: string | undefined): JsonObject | undefined {
    return id === undefined ? undefined : this.resources.get(canonicalId(id));
  }

  has(id: string): boolean {
    return this.resources.has(canonicalId(id));
  }

  ids(): string[] {
    return [...this.resources.keys()];
  }

  get size(): number {
    return this.resources.size;
  }

  private registerEmbedded(value: unknown, depth: number): void {
    // Depth guard: hostile documents may nest arbitrarily deep.
    if (depth > 64) return;
    if (Array.isArray(value)) {
      for (const item of value) this.registerEmbedded(item, depth + 1);
      return;
    }
    if (!isObject(value)) return;
    if (depth > 0) {
      const raw = value["@odata.id"];
      // Fragments ("/Thermal#/Fans/0") are parts of their parent, not resources of their own.
      if (typeof raw === "string" && !raw.includes("#") && isExpanded(value)) {
        const id = canonicalId(raw);
        this.resources.set(id, value);
        this.unavailable.delete(id);
      }
    }
    // Links/RelatedItem hold references, except in an answer to $expand=* (which expands them
    // too): whatever arrives there with a body is registered like any other inlined resource.
    for (const child of Object.values(value)) {
      if (typeof child === "object" && child !== null) this.registerEmbedded(child, depth + 1);
    }
  }
}

/** An object carrying data, not just a reference ({"@odata.id": ...}). */
function isExpanded(value: unknown): boolean {
  return isObject(value) && Object.keys(value).some((k) => !k.startsWith("@"));
}
