/**
 * In-batch dedupe of (bmc, collectedAt). Kinesis delivers at least once and the poller may
 * re-put a snapshot after a partial PutRecords failure, so one batch can hold the same
 * snapshot twice. Across invocations the sink's Version makes a replay an idempotent upsert
 * (see records.ts); this only saves the second write inside one batch.
 */
import type { BmcSnapshot } from "../../core/snapshot";

export function snapshotKey(snapshot: Pick<BmcSnapshot, "bmc" | "collectedAt">): string {
  // collectedAt is normalised to epoch ms so "…00Z" and "…00.000Z" are the same snapshot.
  return `${snapshot.bmc}\u0000${Date.parse(snapshot.collectedAt)}`;
}

export interface Deduped<T> {
  readonly unique: T[];
  readonly duplicates: T[];
}

/** Keeps the first occurrence of each (bmc, collectedAt), in input order. */
export function dedupeSnapshots<T extends { snapshot: BmcSnapshot }>(items: readonly T[]): Deduped<T> {
  const seen = new Set<string>();
  const unique: T[] = [];
  const duplicates: T[] = [];
  for (const item of items) {
    const key = snapshotKey(item.snapshot);
    if (seen.has(key)) duplicates.push(item);
    else {
      seen.add(key);
      unique.push(item);
    }
  }
  return { unique, duplicates };
}
