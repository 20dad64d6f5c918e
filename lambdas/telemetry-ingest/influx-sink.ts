/**
 * TelemetrySink on InfluxDB's v2 write API (Amazon Timestream for InfluxDB, InfluxDB 2.x, or any
 * server that implements POST /api/v2/write), through InfluxData's official JavaScript client.
 * The only file that talks to InfluxDB.
 *
 * - Line protocol from line-protocol.ts; at most 5,000 lines per request (InfluxData's
 *   recommended batch size), gzip on every request, precision ms, a few requests in flight.
 * - 429 and 503 (and 500/502/504, timeouts, resets) are retried here with backoff; a
 *   `Retry-After` header on the answer sets the wait. The client's own retry buffer is off
 *   (maxRetries 0): it would retry in the background after this invocation has returned.
 *   When the attempts run out the points fail and Kinesis retries their records.
 * - 400 / 422: the store refused some lines (parse error, field type conflict, outside the
 *   bucket's retention). InfluxDB writes the valid lines of a request and names what it dropped
 *   in the message; the refused lines are isolated (the lines the message quotes, else by
 *   splitting the request) and returned as rejections with the store's reason. Sending a valid
 *   line again is an overwrite (same series and timestamp), so isolating never duplicates.
 * - 413: the request is split; a single line over the limit is a rejection.
 * - 401 / 403 / 404 (token, permissions, organisation or bucket): configuration, not data: the
 *   points fail (Kinesis retries them) until it is fixed.
 *
 * API answers: https://docs.influxdata.com/influxdb/v2/api/#operation/PostWrite
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { HttpError, InfluxDB, setLogger } from "@influxdata/influxdb-client";
import { mapBounded } from "../shared/bounded";
import { toLine } from "./line-protocol";
import type { SinkPoint } from "./records";
import { mergeResults, type SinkRejection, type SinkResult, type TelemetrySink } from "./sink";

/** InfluxData recommends batches of 5,000 lines ("Optimize writes to InfluxDB"). */
const INFLUX_LINES_PER_WRITE = 5_000;

export interface InfluxRetryPolicy {
  readonly maxAttempts: number;
  /** Delay before retry number `attempt` (1-based) when the answer has no Retry-After. */
  readonly delayMs: (attempt: number) => number;
  /** A Retry-After longer than this is not waited for: the points fail and Kinesis retries them later. */
  readonly maxRetryAfterMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Full-jitter exponential backoff, 100 ms base, 4 s cap; Retry-After honoured up to 15 s (the function has 60 s). */
const DEFAULT_INFLUX_RETRY: InfluxRetryPolicy = {
  maxAttempts: 5,
  delayMs: (attempt) => Math.random() * Math.min(4_000, 100 * 2 ** attempt),
  maxRetryAfterMs: 15_000,
};

export interface InfluxSinkOptions {
  /** e.g. https://<instance endpoint>:8086 */
  readonly url: string;
  /** An API token with write permission on the bucket. Never logged. */
  readonly token: string;
  readonly org: string;
  readonly bucket: string;
  /** Requests in flight at once. @default 4 */
  readonly concurrency?: number;
  /** @default 5000 */
  readonly linesPerWrite?: number;
  readonly retry?: InfluxRetryPolicy;
  /** Per request. @default 10 s */
  readonly timeoutMs?: number;
}

type Outcome =
  | { readonly kind: "written" }
  | { readonly kind: "refused"; readonly reason: string }
  | { readonly kind: "too-large"; readonly reason: string }
  | { readonly kind: "failed"; readonly error: string };

interface Chunk {
  readonly points: readonly SinkPoint[];
  readonly lines: readonly string[];
}

// The client logs failed writes to the console itself (with the store's message); the ingest
// logs outcomes in its own structured lines instead.
setLogger({ error() {}, warn() {} });

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

const DAY_MS = 86_400_000;
const utcDay = (p: SinkPoint) => Math.floor(p.timeMs / DAY_MS);

/** The store's own words from an error answer: `message` (v2) or `error` (v1), else the body. */
function storeMessage(error: HttpError): string {
  const json = error.json as { message?: unknown; error?: unknown } | undefined;
  const text =
    typeof json?.message === "string" ? json.message : typeof json?.error === "string" ? json.error : (error.body ?? error.message);
  return `${error.statusCode}: ${String(text).slice(0, 1_000)}`;
}

/** Lines a parse error quotes (`unable to parse '<line>': ...`), when they are lines of this request. */
export function quotedLines(reason: string, lines: readonly string[]): Set<string> {
  const candidates = new Set(lines);
  const found = new Set<string>();
  for (const m of reason.matchAll(/unable to parse '((?:[^']|'(?!: ))*)': /g)) {
    const line = m[1] as string;
    if (candidates.has(line)) found.add(line);
  }
  return found;
}

export class InfluxSink implements TelemetrySink {
  private readonly client: InfluxDB;
  private readonly concurrency: number;
  private readonly linesPerWrite: number;
  private readonly retry: InfluxRetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  /** HTTP write requests made, for the benchmark and tests. */
  requests = 0;

  constructor(private readonly options: InfluxSinkOptions) {
    const agent = options.url.startsWith("https:") ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.client = new InfluxDB({
      url: options.url,
      token: options.token,
      timeout: options.timeoutMs ?? 10_000,
      transportOptions: { agent },
    });
    this.concurrency = options.concurrency ?? 4;
    this.linesPerWrite = Math.min(options.linesPerWrite ?? INFLUX_LINES_PER_WRITE, INFLUX_LINES_PER_WRITE);
    this.retry = options.retry ?? DEFAULT_INFLUX_RETRY;
    this.sleep = this.retry.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async write(points: readonly SinkPoint[]): Promise<SinkResult> {
    const rejected: SinkRejection[] = [];
    // A value line protocol cannot carry (a non-finite number, an integer out of range) is a data
    // error found here, without a round trip.
    const sendable: SinkPoint[] = [];
    const lines: string[] = [];
    // Oldest first: points the bucket refuses for their age then sit together, and isolating them
    // takes one split path instead of one per point.
    const byTime = [...points].sort((a, b) => a.timeMs - b.timeMs);
    for (const point of byTime) {
      try {
        lines.push(toLine(point));
        sendable.push(point);
      } catch (e) {
        rejected.push({ point, reason: `not representable in line protocol: ${(e as Error).message}` });
      }
    }
    // One request per UTC day of data, at most linesPerWrite lines each: InfluxDB stores points by
    // shard group (a day or a week of time), so a request inside one is cheaper, and a point the
    // bucket refuses for its age only drags its own day's request through isolation.
    const queue: Chunk[] = [];
    let dayStart = 0;
    for (let i = 1; i <= sendable.length; i++) {
      const sameDay = i < sendable.length && utcDay(sendable[i] as SinkPoint) === utcDay(sendable[dayStart] as SinkPoint);
      if (sameDay) continue;
      for (let j = dayStart; j < i; j += this.linesPerWrite) {
        const end = Math.min(i, j + this.linesPerWrite);
        queue.push({ points: sendable.slice(j, end), lines: lines.slice(j, end) });
      }
      dayStart = i;
    }
    const results = await mapBounded(queue, this.concurrency, (chunk) => this.sendIsolating(chunk));
    return mergeResults(results, rejected);
  }

  private async sendIsolating(chunk: Chunk): Promise<SinkResult> {
    const outcome = await this.send(chunk.lines);
    switch (outcome.kind) {
      case "written":
        return { written: chunk.lines.length, rejected: [], failed: [] };
      case "failed":
        return { written: 0, rejected: [], failed: chunk.points.map((point) => ({ point, error: outcome.error })) };
      case "too-large":
      case "refused": {
        if (chunk.lines.length === 1) {
          return { written: 0, rejected: [{ point: chunk.points[0] as SinkPoint, reason: outcome.reason }], failed: [] };
        }
        // The lines the store quotes are the refused ones: reject them, send the rest once more.
        const quoted = outcome.kind === "refused" ? quotedLines(outcome.reason, chunk.lines) : new Set<string>();
        if (quoted.size > 0 && quoted.size < chunk.lines.length) {
          const keep: number[] = [];
          const refused: SinkRejection[] = [];
          chunk.lines.forEach((line, i) => {
            if (quoted.has(line)) refused.push({ point: chunk.points[i] as SinkPoint, reason: outcome.reason });
            else keep.push(i);
          });
          const rest = await this.sendIsolating({
            points: keep.map((i) => chunk.points[i] as SinkPoint),
            lines: keep.map((i) => chunk.lines[i] as string),
          });
          return { written: rest.written, rejected: [...refused, ...rest.rejected], failed: rest.failed };
        }
        const half = Math.ceil(chunk.lines.length / 2);
        const [a, b] = await Promise.all([
          this.sendIsolating({ points: chunk.points.slice(0, half), lines: chunk.lines.slice(0, half) }),
          this.sendIsolating({ points: chunk.points.slice(half), lines: chunk.lines.slice(half) }),
        ]);
        return { written: a.written + b.written, rejected: [...a.rejected, ...b.rejected], failed: [...a.failed, ...b.failed] };
      }
    }
  }

  private async send(lines: readonly string[]): Promise<Outcome> {
    let lastError = "";
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      try {
        this.requests++;
        // One request per attempt: no background flush timer, no client-side retry buffer.
        const api = this.client.getWriteApi(this.options.org, this.options.bucket, "ms", {
          batchSize: lines.length + 1,
          flushInterval: 0,
          maxRetries: 0,
          gzipThreshold: 0,
        });
        api.writeRecords(lines as string[]);
        await api.close();
        return { kind: "written" };
      } catch (caught) {
        let waitMs: number;
        if (caught instanceof HttpError) {
          const status = caught.statusCode;
          if (status === 400 || status === 422) return { kind: "refused", reason: storeMessage(caught) };
          if (status === 413) return { kind: "too-large", reason: storeMessage(caught) };
          lastError = storeMessage(caught);
          if (!TRANSIENT_STATUS.has(status)) break;
          const retryAfterMs = caught.retryAfter() * 1000;
          if (retryAfterMs > this.retry.maxRetryAfterMs) {
            lastError = `${lastError} (Retry-After ${retryAfterMs / 1000} s is longer than this invocation waits)`;
            break;
          }
          waitMs = retryAfterMs > 0 ? retryAfterMs : this.retry.delayMs(attempt);
        } else {
          // No HTTP answer at all: reset, timeout, DNS.
          const error = caught as { name?: string; message?: string; code?: string };
          lastError = `${error.code ?? error.name ?? "Error"}: ${error.message ?? ""}`;
          waitMs = this.retry.delayMs(attempt);
        }
        if (attempt === this.retry.maxAttempts) break;
        if (waitMs > 0) await this.sleep(waitMs);
      }
    }
    return { kind: "failed", error: lastError };
  }
}
