/**
 * Kinesis record -> BMC snapshot, or a poison verdict with its reason. Pure: zod only.
 * A record that is not base64 JSON matching the snapshot contract is poison: retrying it can
 * never succeed, so it goes to the dead-letter queue instead of blocking its shard.
 */
import { type BmcSnapshot, BmcSnapshotSchema } from "../../core/snapshot";

/** The parts of a Kinesis event record the ingest needs (the Lambda event-source-mapping shape). */
export interface StreamRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** base64 payload, as Lambda delivers it. */
  readonly data: string;
  readonly shardId: string;
  readonly approximateArrivalTimestamp: number;
}

export type Decoded =
  | { readonly ok: true; readonly record: StreamRecord; readonly snapshot: BmcSnapshot }
  | { readonly ok: false; readonly record: StreamRecord; readonly reason: string };

const MAX_REASON = 1000;

export function decodeSnapshot(record: StreamRecord): Decoded {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(record.data, "base64").toString("utf8"));
  } catch (error) {
    return { ok: false, record, reason: `not JSON: ${(error as Error).message}`.slice(0, MAX_REASON) };
  }
  const parsed = BmcSnapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    return { ok: false, record, reason: `not a BMC snapshot: ${issues}`.slice(0, MAX_REASON) };
  }
  return { ok: true, record, snapshot: parsed.data };
}
