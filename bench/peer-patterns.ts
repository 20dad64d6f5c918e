/**
 * The two peer request patterns `npm run bench:poller` compares the poller with, at the same
 * global concurrency, against the same fleet:
 *  - Telegraf's redfish input (plugins/inputs/redfish): per BMC, the configured
 *    computer_system_id's System, then each Chassis it links, and that Chassis' Thermal and
 *    Power (4 GETs on a one-chassis server). It reads no GPU data.
 *  - A stateless exporter's walk of the resources that hold GPU, thermal and power readings:
 *    every scrape starts at the service root and follows the same links the poller cares about
 *    (lambdas/shared/redfish/links.ts), collections included, without $expand, $select or
 *    memory of the previous scrape. Generous to the exporter: it follows nothing else.
 * Both use the poller's per-BMC limit (2 requests at a time) and request timeout.
 */
import { type Dispatcher, request } from "undici";
import { childLinks, type Link } from "../lambdas/shared/redfish/links";
import { canonicalId, isObject, type JsonObject, linksOf, SERVICE_ROOT } from "../lambdas/shared/redfish/odata";

export interface PeerOptions {
  readonly dispatcher: Dispatcher;
  readonly authorization: string;
  readonly requestTimeoutMs: number;
}

export interface PeerResult {
  readonly requests: number;
  /** Every request answered (a dead BMC is not). */
  readonly ok: boolean;
}

/** The document, null for an answer that is not one (404 on a dangling link), undefined when no answer came. */
async function getJson(host: string, path: string, options: PeerOptions): Promise<JsonObject | null | undefined> {
  try {
    const res = await request(`https://${host}${path}`, {
      dispatcher: options.dispatcher,
      headers: { authorization: options.authorization, accept: "application/json" },
      signal: AbortSignal.timeout(options.requestTimeoutMs),
    });
    const body = await res.body.text();
    if (res.statusCode >= 400) return null;
    const doc = JSON.parse(body) as unknown;
    return isObject(doc) ? doc : null;
  } catch {
    return undefined;
  }
}

/** Runs `jobs` (each may enqueue more) with at most 2 at a time, as the poller does per BMC. */
async function perBmc(first: (() => Promise<void>)[], enqueue: { push(job: () => Promise<void>): void; queue: (() => Promise<void>)[] }) {
  enqueue.queue.push(...first);
  const worker = async () => {
    while (enqueue.queue.length) await enqueue.queue.shift()!();
  };
  await Promise.all([worker(), worker()]);
}

/** Telegraf: System (configured id), then each linked Chassis, its Thermal and its Power. */
export async function telegrafPoll(host: string, systemId: string, options: PeerOptions): Promise<PeerResult> {
  let requests = 0;
  let ok = true;
  const get = async (path: string) => {
    requests++;
    const doc = await getJson(host, path, options);
    if (doc === undefined) ok = false;
    return doc ?? undefined;
  };
  const system = await get(systemId);
  if (!system) return { requests, ok };
  const q = { queue: [] as (() => Promise<void>)[], push: (job: () => Promise<void>) => q.queue.push(job) };
  const chassisJobs = linksOf((system.Links as JsonObject | undefined)?.Chassis).map((chassisId) => async () => {
    const chassis = await get(chassisId);
    for (const key of ["Thermal", "Power"]) {
      const link = linksOf(chassis?.[key])[0];
      if (link)
        q.push(async () => {
          await get(link);
        });
    }
  });
  await perBmc(chassisJobs, q);
  return { requests, ok };
}

/** A stateless exporter: the whole walk from the service root, every scrape. */
export async function exporterWalk(host: string, options: PeerOptions): Promise<PeerResult> {
  let requests = 0;
  let ok = true;
  const seen = new Set<string>([SERVICE_ROOT]);
  const q = { queue: [] as (() => Promise<void>)[], push: (job: () => Promise<void>) => q.queue.push(job) };
  const visit = (link: Link) => async () => {
    requests++;
    const doc = await getJson(host, link.id, options);
    if (doc === undefined) ok = false;
    if (!doc) return;
    for (const child of childLinks(link.role, doc)) {
      const id = canonicalId(child.id);
      if (seen.has(id)) continue;
      seen.add(id);
      q.push(visit({ ...child, id }));
    }
  };
  requests++;
  const root = await getJson(host, SERVICE_ROOT, options);
  if (!root) return { requests, ok: false };
  const top = childLinks("root", root);
  for (const l of top) seen.add(canonicalId(l.id));
  await perBmc(
    top.map((l) => visit(l)),
    q,
  );
  return { requests, ok };
}
