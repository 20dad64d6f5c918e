/**
 * Late data and exactly-once publishing. Every poll re-reads a trailing window; a
 * (deployment, metric, minute) is published the first time it has a value *and* its minute is
 * settled (old enough that Azure has normally delivered it), and never again: CloudWatch adds
 * up datapoints sent twice for the same minute. What was published lives in the watermark
 * table, so this survives cold starts and overlapping invocations (claims are conditional).
 */
import { METRICS } from "../../core/metric-registry";
import type { Datapoint, Source } from "./datapoints";
import type { PublishedIndex } from "./ports";

export interface SettleMinutes {
  readonly metrics: number;
  readonly logs: number;
}

/** A minute is settled once `settle` whole minutes have passed since it ended. */
export function isSettled(minute: number, source: Source, now: number, settle: SettleMinutes): boolean {
  const settleMs = (source === "metrics" ? settle.metrics : settle.logs) * 60_000;
  return minute + 60_000 + settleMs <= now;
}

/** The table stores CloudWatch metric names (what was actually sent), not internal keys. */
function isPublished(index: PublishedIndex, d: Pick<Datapoint, "scope" | "minute" | "metric">): boolean {
  return index.get(d.scope)?.get(d.minute)?.has(METRICS[d.metric].name) ?? false;
}

export interface Selection {
  readonly ready: Datapoint[];
  /** Values seen but not yet settled: they will be published by a later poll. */
  readonly waiting: number;
  readonly alreadyPublished: number;
}

export function selectToPublish(
  candidates: readonly Datapoint[],
  published: PublishedIndex,
  now: number,
  windowStart: number,
  settle: SettleMinutes,
): Selection {
  const ready: Datapoint[] = [];
  const taken = new Set<string>();
  let waiting = 0;
  let alreadyPublished = 0;
  for (const d of candidates) {
    if (d.minute < windowStart) continue;
    const key = `${d.scope}|${d.metric}|${d.minute}`;
    if (taken.has(key)) continue;
    if (isPublished(published, d)) {
      alreadyPublished++;
      continue;
    }
    if (!isSettled(d.minute, d.source, now, settle)) {
      waiting++;
      continue;
    }
    taken.add(key);
    ready.push(d);
  }
  return { ready, waiting, alreadyPublished };
}

export interface Claim {
  readonly scope: string;
  readonly minute: number;
  readonly datapoints: Datapoint[];
}

/** One conditional write per (scope, minute) marks all its new metrics at once. */
export function groupClaims(datapoints: readonly Datapoint[]): Claim[] {
  const claims = new Map<string, Claim>();
  for (const d of datapoints) {
    const key = `${d.scope}|${d.minute}`;
    let c = claims.get(key);
    if (!c) {
      c = { scope: d.scope, minute: d.minute, datapoints: [] };
      claims.set(key, c);
    }
    c.datapoints.push(d);
  }
  return [...claims.values()];
}
