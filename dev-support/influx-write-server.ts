/**
 * A local InfluxDB v2 write endpoint (POST /api/v2/write) for the answers the real databases in
 * the tests do not give on demand: 401, 404, 413, 400 with the first malformed line, 422 partial
 * writes, 429 and 503 with Retry-After, 500. It parses line protocol and stores points the way
 * InfluxDB does, so the chaos test can count what was stored, lost and duplicated.
 *
 * Rules, each from InfluxData's documentation:
 * - Status codes and bodies: https://docs.influxdata.com/influxdb/v2/write-data/troubleshoot/
 *   (204 all written; 400 the first malformed line, nothing written; 401 missing or wrong
 *   `Authorization: Token`; 404 unknown organisation or bucket; 413 payload too large, nothing
 *   written; 422 some points rejected, the others written; 429 / 503 with `Retry-After` seconds,
 *   https://docs.influxdata.com/influxdb/v2/api/#operation/PostWrite).
 * - Line protocol syntax, escaping, types and naming (no key may start with `_`):
 *   https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/
 * - A point with the same measurement, tag set and timestamp as a stored one overwrites it (the
 *   field sets are merged, new values win): https://docs.influxdata.com/influxdb/v2/write-data/best-practices/duplicate-points/
 * - A field keeps the type it was first written with; a different type is a conflict (422).
 * - Points older than the bucket's retention are rejected (422, "points beyond retention policy").
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export type FieldValue = { type: "float" | "integer" | "uinteger" | "string" | "boolean"; value: string | number | boolean };

export interface StoredPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  timeMs: number;
}

export type Injected = { status: 429 | 503 | 500; retryAfterSeconds?: number } | undefined;

export interface InfluxWriteServerOptions {
  token: string;
  org: string;
  bucket: string;
  /** Points older than this are beyond the bucket's retention. @default unlimited */
  retentionMs?: number;
  /** Largest request body accepted (compressed bytes on the wire). @default 50 MB (InfluxDB OSS 2's limit) */
  maxBodyBytes?: number;
  now?: () => number;
}

export interface InfluxWriteServer {
  readonly url: string;
  /** Decide per request whether to answer with an injected error instead. */
  inject: (() => Injected) | undefined;
  readonly stats: {
    requests: number;
    gzipRequests: number;
    bytesOnWire: number;
    linesReceived: number;
    maxLinesPerRequest: number;
    pointsWritten: number;
    overwritesSameValues: number;
    overwritesChangedValues: number;
    throttled: number;
    unavailable: number;
    internalErrors: number;
    refused: number;
  };
  /** Every Retry-After the server sent, in seconds. */
  readonly retryAfterSent: number[];
  points(): StoredPoint[];
  pointCount(): number;
  close(): Promise<void>;
}

class ParseError extends Error {}

/** Splits at `sep` outside quotes, honouring backslash escapes (slices, no per-character copies). */
function splitUnescaped(text: string, sep: string, quotes: boolean): string[] {
  if (text.indexOf("\\") < 0 && (!quotes || text.indexOf('"') < 0)) return text.split(sep);
  const parts: string[] = [];
  let start = 0;
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \\ */) {
      i++;
      continue;
    }
    if (quotes && c === 34 /* " */) inQuotes = !inQuotes;
    else if (!inQuotes && text[i] === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (inQuotes) throw new ParseError("unbalanced quotes");
  parts.push(text.slice(start));
  return parts;
}

const unescapeKey = (s: string) => s.replace(/\\([ ,=\\])/g, "$1");

function checkName(kind: string, name: string): void {
  if (name === "") throw new ParseError(`missing ${kind}`);
  if (name.startsWith("_")) throw new ParseError(`${kind} "${name}" starts with "_", reserved for InfluxDB system use`);
}

function parseField(raw: string): FieldValue {
  if (raw.startsWith('"')) {
    if (raw.length < 2 || !raw.endsWith('"')) throw new ParseError("invalid string field value");
    return { type: "string", value: raw.slice(1, -1).replace(/\\(["\\])/g, "$1") };
  }
  if (/^-?\d+i$/.test(raw)) return { type: "integer", value: Number(raw.slice(0, -1)) };
  if (/^\d+u$/.test(raw)) return { type: "uinteger", value: Number(raw.slice(0, -1)) };
  if (/^(t|T|true|True|TRUE)$/.test(raw)) return { type: "boolean", value: true };
  if (/^(f|F|false|False|FALSE)$/.test(raw)) return { type: "boolean", value: false };
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return { type: "float", value: Number(raw) };
  throw new ParseError(`invalid field value ${raw}`);
}

/** One line of line protocol, precision ms. */
export function parseLine(line: string): StoredPoint {
  const sections = splitUnescaped(line, " ", true);
  if (sections.length < 2 || sections.length > 3) throw new ParseError("expected measurement[,tags] fields [timestamp]");
  const [head, fieldText, timeText] = sections as [string, string, string | undefined];
  const [measurementRaw, ...tagParts] = splitUnescaped(head, ",", false);
  const measurement = (measurementRaw as string).replace(/\\([ ,\\])/g, "$1");
  checkName("measurement", measurement);
  const tags: Record<string, string> = {};
  for (const part of tagParts) {
    const kv = splitUnescaped(part, "=", false);
    if (kv.length !== 2 || kv[1] === "") throw new ParseError(`missing tag value in ${part}`);
    const key = unescapeKey(kv[0] as string);
    checkName("tag key", key);
    tags[key] = unescapeKey(kv[1] as string);
  }
  const fields: Record<string, FieldValue> = {};
  for (const part of splitUnescaped(fieldText, ",", true)) {
    const eq = (() => {
      for (let i = 0; i < part.length; i++) {
        if (part[i] === "\\") i++;
        else if (part[i] === "=") return i;
      }
      return -1;
    })();
    if (eq <= 0) throw new ParseError(`missing field value in ${part}`);
    const key = unescapeKey(part.slice(0, eq));
    checkName("field key", key);
    fields[key] = parseField(part.slice(eq + 1));
  }
  if (Object.keys(fields).length === 0) throw new ParseError("missing fields");
  if (timeText === undefined || !/^-?\d+$/.test(timeText)) throw new ParseError("bad timestamp");
  return { measurement, tags, fields, timeMs: Number(timeText) };
}

function seriesKey(p: StoredPoint): string {
  const tags = Object.keys(p.tags)
    .sort()
    .map((k) => `${k}=${p.tags[k]}`)
    .join(",");
  return `${p.measurement},${tags}|${p.timeMs}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startInfluxWriteServer(options: InfluxWriteServerOptions): Promise<InfluxWriteServer> {
  const store = new Map<string, StoredPoint>();
  const fieldTypes = new Map<string, FieldValue["type"]>();
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyBytes ?? 50 * 1024 * 1024;
  const stats: InfluxWriteServer["stats"] = {
    requests: 0,
    gzipRequests: 0,
    bytesOnWire: 0,
    linesReceived: 0,
    maxLinesPerRequest: 0,
    pointsWritten: 0,
    overwritesSameValues: 0,
    overwritesChangedValues: 0,
    throttled: 0,
    unavailable: 0,
    internalErrors: 0,
    refused: 0,
  };
  const retryAfterSent: number[] = [];
  const api: InfluxWriteServer = {
    url: "",
    inject: undefined,
    stats,
    retryAfterSent,
    points: () => [...store.values()],
    pointCount: () => store.size,
    close: async () => {},
  };

  const server: Server = createServer((req, res) => {
    const answer = (status: number, body?: { code: string; message: string }, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...(body ? { "content-type": "application/json; charset=utf-8" } : {}), ...headers });
      res.end(body ? JSON.stringify(body) : undefined);
    };
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", "http://localhost");
      if (req.method !== "POST" || url.pathname !== "/api/v2/write") return answer(404, { code: "not found", message: "path not found" });
      stats.requests++;
      stats.bytesOnWire += body.length;
      if (req.headers.authorization !== `Token ${options.token}`)
        return answer(401, { code: "unauthorized", message: "unauthorized access" });
      if (url.searchParams.get("org") !== options.org)
        return answer(404, { code: "not found", message: `organization name "${url.searchParams.get("org")}" not found` });
      if (url.searchParams.get("bucket") !== options.bucket)
        return answer(404, { code: "not found", message: `bucket "${url.searchParams.get("bucket")}" not found` });
      if (url.searchParams.get("precision") !== "ms") return answer(400, { code: "invalid", message: "this fake expects precision=ms" });
      const injected = api.inject?.();
      if (injected) {
        if (injected.status === 429) stats.throttled++;
        else if (injected.status === 503) stats.unavailable++;
        else stats.internalErrors++;
        const headers: Record<string, string> = {};
        if (injected.retryAfterSeconds !== undefined) {
          headers["retry-after"] = String(injected.retryAfterSeconds);
          retryAfterSent.push(injected.retryAfterSeconds);
        }
        const message =
          injected.status === 429 ? "token is temporarily over quota" : injected.status === 503 ? "unavailable" : "internal error";
        return answer(injected.status, { code: injected.status === 500 ? "internal error" : "unavailable", message }, headers);
      }
      if (body.length > maxBody) {
        stats.refused++;
        return answer(413, { code: "request too large", message: `unable to read data: request body exceeds ${maxBody} bytes` });
      }
      let text: string;
      if (req.headers["content-encoding"] === "gzip") {
        stats.gzipRequests++;
        text = gunzipSync(body).toString("utf8");
      } else text = body.toString("utf8");
      const lines = text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
      stats.linesReceived += lines.length;
      stats.maxLinesPerRequest = Math.max(stats.maxLinesPerRequest, lines.length);
      // 400: the first malformed line is named and nothing is written.
      const parsed: StoredPoint[] = [];
      for (const line of lines) {
        try {
          parsed.push(parseLine(line));
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          stats.refused++;
          return answer(400, { code: "invalid", message: `unable to parse '${line}': ${e.message}` });
        }
      }
      // 422: the rest is written, the rejected points are counted in the message.
      const problems: string[] = [];
      let dropped = 0;
      for (const p of parsed) {
        if (options.retentionMs !== undefined && p.timeMs < now() - options.retentionMs) {
          dropped++;
          if (!problems.includes("points beyond retention policy")) problems.push("points beyond retention policy");
          continue;
        }
        const conflict = Object.entries(p.fields).find(([k, v]) => {
          const known = fieldTypes.get(`${p.measurement}\u0000${k}`);
          return known !== undefined && known !== v.type;
        });
        if (conflict) {
          dropped++;
          const [k, v] = conflict;
          problems.push(
            `field type conflict: input field "${k}" on measurement "${p.measurement}" is type ${v.type}, already exists as type ${fieldTypes.get(`${p.measurement}\u0000${k}`)}`,
          );
          continue;
        }
        for (const [k, v] of Object.entries(p.fields)) fieldTypes.set(`${p.measurement}\u0000${k}`, v.type);
        const key = seriesKey(p);
        const existing = store.get(key);
        if (existing) {
          const same = Object.entries(p.fields).every(([k, v]) => JSON.stringify(existing.fields[k]) === JSON.stringify(v));
          if (same) stats.overwritesSameValues++;
          else stats.overwritesChangedValues++;
          existing.fields = { ...existing.fields, ...p.fields };
        } else {
          store.set(key, p);
          stats.pointsWritten++;
        }
      }
      if (dropped > 0) {
        stats.refused++;
        return answer(422, { code: "unprocessable entity", message: `partial write: ${problems.join("; ")} dropped=${dropped}` });
      }
      answer(204);
    })().catch((e) => answer(500, { code: "internal error", message: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(api, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return api;
}
