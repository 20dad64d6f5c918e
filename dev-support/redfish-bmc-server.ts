/**
 * A fake BMC over HTTPS that serves a Redfish mockup directory the way a real BMC would:
 *  - 404 (with the body) for captured error documents and for unknown paths;
 *  - $expand honoured exactly as far as the mockup's ProtocolFeaturesSupported.ExpandQuery
 *    advertises (501 when not advertised, 400 beyond MaxLevels or for an unadvertised form);
 *  - $select honoured only when ProtocolFeaturesSupported.SelectQuery is true (501 otherwise,
 *    400 for a malformed list), and 501 for any other "$" query parameter;
 *  - Basic auth or Redfish sessions (X-Auth-Token), with a session limit answered by 503;
 *  - the service root readable without credentials (DSP0266);
 *  - injectable faults and latency per path, and counters (requests, open sessions).
 * Loopback only.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { testCertificate } from "./tls";

export const MOCKUPS_DIR = process.env.FLEETWATCH_MOCKUPS_DIR ?? resolve(import.meta.dirname, "redfish-captures");

type Doc = Record<string, unknown>;

export function canonical(path: string): string {
  let p = path
    .split("#")[0]!
    .split("?")[0]!
    .replace(/\/{2,}/g, "/");
  while (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

const treeCache = new Map<string, Map<string, Doc>>();
const responseCaches = new WeakMap<Map<string, Doc>, Map<string, string>>();

/** Mockup directory -> Map("/redfish/v1/A/B" -> JSON). Directories starting with "_" are not resources. */
export function loadMockup(dir: string): Map<string, Doc> {
  const full = resolve(MOCKUPS_DIR, dir);
  const cached = treeCache.get(full);
  if (cached) return cached;
  const tree = new Map<string, Doc>();
  const walk = (d: string, path: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (!name.startsWith("_")) walk(p, `${path}/${name}`);
      } else if (name === "index.json") tree.set(path, JSON.parse(readFileSync(p, "utf8")) as Doc);
    }
  };
  walk(full, "/redfish/v1");
  treeCache.set(full, tree);
  return tree;
}

export type Fault =
  | { kind: "hang" }
  | { kind: "status"; status: number; body?: string; contentType?: string }
  | { kind: "html" }
  | { kind: "malformed" }
  | { kind: "oversized"; bytes: number }
  | { kind: "trickle"; intervalMs: number };

export interface FakeBmcOptions {
  readonly mockup: string | Map<string, Doc>;
  readonly auth?: "basic" | "session" | "either" | "none";
  readonly username?: string;
  readonly password?: string;
  readonly maxSessions?: number;
  /** Delay per request (ms) before it is handled; a function gives per-request variation. */
  readonly latencyMs?: number | (() => number);
  /**
   * Delay (ms) before an answer is sent, from what is being answered: a BMC spends time per
   * resource it renders (an $expand answer renders many) and per byte it sends.
   */
  readonly responseLatencyMs?: (answer: FakeAnswer) => number;
  /** Requests the BMC works on at once; the rest wait their turn (BMC web servers are small). */
  readonly maxConcurrentRequests?: number;
  /** Faults by canonical path ("*" = every path). */
  readonly faults?: Record<string, Fault>;
  /** Session POST answers 503 "maximum sessions" regardless of the count. */
  readonly sessionLimitReached?: boolean;
}

export interface FakeAnswer {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly bytes: number;
  /** Resources rendered into the body (each carries its own @odata.type). */
  readonly resources: number;
}

export interface FakeBmc {
  readonly host: string; // "127.0.0.1:port"
  readonly port: number;
  readonly server: Server;
  readonly log: { method: string; url: string; status: number }[];
  openSessions(): number;
  sessionsEverOpened(): number;
  /** Response body bytes sent since the server started. */
  bytesSent(): number;
  close(): Promise<void>;
}

interface ExpandQuery {
  readonly token: string;
  readonly levels: number;
}

function advertisedExpand(
  root: Doc | undefined,
): { noLinks: boolean; all: boolean; links: boolean; levels: boolean; maxLevels: number } | undefined {
  const q = (root?.ProtocolFeaturesSupported as Doc | undefined)?.ExpandQuery as Doc | undefined;
  if (!q) return undefined;
  return {
    noLinks: q.NoLinks === true,
    all: q.ExpandAll === true,
    links: q.Links === true,
    levels: q.Levels === true,
    maxLevels: typeof q.MaxLevels === "number" ? q.MaxLevels : 1,
  };
}

/** Parses "$expand=.($levels=2)"; returns an HTTP status when the BMC would refuse it. */
function parseExpand(raw: string, root: Doc | undefined): ExpandQuery | number {
  const adv = advertisedExpand(root);
  if (!adv) return 501;
  const m = /^([.*~])(?:\(\$levels=(\d+)\))?$/.exec(raw);
  if (!m) return 400;
  const token = m[1]!;
  if ((token === "." && !adv.noLinks) || (token === "*" && !adv.all) || (token === "~" && !adv.links)) return 400;
  const levels = m[2] ? Number(m[2]) : 1;
  if (m[2] && !adv.levels) return 400;
  if (levels < 1 || levels > adv.maxLevels) return 400;
  return { token, levels };
}

/**
 * DSP0266 (Redfish Specification), clause "Query parameters" (https://www.dmtf.org/dsp/DSP0266):
 * a service shall answer 501 Not Implemented for a query parameter starting with "$" that it
 * does not support, and 400 Bad Request for a supported one whose value it cannot apply.
 * $select names properties (nested ones with "/"); the answer carries those plus the resource's
 * @odata.id, @odata.type, @odata.context and @odata.etag, after $expand is applied.
 */
function parseSelect(raw: string, root: Doc | undefined): string[][] | number {
  const features = root?.ProtocolFeaturesSupported as Doc | undefined;
  if (features?.SelectQuery !== true) return 501;
  const items = raw.split(",").map((item) => item.trim());
  if (!items.length || items.some((item) => !/^[A-Za-z0-9@#_.]+(\/[A-Za-z0-9@#_.]+)*$/.test(item))) return 400;
  return items.map((item) => item.split("/"));
}

function selectDoc(doc: Doc, paths: string[][]): Doc {
  const out: Doc = {};
  for (const key of ["@odata.id", "@odata.type", "@odata.context", "@odata.etag"]) if (key in doc) out[key] = doc[key];
  for (const path of paths) {
    let from: unknown = doc;
    let to: Doc = out;
    for (const [i, key] of path.entries()) {
      if (typeof from !== "object" || from === null || Array.isArray(from) || !(key in (from as Doc))) break;
      const value = (from as Doc)[key];
      if (i === path.length - 1) to[key] = value;
      else {
        to[key] = (typeof to[key] === "object" && to[key] !== null ? to[key] : {}) as Doc;
        to = to[key] as Doc;
        from = value;
      }
    }
  }
  return out;
}

/** Resources rendered into an answer: one @odata.type each. Memoised: answers are shared cached strings. */
const resourceCounts = new Map<string, number>();
function resourcesIn(body: string): number {
  let n = resourceCounts.get(body);
  if (n === undefined) {
    n = body.split('"@odata.type"').length - 1;
    if (resourceCounts.size < 10_000) resourceCounts.set(body, n);
  }
  return n;
}

function isReference(v: unknown): v is { "@odata.id": string } {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as Doc)["@odata.id"] === "string"
  );
}

function isError(doc: Doc | undefined): boolean {
  return !!doc && "error" in doc && !("@odata.id" in doc);
}

function expandDoc(tree: Map<string, Doc>, value: unknown, levels: number, token: string, inLinks: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => expandDoc(tree, v, levels, token, inLinks));
  if (typeof value !== "object" || value === null) return value;
  if (isReference(value)) {
    if (levels <= 0 || (inLinks && token === ".") || (!inLinks && token === "~")) return value;
    const target = tree.get(canonical(value["@odata.id"]));
    if (!target || isError(target)) return value;
    return expandDoc(tree, target, levels - 1, token, false);
  }
  const out: Doc = {};
  for (const [k, v] of Object.entries(value)) out[k] = expandDoc(tree, v, levels, token, inLinks || k === "Links");
  return out;
}

export async function startFakeBmc(options: FakeBmcOptions): Promise<FakeBmc> {
  const tree = typeof options.mockup === "string" ? loadMockup(options.mockup) : options.mockup;
  const root = tree.get("/redfish/v1");
  const username = options.username ?? "monitor";
  const password = options.password ?? "s3cret-Passw0rd";
  const authMode = options.auth ?? "either";
  const maxSessions = options.maxSessions ?? 4;
  const sessions = new Map<string, string>(); // token -> id
  let sessionCounter = 0;
  const log: FakeBmc["log"] = [];
  // Serialised responses are shared by every fake serving the same tree (the bench runs 1,000).
  let responseCache = responseCaches.get(tree);
  if (!responseCache) {
    responseCache = new Map<string, string>();
    responseCaches.set(tree, responseCache);
  }
  const { cert, key } = testCertificate();
  let bytesSent = 0;
  let working = 0;
  const waiting: (() => void)[] = [];
  const server = createServer({ cert, key }, (req, res) => {
    const url = new URL(req.url ?? "/", "https://bmc");
    const path = canonical(decodeURIComponent(url.pathname));
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      log.push({ method: req.method ?? "", url: req.url ?? "", status });
      const bytes = Buffer.byteLength(body);
      const write = () => {
        if (res.destroyed) return;
        bytesSent += bytes;
        res.writeHead(status, { "content-type": "application/json", "content-length": bytes, ...headers });
        res.end(body);
      };
      const wait = options.responseLatencyMs?.({
        method: req.method ?? "",
        path,
        status,
        bytes,
        resources: resourcesIn(body),
      });
      if (wait && wait > 0) setTimeout(write, wait);
      else write();
    };
    const handle = () => {
      const fault = options.faults?.[path] ?? options.faults?.["*"];
      const authorised = (() => {
        if (authMode === "none") return true;
        const token = req.headers["x-auth-token"];
        if (typeof token === "string" && sessions.has(token) && authMode !== "basic") return true;
        const basic = req.headers.authorization;
        if (authMode !== "session" && basic === `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`) return true;
        return false;
      })();
      const sessionsPath = "/redfish/v1/SessionService/Sessions";
      if (req.method === "POST" && path === sessionsPath) {
        let raw = "";
        req.on("data", (c) => {
          raw += c;
        });
        req.on("end", () => {
          if (fault?.kind === "status") return send(fault.status, fault.body ?? "{}");
          let creds: Doc = {};
          try {
            creds = JSON.parse(raw) as Doc;
          } catch {
            return send(400, JSON.stringify({ error: { code: "Base.1.0.MalformedJSON", message: "bad body" } }));
          }
          if (creds.UserName !== username || creds.Password !== password) {
            return send(401, JSON.stringify({ error: { code: "Base.1.0.NoValidSession", message: "Invalid username or password" } }));
          }
          if (options.sessionLimitReached || sessions.size >= maxSessions) {
            return send(
              503,
              JSON.stringify({
                error: {
                  code: "Base.1.0.SessionLimitExceeded",
                  message:
                    "The session establishment failed due to the number of simultaneous sessions exceeding the limit of the implementation.",
                },
              }),
            );
          }
          const id = String(++sessionCounter);
          const token = `tok-${id}-${Math.random().toString(36).slice(2)}`;
          sessions.set(token, id);
          send(201, JSON.stringify({ "@odata.id": `${sessionsPath}/${id}`, Id: id, UserName: username }), {
            "x-auth-token": token,
            location: `${sessionsPath}/${id}`,
          });
        });
        return;
      }
      if (req.method === "DELETE" && path.startsWith(`${sessionsPath}/`)) {
        const id = path.slice(sessionsPath.length + 1);
        const token = req.headers["x-auth-token"];
        if (typeof token !== "string" || sessions.get(token) !== id) return send(401, "{}");
        sessions.delete(token);
        return send(204, "");
      }
      if (req.method !== "GET") return send(405, JSON.stringify({ error: { code: "Base.1.0.ActionNotSupported" } }));
      if (fault?.kind === "hang") return; // never answer
      if (fault?.kind === "status")
        return send(fault.status, fault.body ?? "", fault.contentType ? { "content-type": fault.contentType } : {});
      if (path !== "/redfish/v1" && !authorised) {
        return send(401, JSON.stringify({ error: { code: "Base.1.0.NoValidSession", message: "authentication required" } }), {
          "www-authenticate": 'Basic realm="Redfish"',
        });
      }
      if (fault?.kind === "html")
        return send(200, "<!DOCTYPE html><html><body><h1>iLO login</h1></body></html>", { "content-type": "text/html" });
      if (fault?.kind === "malformed") return send(200, '{"@odata.id": "/redfish/v1/Chassis", "Members": [');
      if (fault?.kind === "oversized") {
        const chunk = `{"Padding":"${"x".repeat(fault.bytes)}"}`;
        return send(200, chunk);
      }
      if (fault?.kind === "trickle") {
        log.push({ method: req.method ?? "", url: req.url ?? "", status: 200 });
        res.writeHead(200, { "content-type": "application/json" });
        const body = JSON.stringify(tree.get(path) ?? {});
        let i = 0;
        const timer = setInterval(() => {
          if (res.destroyed || i >= body.length) {
            clearInterval(timer);
            if (!res.destroyed) res.end();
            return;
          }
          res.write(body[i++]!);
        }, fault.intervalMs);
        res.on("close", () => clearInterval(timer));
        return;
      }
      const doc = tree.get(path);
      if (!doc) return send(404, JSON.stringify({ error: { code: "Base.1.0.ResourceMissingAtURI", message: `${path} not found` } }));
      if (isError(doc)) return send(404, JSON.stringify(doc));
      const unsupported = [...url.searchParams.keys()].find((k) => k.startsWith("$") && k !== "$expand" && k !== "$select");
      if (unsupported) {
        return send(501, JSON.stringify({ error: { code: "Base.1.0.QueryNotSupported", message: `${unsupported} is not supported` } }));
      }
      const expandRaw = url.searchParams.get("$expand");
      const selectRaw = url.searchParams.get("$select");
      if (expandRaw === null && selectRaw === null)
        return send(
          200,
          cachedBody(path, () => JSON.stringify(doc)),
        );
      const expand = expandRaw === null ? undefined : parseExpand(expandRaw, root);
      if (typeof expand === "number") {
        return send(
          expand,
          JSON.stringify({ error: { code: "Base.1.0.QueryNotSupported", message: `$expand=${expandRaw} not supported` } }),
        );
      }
      const select = selectRaw === null ? undefined : parseSelect(selectRaw, root);
      if (typeof select === "number") {
        const code = select === 501 ? "Base.1.0.QueryNotSupported" : "Base.1.0.QueryParameterValueFormatError";
        return send(select, JSON.stringify({ error: { code, message: `$select=${selectRaw} cannot be applied` } }));
      }
      send(
        200,
        cachedBody(`${path}?${expandRaw ?? ""}&${selectRaw ?? ""}`, () => {
          const expanded = expand ? (expandDoc(tree, doc, expand.levels, expand.token, false) as Doc) : doc;
          return JSON.stringify(select ? selectDoc(expanded, select) : expanded);
        }),
      );
    };
    const cachedBody = (key: string, make: () => string) => {
      let body = responseCache!.get(key);
      if (!body) {
        body = make();
        responseCache!.set(key, body);
      }
      return body;
    };
    const start = () => {
      const delay = typeof options.latencyMs === "function" ? options.latencyMs() : (options.latencyMs ?? 0);
      if (delay > 0) setTimeout(handle, delay);
      else handle();
    };
    const limit = options.maxConcurrentRequests;
    if (!limit) return start();
    // One slot per request until its answer is sent or the client goes away.
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      working--;
      waiting.shift()?.();
    };
    const enter = () => {
      working++;
      if (res.destroyed) return release(); // the client gave up while it waited
      res.on("finish", release);
      res.on("close", release);
      start();
    };
    if (working < limit) enter();
    else waiting.push(enter);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    server,
    log,
    openSessions: () => sessions.size,
    sessionsEverOpened: () => sessionCounter,
    bytesSent: () => bytesSent,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
