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

import { type ExpandSupport, expandSupportOf, requestPath } from "./expand";
import { childLinks, DEPTH_BELOW, isGpuDevice, isGpuProcessor, type Link, type Role } from "./links";
import { applyReport, freshness, type ParsedReport, parseReport, covers as reportCovers } from "./metric-report";
import { isUsedSensor } from "./normalise/sensors";
import { at, canonicalId, isObject, type JsonObject, linkOf, linksOf, SERVICE_ROOT } from "./odata";
import { buildPlan, LEAF_ROLES, type PlanNode, type PlannedRequest, type PollPlan, type ReportUse } from "./poll-plan";
import { ResourceStore } from "./resource-store";

export type FetchFailure = "network" | "timeout" | "auth" | "no_session" | "not_found" | "http" | "bad_body" | "deadline";

export type FetchResult =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly failure: FetchFailure; readonly status?: number; readonly message: string };

export interface Fetcher {
  get(path: string): Promise<FetchResult>;
}

export interface ResourceMap {
  readonly root: JsonObject;
  readonly expand: ExpandSupport;
  /** Links not worth reading again: dead (404/error body), non-GPU processors and devices, sensors duplicated by Thermal. */
  readonly skip: string[];
  readonly discoveredAt: number;
  /** Set when a link that used to work failed: rediscover on the next poll. */
  stale?: boolean;
  /** What steady-state polls read (poll-plan.ts); absent until a discovery completed. */
  readonly plan?: PollPlan;
}

export interface CollectOptions {
  readonly now: number;
  /** Rediscover after this long (default 3 h). */
  readonly rediscoverAfterMs?: number;
  /** Concurrent requests to one BMC (1-2; BMCs are small computers). */
  readonly perBmcConcurrency?: number;
  /** A metric report older than this is not a reading (default 120 s: two poll intervals). */
  readonly reportMaxAgeMs?: number;
}

/** What a poll says about its sources: a metric report used, or not used and why. */
export interface ReportNote {
  readonly report: string;
  readonly used: boolean;
  readonly reason?: string;
}

export interface Collected {
  readonly store: ResourceStore;
  readonly map?: ResourceMap;
  readonly discovered: boolean;
  readonly errors: string[];
  /** Set when the BMC could not be read at all. */
  readonly fatal?: FetchFailure;
  readonly responses: number;
  readonly reports?: ReportNote[];
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
    if (cached.plan?.requests.length) return runPlan(fetcher, cached, cached.plan, options);
  }
  store.add(SERVICE_ROOT, root);
  const skip = new Set(discovering ? [] : (cached?.skip ?? []));
  const newSkips = new Set<string>();
  const visited = new Set<string>([SERVICE_ROOT]);
  let expandWorks = expand;
  let stale = false;
  let failuresWithoutResponse = 0;
  let authRejected = false;

  // What discovery saw, for the steady-state plan: every resource read, its role and its links.
  const nodes = new Map<string, PlanNode>();
  const chassisOf = new Map<string, string>();
  const record = (item: QueueItem, doc: JsonObject): QueueItem[] => {
    const children = childrenOf(item, doc);
    nodes.set(item.id, { role: item.role, children: children.map((c) => [canonicalId(c.id), c.viaLinks === true]) });
    if (item.chassis) chassisOf.set(item.id, item.chassis);
    return children;
  };
  record({ id: SERVICE_ROOT, role: "root" }, root);

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
        pending.push(...record({ ...item, id }, doc));
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
        next.push(...record(item, doc));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, toFetch.length) }, worker));
    wave = next;
  }

  // TelemetryService metric reports: read once at discovery, kept in the plan when they stand in
  // for more GPU resources than they cost. A BMC without them (or a dangling link) costs 1-2 GETs.
  const reports: ParsedReport[] = [];
  const telemetry = linkOf(root.TelemetryService);
  if (telemetry && !authRejected) {
    const service = await fetcher.get(telemetry);
    const collection = service.ok ? linkOf(at(service.body, "MetricReports")) : undefined;
    const list = collection ? await fetcher.get(collection) : undefined;
    for (const id of list?.ok ? linksOf(at(list.body, "Members")).slice(0, 8) : []) {
      const res = await fetcher.get(id);
      if (res.ok) reports.push(parseReport(id, res.body));
    }
    responses += [service, list].filter((r) => r?.ok).length + reports.length;
  }

  const map: ResourceMap = {
    root,
    expand: expandWorks,
    skip: discovering ? [...newSkips].sort() : [...skip],
    discoveredAt: discovering ? options.now : cached!.discoveredAt,
    // A discovery that could not read everything is not a plan to keep: the next poll rediscovers.
    stale: stale || (discovering && errors.length > 0),
    plan: authRejected ? undefined : planFrom(store, nodes, chassisOf, newSkips, expandWorks, root, reports),
  };
  const fatal: FetchFailure | undefined = authRejected ? "auth" : responses === 0 && failuresWithoutResponse > 0 ? "network" : undefined;
  return { store, map, discovered: discovering, errors, fatal, responses };
}

/** The steady-state plan from what discovery read (poll-plan.ts). */
function planFrom(
  store: ResourceStore,
  nodes: Map<string, PlanNode>,
  chassisOf: Map<string, string>,
  skips: Set<string>,
  expand: ExpandSupport,
  root: JsonObject,
  reports: readonly ParsedReport[],
): PollPlan {
  const leaves: string[] = [];
  const structural = new Map<string, JsonObject>();
  const leafDocs = new Map<string, JsonObject>();
  const selectQuery = at(root, "ProtocolFeaturesSupported", "SelectQuery") === true;
  for (const [id, node] of nodes) {
    const doc = store.get(id);
    if (!doc || skips.has(id) || id === SERVICE_ROOT) continue;
    if (LEAF_ROLES.has(node.role)) {
      // Leaves the normaliser would not use: voltage/current sensors, and new-generation
      // duplicates of what Thermal/Power already carry (the same rule as discovery's).
      if (node.role === "sensor" && !isUsedSensor(doc)) continue;
      const chassis = chassisOf.get(id);
      if (chassis && node.role !== "chassis" && legacyCovers(store, chassis, node.role)) continue;
      leaves.push(id);
      if (selectQuery) leafDocs.set(id, doc);
    } else structural.set(id, doc);
  }
  const input = { nodes, structural, leafDocs, expand, selectQuery };
  const direct = buildPlan({ ...input, leaves: leaves.sort() });
  // SOURCE ORDER (GPU readings): a fresh metric report that covers a GPU resource wins over
  // reading the resource, when reading the reports costs fewer requests than the resources.
  const uses: ReportUse[] = [];
  const covered = new Set<string>();
  for (const report of reports) {
    const resources: Record<string, JsonObject> = {};
    for (const leaf of leaves) {
      const doc = store.get(leaf);
      if (doc && !covered.has(leaf) && reportCovers(report, leaf, nodes.get(leaf)!.role, doc)) resources[leaf] = structuredClone(doc);
    }
    if (Object.keys(resources).length < 2) continue;
    for (const id of Object.keys(resources)) covered.add(id);
    uses.push({ id: report.id, resources });
  }
  if (!uses.length) return direct;
  const withReports = buildPlan({ ...input, leaves: leaves.filter((l) => !covered.has(l)).sort() });
  if (withReports.requests.length + uses.length >= direct.requests.length) return direct;
  return {
    ...withReports,
    requests: [
      ...uses.map((u) => ({ id: u.id, role: "root" as const, path: u.id, covers: Object.keys(u.resources), report: true })),
      ...withReports.requests,
    ],
    reports: uses,
  };
}

/**
 * A steady-state poll: the structural documents from discovery, then the planned requests
 * (leaves, or the expansions covering them). A leaf that 404s, or an expansion or $select the
 * BMC refuses, makes the next poll rediscover; the refused request's leaves are read plainly now.
 */
async function runPlan(fetcher: Fetcher, cached: ResourceMap, plan: PollPlan, options: CollectOptions): Promise<Collected> {
  const store = new ResourceStore();
  const errors: string[] = [];
  let responses = 0;
  let failuresWithoutResponse = 0;
  let authRejected = false;
  let stale = false;
  store.add(SERVICE_ROOT, cached.root);
  for (const [id, doc] of Object.entries(plan.structure)) store.add(id, doc);
  const queue: PlannedRequest[] = [...plan.requests];
  const fetched = new Set<string>();
  const notes: ReportNote[] = [];
  const readDirectly = (req: PlannedRequest) => {
    for (const leaf of req.covers) queue.push({ id: leaf, role: req.role, path: leaf, covers: [leaf] });
  };
  const run = async (req: PlannedRequest): Promise<void> => {
    const res = await fetcher.get(req.path);
    fetched.add(req.id);
    if (req.report) {
      const use = plan.reports?.find((u) => u.id === req.id);
      if (res.ok) responses++;
      const parsed = res.ok ? parseReport(req.id, res.body) : undefined;
      const fresh = parsed ? freshness(parsed, req.covers, options.now, options.reportMaxAgeMs ?? 120_000) : undefined;
      if (parsed && use && fresh?.fresh) {
        for (const leaf of req.covers) store.add(leaf, applyReport(parsed, leaf, use.resources[leaf]!));
        notes.push({ report: req.id, used: true });
      } else {
        // A stale or unreadable report is not a reading: the resources it stands in for are read now.
        const reason = fresh && !fresh.fresh ? `stale (${fresh.reason})` : res.ok ? "unreadable" : res.message;
        notes.push({ report: req.id, used: false, reason });
        readDirectly(req);
        for (const leaf of req.covers) fetched.add(leaf);
      }
      return;
    }
    if (!res.ok) {
      if (res.failure === "http" && (res.status === 400 || res.status === 501) && req.path !== req.id) {
        // Advertised at discovery, refused now (firmware update?): read these leaves plainly.
        stale = true;
        readDirectly(req);
        return;
      }
      store.markUnavailable(req.id, res.failure === "not_found" ? "404" : res.message);
      if (res.failure === "not_found") stale = true;
      else {
        errors.push(`GET ${req.path}: ${res.message}`);
        if (res.failure === "network" || res.failure === "timeout" || res.failure === "deadline") failuresWithoutResponse++;
      }
      if (res.failure === "auth") authRejected = true;
      return;
    }
    responses++;
    const reference = req.selected ? plan.references[req.id] : undefined;
    store.add(req.id, reference && isObject(res.body) ? { ...reference, ...res.body } : res.body);
  };
  const concurrency = Math.max(1, Math.min(2, options.perBmcConcurrency ?? 2));
  const drain = async () => {
    const worker = async () => {
      while (queue.length && !authRejected) await run(queue.shift()!);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await drain();
  // An expansion that did not inline a leaf it used to: read the leaf itself (and replan next time).
  if (!authRejected) {
    for (const req of plan.requests) {
      if (req.report) continue;
      for (const leaf of req.covers) {
        if (!store.has(leaf) && !store.unavailable.has(canonicalId(leaf)) && !fetched.has(leaf)) {
          stale = true;
          queue.push({ id: leaf, role: req.role, path: leaf, covers: [leaf] });
          fetched.add(leaf);
        }
      }
    }
    await drain();
  }
  const map: ResourceMap = { ...cached, stale };
  const fatal: FetchFailure | undefined = authRejected ? "auth" : responses === 0 && failuresWithoutResponse > 0 ? "network" : undefined;
  return { store, map, discovered: false, errors, fatal, responses, reports: notes };
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
