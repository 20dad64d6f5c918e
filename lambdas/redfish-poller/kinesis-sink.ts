/**
 * Writes snapshots to Kinesis: one record per BMC per poll, partition key = BMC, PutRecords in
 * batches of at most 500 records / 5 MiB, and only the entries Kinesis rejected are retried,
 * with exponential backoff. What still fails is returned, never dropped silently.
 */
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from "@aws-sdk/client-kinesis";

export const MAX_RECORDS_PER_CALL = 500;
const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
/** Kinesis' per-record limit (data + partition key). */
const MAX_RECORD_BYTES = 1024 * 1024;

export interface SinkRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

export interface SinkResult {
  readonly written: number;
  readonly failed: { partitionKey: string; error: string }[];
  readonly calls: number;
}

/** Splits records into PutRecords-sized batches (count and bytes). Pure. */
export function batches(records: readonly SinkRecord[]): SinkRecord[][] {
  const out: SinkRecord[][] = [];
  let current: SinkRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = r.data.byteLength + Buffer.byteLength(r.partitionKey);
    if (current.length && (current.length >= MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

export interface PutOptions {
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export async function putSnapshots(
  client: KinesisClient,
  streamName: string,
  records: readonly SinkRecord[],
  options: PutOptions = {},
): Promise<SinkResult> {
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelay = options.baseDelayMs ?? 100;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let written = 0;
  let calls = 0;
  const failed: SinkResult["failed"] = [];
  const oversized = records.filter((r) => r.data.byteLength + Buffer.byteLength(r.partitionKey) > MAX_RECORD_BYTES);
  for (const r of oversized) failed.push({ partitionKey: r.partitionKey, error: "record larger than Kinesis' 1 MiB limit" });
  for (const batch of batches(records.filter((r) => !oversized.includes(r)))) {
    let pending = batch;
    let lastErrors = new Map<SinkRecord, string>();
    for (let attempt = 1; pending.length && attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(Math.min(5_000, baseDelay * 2 ** (attempt - 2)) * (0.5 + Math.random() / 2));
      const entries: PutRecordsRequestEntry[] = pending.map((r) => ({ PartitionKey: r.partitionKey, Data: r.data }));
      calls++;
      try {
        const res = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
        const retry: SinkRecord[] = [];
        lastErrors = new Map();
        (res.Records ?? []).forEach((entry, i) => {
          const record = pending[i]!;
          if (entry.ErrorCode) {
            retry.push(record);
            lastErrors.set(record, `${entry.ErrorCode}: ${entry.ErrorMessage ?? ""}`.trim());
          } else written++;
        });
        pending = retry;
      } catch (err) {
        // The whole call failed (throttled, network): every entry is still pending.
        lastErrors = new Map(pending.map((r) => [r, (err as Error).name || "PutRecords failed"]));
      }
    }
    for (const r of pending) failed.push({ partitionKey: r.partitionKey, error: lastErrors.get(r) ?? "not written" });
  }
  return { written, failed, calls };
}
