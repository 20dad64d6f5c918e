/**
 * The time-series sink behind the ingest. Timestream for LiveAnalytics implements it today
 * (timestream-sink.ts); AWS closed LiveAnalytics to new accounts on 2025-06-20, so a new
 * account plugs in another implementation (e.g. Timestream for InfluxDB) behind this interface.
 */
import type { SinkPoint } from "./records";

export interface SinkRejection {
  readonly point: SinkPoint;
  /** Why the store refused the point: a data error, never retried automatically. */
  readonly reason: string;
  readonly existingVersion?: number;
}

export interface SinkFailure {
  readonly point: SinkPoint;
  /** Transient (throttling, 5xx, network) after the sink's own retries: Kinesis retries it. */
  readonly error: string;
}

export interface SinkResult {
  readonly written: number;
  readonly rejected: readonly SinkRejection[];
  readonly failed: readonly SinkFailure[];
}

export interface TelemetrySink {
  write(points: readonly SinkPoint[]): Promise<SinkResult>;
}

/** One sink result for several writes (each chunk's written, rejected and failed points, together). */
export function mergeResults(results: readonly SinkResult[], rejectedBefore: readonly SinkRejection[] = []): SinkResult {
  return {
    written: results.reduce((n, r) => n + r.written, 0),
    rejected: [...rejectedBefore, ...results.flatMap((r) => r.rejected)],
    failed: results.flatMap((r) => r.failed),
  };
}
