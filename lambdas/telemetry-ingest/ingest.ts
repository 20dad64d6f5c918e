/**
 * One Kinesis batch through the ingest: decode -> dedupe -> shape -> sink -> dead letters ->
 * aggregates. No SDK here: the sink and the dead-letter writer are interfaces.
 *
 * Outcome per Kinesis record:
 * - written (or a duplicate of a written snapshot): acknowledged;
 * - poison (not a snapshot) or rejected by the sink: dead-lettered with its reason, acknowledged;
 * - transient sink failure, or its dead letter could not be stored: reported in
 *   batchItemFailures, so Lambda retries from the lowest failed sequence number.
 */
import type { BmcSnapshot } from "../../core/snapshot";
import { type Assessment, type AssessOptions, assessSnapshots, type FleetState } from "./aggregates";
import { type DeadLetter, type DeadLetterWriter, deadLetter } from "./dead-letters";
import { type Decoded, decodeSnapshot, type StreamRecord } from "./decode";
import { dedupeSnapshots, snapshotKey } from "./dedupe";
import { oversizeReason, type SinkPoint, shapeSnapshot } from "./records";
import type { SinkRejection, TelemetrySink } from "./sink";

export interface IngestDeps {
  readonly sink: TelemetrySink;
  readonly deadLetters: DeadLetterWriter;
  readonly state: FleetState;
  readonly options: AssessOptions;
  readonly streamArn: string;
}

export interface IngestStats {
  readonly records: number;
  readonly poison: number;
  readonly duplicatesInBatch: number;
  readonly snapshotsWritten: number;
  readonly pointsWritten: number;
  readonly pointsRejected: number;
  readonly snapshotsRetried: number;
  readonly deadLettered: number;
  readonly deadLettersUnsent: number;
}

export interface IngestResult {
  /** Sequence numbers to report as batchItemFailures. */
  readonly failedSequenceNumbers: string[];
  readonly assessment: Assessment;
  readonly deadLetters: readonly DeadLetter[];
  readonly stats: IngestStats;
}

type Good = Extract<Decoded, { ok: true }>;

export async function ingestBatch(records: readonly StreamRecord[], deps: IngestDeps): Promise<IngestResult> {
  const decoded = records.map(decodeSnapshot);
  const good = decoded.filter((d): d is Good => d.ok);
  const letters: DeadLetter[] = [];
  for (const d of decoded) if (!d.ok) letters.push(deadLetter(d.record, deps.streamArn, "decode", d.reason));

  const { unique, duplicates } = dedupeSnapshots(good);

  // Shape; a point over the record-size limit is rejected here, without a round trip.
  const points: SinkPoint[] = [];
  const rejectedBySource = new Map<number, SinkRejection[]>();
  const reject = (r: SinkRejection) => {
    const list = rejectedBySource.get(r.point.source) ?? [];
    list.push(r);
    rejectedBySource.set(r.point.source, list);
  };
  unique.forEach((item, source) => {
    for (const point of shapeSnapshot(item.snapshot, source)) {
      const oversize = oversizeReason(point);
      if (oversize) reject({ point, reason: oversize });
      else points.push(point);
    }
  });

  const result = points.length > 0 ? await deps.sink.write(points) : { written: 0, rejected: [], failed: [] };
  for (const r of result.rejected) reject(r);
  const failedSources = new Set(result.failed.map((f) => f.point.source));

  // Rejected points are data errors: one dead letter per snapshot, with every reason.
  const letterSources = new Map<DeadLetter, number>();
  for (const [source, rejections] of rejectedBySource) {
    if (failedSources.has(source)) continue; // retried as a whole anyway
    const item = unique[source] as Good;
    const letter = deadLetter(item.record, deps.streamArn, "sink-rejected", rejections[0]?.reason ?? "rejected", {
      bmc: item.snapshot.bmc,
      collectedAt: item.snapshot.collectedAt,
      rejections: rejections.map((r) => ({
        table: r.point.table,
        measureName: r.point.measureName,
        dimensions: r.point.dimensions.map((d) => `${d.Name}=${d.Value}`).join(","),
        reason: r.reason,
        ...(r.existingVersion === undefined ? {} : { existingVersion: r.existingVersion }),
      })),
    });
    letters.push(letter);
    letterSources.set(letter, source);
  }

  const sent = letters.length > 0 ? await deps.deadLetters.send(letters) : { failed: [] };
  const failedSequenceNumbers = new Set<string>();
  for (const letter of sent.failed) {
    failedSequenceNumbers.add(letter.sequenceNumber);
    const source = letterSources.get(letter);
    if (source !== undefined) failedSources.add(source);
  }
  const failedKeys = new Set<string>();
  for (const source of failedSources) {
    const item = unique[source] as Good;
    failedSequenceNumbers.add(item.record.sequenceNumber);
    failedKeys.add(snapshotKey(item.snapshot));
  }
  // A duplicate of a snapshot that must be retried is retried with it.
  for (const d of duplicates) if (failedKeys.has(snapshotKey(d.snapshot))) failedSequenceNumbers.add(d.record.sequenceNumber);

  const settled: BmcSnapshot[] = unique.filter((_, source) => !failedSources.has(source)).map((u) => u.snapshot);
  const assessment = assessSnapshots(settled, deps.state, deps.options);

  return {
    failedSequenceNumbers: [...failedSequenceNumbers],
    assessment,
    deadLetters: letters.filter((l) => !sent.failed.includes(l)),
    stats: {
      records: records.length,
      poison: decoded.length - good.length,
      duplicatesInBatch: duplicates.length,
      snapshotsWritten: settled.length,
      pointsWritten: result.written,
      pointsRejected: [...rejectedBySource.values()].reduce((n, l) => n + l.length, 0),
      snapshotsRetried: failedSources.size,
      deadLettered: letters.length - sent.failed.length,
      deadLettersUnsent: sent.failed.length,
    },
  };
}
