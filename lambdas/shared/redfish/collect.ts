/**
 * Reads the Redfish resources that carry GPU, thermal, power and ECC telemetry, using the
 * cheapest path the BMC supports, into a ResourceStore.
 *
 * Discovery (first poll, every few hours, or after a link that used to work returns 404)
 * reads the service root and learns the BMC's $expand support and which links are dead or
 * irrelevant. Steady-state polls reuse that resource map: with $expand (NoLinks, Levels,
 * MaxLevels >= 5) a poll is two GETs (Chassis and Systems expanded); without, only the
 * resources that matter are read.
 *
 * HTTP is injected (`Fetcher`), so this module has no network code of its own.
 */
import { childLinks, DEPTH_BELOW, isGpuDevice, isGpuProcessor, type Link, type Role } from "./links";
import { at, canonicalId, isObject, type JsonObject, linkOf, num, SERVICE_ROOT } from "./odata";
import { ResourceStore } from "./resource-store";

export type FetchFailure = "network" | "timeout" | "auth" | "no_session" | "not_found" | "http" | "bad_body" | "deadline";

export type FetchResult =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly failure: FetchFailure; readonly status?: number; readonly message: string };

export interface Fetcher {
  get(path: string): Promise<FetchResult>;
}

export interface ExpandSupport {
  /** "." (NoLinks) or "*" (ExpandAll); undefined when $expand is not advertised. */
  readonly token?: "." | "*";
  /** Largest $levels accepted; 1 when Levels is not advertised. */
  readonly maxLevels: number;
}

export interface ResourceMap {
  readonly root: JsonObject;
  readonly expand: ExpandSupport;
  /** Links not worth reading again: dead (404/error body), non-GPU processors and devices, sensors duplicated by Thermal. */
  readonly skip: string[];
  readonly discoveredAt: number;
  /** Set when a link that used to work failed: rediscover on the next poll. */
  stale?: boolean;
}

export interface CollectOptions {
  readonly now: number;
  /** Rediscover after this long (default 3 h). */
  readonly rediscoverAfterMs?: number;
  /** Concurrent requests to one BMC (1-2; BMCs are small computers). */
  readonly perBmcConcurrency?: number;
}

export interface Collected {
  readonly store: ResourceStore;
  readonly map?: ResourceMap;
  readonly discovered: boolean;
  readonly errors: string[];
  /** Set when the BMC could not be read at all. */
  readonly fatal?: FetchFailure;
  readonly responses: number;
}

export function expandSupportOf(root: unknown): ExpandSupport {
  const q = at(root, "ProtocolFeaturesSupported", "ExpandQuery");
  if (!isObject(q)) return { maxLevels: 0 };
  const token = q.NoLinks === true ? "." : q.ExpandAll === true ? "*" : undefined;
  if (!token) return { maxLevels: 0 };
  const levels = q.Levels === true ? Math.max(1, Math.min(6, Math.floor(num(q.MaxLevels) ?? 1))) : 1;
  return { token, maxLevels: levels };
}

/** The request path for a link: $expand when the role has something below it worth inlining. */
export function requestPath(link: Link, expand: ExpandSupport): string {
  const want = DEPTH_BELOW[link.role];
  if (!expand.token || want <= 0 || expand.maxLevels <= 0) return link.id;
  // "*" also expands Links (ManagedBy, Chassis, ...): keep it shallow.
  const levels = Math.min(want, expand.maxLevels, expand.token === "*" ? 2 : 6);
  return `${link.id}?$expand=${expand.token}($levels=${levels})`;
}

interface QueueItem extends Link {
  /** The chassis this resource hangs under (to skip Sensors that Thermal already covers). */
  readonly chassis?: string;
}

export async function collect(fetcher: Fetcher, cached: ResourceMap | undefined, options: CollectOptions): Promise<Collected> {
  const store = new ResourceStore();
  const errors: string[] = [];
  let responses = 0;
  const rediscoverAfter = options.rediscoverAfterMs ?? 3 * 3600_000;
  const discovering = !cached || cached.stale === true || options.now - cached.discoveredAt > rediscoverAfter;
  let root: JsonObject;
  let expand: ExpandSupport;
  if (discovering) {
    const res = await fetcher.get(SERVICE_ROOT);
    if (!res.ok) return { store, discovered: true, errors: [`GET ${SERVICE_ROOT}: ${res.message}`], fatal: res.failure, responses };
    responses++;
    if (!isObject(res.body) || (!linkOf(res.body.Chassis) && !linkOf(res.body.Systems))) {
      return { store, discovered: true, errors: [`GET ${SERVICE_ROOT}: not a Redfish service root`], fatal: "bad_body", responses };
    }
    root = res.body;
    expand = expandSupportOf(root);
  } else {
    root = cached.root;
    expand = cached.expand;
  }
  store.add(SERVICE_ROOT, root);
  const skip = new Set(discovering ? [] : (cached?.skip ?? []));
  const newSkips = new Set<string>();
  const visited = new Set<string>([SERVICE_ROOT]);
  let expandWorks = expand;
  let stale = false;
  let failuresWithoutResponse = 0;
  let authRejected = false;

  let wave: QueueItem[] = childLinks("root", root);
  const concurrency = Math.max(1, Math.min(2, options.perBmcConcurrency ?? 2));
  while (wave.length && !authRejected) {
    const next: QueueItem[] = [];
    const toFetch: QueueItem[] = [];
    // Resolve everything already in the store (inlined by $expand) without a request.
    const pending = [...wave];
    while (pending.length) {
      const item = pending.shift()!;
      const id = canonicalId(item.id);
      if (visited.has(id) || skip.has(id)) continue;
      visited.add(id);
      const doc = store.get(id);
      // Not inlined: worth a request only if the normaliser would use it (see legacyCovers).
      if (!doc && item.chassis && legacyCovers(store, item.chassis, item.role)) continue;
      if (doc) {
        if (discovering) noteIrrelevant(item.role, id, doc, newSkips);
        pending.push(...childrenOf(item, doc));
      } else toFetch.push({ ...item, id });
    }
    let cursor = 0;
    const worker = async () => {
      while (cursor < toFetch.length && !authRejected) {
        const item = toFetch[cursor++]!;
        let res = await fetcher.get(requestPath(item, expandWorks));
        if (
          !res.ok &&
          res.failure === "http" &&
          (res.status === 400 || res.status === 501) &&
          expandWorks.token &&
          DEPTH_BELOW[item.role] > 0
        ) {
          // The BMC advertised $expand but refuses this one: stop expanding, read it plainly.
          expandWorks = { maxLevels: 0 };
          res = await fetcher.get(item.id);
        }
        if (!res.ok) {
          if (res.failure === "not_found") {
            store.markUnavailable(item.id, "404");
            if (discovering) newSkips.add(item.id);
            else stale = true;
          } else {
            store.markUnavailable(item.id, res.message);
            errors.push(`GET ${item.id}: ${res.message}`);
            if (res.failure === "network" || res.failure === "timeout" || res.failure === "deadline") failuresWithoutResponse++;
          }
          // Credentials rejected: every further request would be rejected too (and may lock the account).
          if (res.failure === "auth") authRejected = true;
          continue;
        }
        responses++;
        store.add(item.id, res.body);
        const doc = store.get(item.id);
        if (!doc) {
          // An error document with status 200, or HTML: a dead link for our purposes.
          if (discovering) newSkips.add(item.id);
          continue;
        }
        if (discovering) noteIrrelevant(item.role, item.id, doc, newSkips);
        next.push(...childrenOf(item, doc));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, toFetch.length) }, worker));
    wave = next;
  }

  const map: ResourceMap = {
    root,
    expand: expandWorks,
    skip: discovering ? [...newSkips].sort() : [...skip],
    discoveredAt: discovering ? options.now : cached!.discoveredAt,
    stale,
  };
  const fatal: FetchFailure | undefined = authRejected ? "auth" : responses === 0 && failuresWithoutResponse > 0 ? "network" : undefined;
  return { store, map, discovered: discovering, errors, fatal, responses };
}

function childrenOf(item: QueueItem, doc: JsonObject): QueueItem[] {
  const chassis = item.role === "chassis" ? item.id : item.chassis;
  return childLinks(item.role, doc).map((link) => ({ ...link, chassis: link.role === "chassis" ? link.id : chassis }));
}

/**
 * The normaliser reads Thermal/Power first (docs/redfish.md). When a chassis' legacy resources
 * already carry temperatures, fans, PSUs and consumed power, the new-generation duplicates
 * (each Sensor, Fan and PowerSupply is its own request without $expand: 255 sensors on a Cray
 * EX blade) would not be used, so they are not requested.
 */
function legacyCovers(store: ResourceStore, chassisId: string, role: Role): boolean {
  const chassis = store.get(chassisId);
  const thermal = store.get(linkOf(chassis?.Thermal));
  const power = store.get(linkOf(chassis?.Power));
  const has = (v: unknown) => Array.isArray(v) && v.length > 0;
  switch (role) {
    case "sensor":
      return has(thermal?.Temperatures);
    case "thermalMetrics":
      return has(thermal?.Temperatures);
    case "fans":
    case "fan":
      return has(thermal?.Fans);
    case "powerSupplies":
    case "powerSupply":
    case "powerSupplyMetrics":
      return has(power?.PowerSupplies);
    default:
      return false;
  }
}

function noteIrrelevant(role: Role, id: string, doc: JsonObject, skips: Set<string>): void {
  if (role === "processor" && !isGpuProcessor(doc)) skips.add(id);
  if (role === "device" && !isGpuDevice(doc)) skips.add(id);
}
