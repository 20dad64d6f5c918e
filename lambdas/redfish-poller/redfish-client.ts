/**
 * The HTTP edge of the poller: undici over HTTPS with keep-alive, certificate verification
 * (per-cluster CA, per-cluster opt-out), Basic auth or exactly one Redfish session, a timeout
 * that covers headers AND body (a trickling body cannot hold a slot), a body size cap and the
 * poll deadline. Every request is counted. Credentials never enter an error message.
 */
import { createSecureContext } from "node:tls";
import { Agent, type Dispatcher, request } from "undici";
import type { Fetcher, FetchFailure, FetchResult } from "../shared/redfish/collect";

export interface TlsSettings {
  /** PEM CA bundle to trust for this cluster; undefined = the system store. */
  readonly ca?: string;
  /** Explicit per-cluster opt-out; the caller logs a warning every poll. */
  readonly insecureSkipTlsVerify?: boolean;
}

/** One keep-alive pool per cluster (its CA), at most `connectionsPerBmc` sockets to any one BMC. */
export function createBmcAgent(tls: TlsSettings, connectionsPerBmc = 2): Agent {
  return new Agent({
    // TLS session resumption for every BMC of a shard (undici's default cache holds 100): the
    // next minute's reconnect skips the full handshake, which dominates CPU at 1,000 BMCs.
    // One SecureContext per cluster: passing `ca` alone makes Node parse the bundle for every connection.
    connect: {
      secureContext: tls.ca ? createSecureContext({ ca: tls.ca }) : undefined,
      rejectUnauthorized: tls.insecureSkipTlsVerify !== true,
      timeout: 5_000,
      maxCachedSessions: 4_096,
    },
    connections: connectionsPerBmc,
    pipelining: 1,
    // Keep-alive serves the 2-3 requests of one poll; idle TLS sockets to 1,000 BMCs between
    // minutes would only hold memory (~100 KB each), and BMCs drop them anyway.
    keepAliveTimeout: 2_000,
    keepAliveMaxTimeout: 5_000,
  });
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface BmcClientOptions {
  /** "https://10.1.2.3" or "https://bmc-7:8443" */
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  readonly auth: "basic" | "session" | "none";
  readonly credentials?: Credentials;
  readonly requestTimeoutMs: number;
  /** Epoch ms after which no request starts and running ones are cut. */
  readonly deadline: number;
  /** Largest body accepted (default 16 MiB: an expanded HGX Systems tree is a few MiB). */
  readonly maxBodyBytes?: number;
  /** Where to open sessions when the service root does not say (DSP0266 default). */
  readonly sessionsPath?: string;
}

class BodyTooLarge extends Error {}

/** A Redfish conversation with one BMC for one poll. Call close() in finally. */
export class BmcClient implements Fetcher {
  requests = 0;
  private token?: string;
  private sessionUri?: string;
  private readonly maxBody: number;

  constructor(private readonly options: BmcClientOptions) {
    this.maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  }

  /** Opens the one session of this poll (session auth); a failure is an auth or reachability failure. */
  async open(sessionsPath?: string): Promise<FetchResult> {
    if (this.options.auth !== "session") return { ok: true, body: undefined };
    const creds = this.options.credentials;
    if (!creds) return { ok: false, failure: "auth", message: "no credentials configured" };
    const path = sessionsPath ?? this.options.sessionsPath ?? "/redfish/v1/SessionService/Sessions";
    const res = await this.send("POST", path, JSON.stringify({ UserName: creds.username, Password: creds.password }));
    if (!res.ok) return res.result;
    const token = header(res.headers, "x-auth-token");
    if (!token) return { ok: false, failure: "auth", message: `POST ${path}: ${res.status} without X-Auth-Token` };
    this.token = token;
    const location = header(res.headers, "location");
    const bodyId =
      typeof (res.body as { "@odata.id"?: unknown })?.["@odata.id"] === "string"
        ? (res.body as { "@odata.id": string })["@odata.id"]
        : undefined;
    this.sessionUri = location ? new URL(location, this.options.baseUrl).pathname : bodyId;
    return { ok: true, body: undefined };
  }

  async get(path: string): Promise<FetchResult> {
    const res = await this.send("GET", path);
    return res.ok ? { ok: true, body: res.body } : res.result;
  }

  /** Deletes the session, even after the deadline (a leaked session locks operators out). */
  async close(): Promise<void> {
    if (!this.token) return;
    const uri = this.sessionUri;
    const token = this.token;
    this.token = undefined;
    if (!uri) return;
    this.requests++;
    try {
      const res = await request(new URL(uri, this.options.baseUrl), {
        method: "DELETE",
        dispatcher: this.options.dispatcher,
        headers: { "x-auth-token": token, accept: "application/json" },
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      await res.body.dump();
    } catch {
      // Nothing more to do: the BMC expires idle sessions itself (SessionTimeout).
    }
  }

  private async send(
    method: "GET" | "POST",
    path: string,
    payload?: string,
  ): Promise<
    | { ok: true; status: number; headers: Record<string, string | string[] | undefined>; body: unknown }
    | { ok: false; result: Extract<FetchResult, { ok: false }> }
  > {
    const fail = (failure: FetchFailure, message: string, status?: number) => ({
      ok: false as const,
      result: { ok: false as const, failure, message, status },
    });
    const remaining = this.options.deadline - Date.now();
    if (remaining <= 50) return fail("deadline", "poll deadline reached");
    const headers: Record<string, string> = { accept: "application/json", "odata-version": "4.0" };
    if (this.token) headers["x-auth-token"] = this.token;
    else if (this.options.auth === "basic" && this.options.credentials) {
      const { username, password } = this.options.credentials;
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
    }
    if (payload) headers["content-type"] = "application/json";
    const timeout = Math.min(this.options.requestTimeoutMs, remaining);
    const signal = AbortSignal.timeout(timeout);
    this.requests++;
    try {
      const res = await request(new URL(path, this.options.baseUrl), {
        method,
        dispatcher: this.options.dispatcher,
        headers,
        body: payload,
        signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const declared = Number(header(res.headers, "content-length") ?? "0");
      if (declared > this.maxBody) {
        res.body.destroy();
        return fail("bad_body", `${method} ${path}: body of ${declared} bytes exceeds the ${this.maxBody}-byte cap`, res.statusCode);
      }
      let text: string;
      try {
        text = await readCapped(res.body, this.maxBody);
      } catch (err) {
        if (err instanceof BodyTooLarge)
          return fail("bad_body", `${method} ${path}: body exceeds the ${this.maxBody}-byte cap`, res.statusCode);
        throw err;
      }
      const status = res.statusCode;
      if (status === 401 || status === 403) return fail("auth", `${method} ${path}: HTTP ${status} (credentials rejected)`, status);
      if (status === 404 || status === 410) return fail("not_found", `${method} ${path}: HTTP ${status}`, status);
      if (status === 503 && method === "POST" && /session/i.test(text)) {
        return fail("no_session", `${method} ${path}: HTTP 503, no free session (${snippet(text)})`, status);
      }
      if (status >= 400) return fail("http", `${method} ${path}: HTTP ${status} ${snippet(text)}`.trim(), status);
      if (method === "POST" && text.trim() === "") return { ok: true, status, headers: res.headers, body: undefined };
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        const kind = /^\s*</.test(text) ? "an HTML/XML page" : "malformed JSON";
        return fail("bad_body", `${method} ${path}: HTTP ${status} with ${kind}, not JSON`, status);
      }
      return { ok: true, status, headers: res.headers, body };
    } catch (err) {
      if (signal.aborted || isTimeout(err)) {
        return fail(
          Date.now() >= this.options.deadline - 50 ? "deadline" : "timeout",
          `${method} ${path}: no complete answer within ${timeout} ms`,
        );
      }
      return fail("network", `${method} ${path}: ${networkMessage(err)}`);
    }
  }
}

async function readCapped(body: AsyncIterable<Buffer>, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      (body as { destroy?: () => void }).destroy?.();
      throw new BodyTooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function snippet(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 120 ? `${t.slice(0, 120)}…` : t;
}

function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; code?: string };
  return e?.name === "TimeoutError" || e?.name === "AbortError" || /TIMEOUT/i.test(e?.code ?? "");
}

/** The error's code and cause, never its request options (which hold the Authorization header). */
function networkMessage(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string; message?: string }; message?: string };
  const code = e?.code ?? e?.cause?.code;
  const message = e?.cause?.message ?? e?.message ?? "request failed";
  return code ? `${code} ${message}`.slice(0, 200) : message.slice(0, 200);
}
