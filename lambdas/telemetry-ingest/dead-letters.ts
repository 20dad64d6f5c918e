/**
 * The dead-letter message format, and how the re-drive reads both kinds of message that land
 * in the telemetry DLQ. Pure: no SDK.
 *
 * 1. Our own dead letters (kind "fleetwatch.telemetry-dead-letter"): a poison record or a
 *    record the sink rejected, with its reason and (up to 200 KB) the original payload.
 * 2. Lambda's on-failure records for Kinesis (KinesisBatchInfo): only the shard and sequence
 *    range whose retries or record age ran out; the data is read back from the stream.
 */
import type { StreamRecord } from "./decode";

export const DEAD_LETTER_KIND = "fleetwatch.telemetry-dead-letter";
/** Payloads above this are not embedded (SQS message size); the re-drive reads them from the stream. */
const MAX_EMBEDDED_BYTES = 200 * 1024;

export type DeadLetterStage = "decode" | "sink-rejected";

export interface DeadLetter {
  readonly kind: typeof DEAD_LETTER_KIND;
  readonly stage: DeadLetterStage;
  readonly reason: string;
  readonly streamArn: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly approximateArrivalTimestamp: number;
  readonly bmc?: string;
  readonly collectedAt?: string;
  readonly rejections?: ReadonlyArray<{ table: string; measureName: string; dimensions: string; reason: string; existingVersion?: number }>;
  /** base64 payload as it was in the stream, when small enough to embed. */
  readonly data?: string;
  readonly dataBytes: number;
}

export function deadLetter(
  record: StreamRecord,
  streamArn: string,
  stage: DeadLetterStage,
  reason: string,
  extra: Pick<DeadLetter, "bmc" | "collectedAt" | "rejections"> = {},
): DeadLetter {
  const dataBytes = Math.floor((record.data.length * 3) / 4);
  return {
    kind: DEAD_LETTER_KIND,
    stage,
    reason,
    streamArn,
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    partitionKey: record.partitionKey,
    approximateArrivalTimestamp: record.approximateArrivalTimestamp,
    ...extra,
    ...(record.data.length <= MAX_EMBEDDED_BYTES ? { data: record.data } : {}),
    dataBytes,
  };
}

/** What the re-drive does with one DLQ message. */
export type RedrivePlan =
  | {
      readonly kind: "records";
      readonly stage: DeadLetterStage;
      readonly streamArn: string;
      readonly records: ReadonlyArray<{ partitionKey: string; data: string }>;
    }
  | {
      readonly kind: "range";
      readonly source: "on-failure" | DeadLetterStage;
      readonly streamArn: string;
      readonly shardId: string;
      readonly startSequenceNumber: string;
      readonly endSequenceNumber: string;
    }
  | { readonly kind: "unknown"; readonly reason: string };

export function planRedrive(body: string): RedrivePlan {
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return { kind: "unknown", reason: "message body is not JSON" };
  }
  if (message.kind === DEAD_LETTER_KIND) {
    const letter = message as unknown as DeadLetter;
    if (typeof letter.data === "string") {
      return {
        kind: "records",
        stage: letter.stage,
        streamArn: letter.streamArn,
        records: [{ partitionKey: letter.partitionKey, data: letter.data }],
      };
    }
    return {
      kind: "range",
      source: letter.stage,
      streamArn: letter.streamArn,
      shardId: letter.shardId,
      startSequenceNumber: letter.sequenceNumber,
      endSequenceNumber: letter.sequenceNumber,
    };
  }
  const info = message.KinesisBatchInfo as Record<string, unknown> | undefined;
  if (
    info &&
    typeof info.shardId === "string" &&
    typeof info.startSequenceNumber === "string" &&
    typeof info.endSequenceNumber === "string"
  ) {
    return {
      kind: "range",
      source: "on-failure",
      streamArn: String(info.streamArn ?? ""),
      shardId: info.shardId,
      startSequenceNumber: info.startSequenceNumber,
      endSequenceNumber: info.endSequenceNumber,
    };
  }
  return { kind: "unknown", reason: "neither a FleetWatch dead letter nor a Lambda on-failure record" };
}

export interface DeadLetterWriter {
  /** Returns the letters that could not be stored (their records must then be retried). */
  send(letters: readonly DeadLetter[]): Promise<{ failed: readonly DeadLetter[] }>;
}
