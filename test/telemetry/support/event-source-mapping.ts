/**
 * What Lambda's Kinesis event source mapping does, played against a real (kinesalite) stream:
 * read each shard in order, invoke the function with the KinesisStreamEvent shape, and apply
 * the documented settings: ReportBatchItemFailures (retry from the lowest failed sequence
 * number, the records after it included), BisectBatchOnFunctionError (split a batch whose
 * invocation threw), MaximumRetryAttempts and MaximumRecordAgeInSeconds (then send a
 * KinesisBatchInfo on-failure record to the destination and move on). GetRecords throttling
 * (ProvisionedThroughputExceededException) is retried, as the service does.
 */
import {
  type _Record,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";

export interface MappingSettings {
  readonly batchSize: number;
  readonly bisectBatchOnError: boolean;
  readonly reportBatchItemFailures: boolean;
  readonly retryAttempts: number;
  readonly maxRecordAgeMs: number;
}

/** The settings TelemetryPipeline deploys (lib/telemetry/telemetry-pipeline.ts). */
export const PIPELINE_SETTINGS: MappingSettings = {
  batchSize: 500,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  retryAttempts: 10,
  maxRecordAgeMs: 3_600_000,
};

export interface OnFailureRecord {
  requestContext: { condition: "RetryAttemptsExhausted" | "RecordAgeExceeded"; approximateInvokeCount: number };
  version: "1.0";
  timestamp: string;
  KinesisBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

export interface MappingStats {
  invocations: number;
  recordsDelivered: number;
  redeliveredRecords: number;
  getRecordsThrottled: number;
  onFailureBatches: number;
}

export interface DrainOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly streamArn: string;
  readonly handler: (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | undefined>;
  readonly settings?: MappingSettings;
  readonly onFailure: (record: OnFailureRecord) => Promise<void>;
  readonly now?: () => number;
}

function toEventRecord(r: _Record, shardId: string, streamArn: string): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: r.PartitionKey ?? "",
      sequenceNumber: r.SequenceNumber ?? "",
      data: Buffer.from(r.Data ?? new Uint8Array()).toString("base64"),
      approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${shardId}:${r.SequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: "arn:aws:iam::111111111111:role/telemetry-ingest",
    awsRegion: "eu-west-1",
    eventSourceARN: streamArn,
  };
}

/** Reads every shard until it is caught up, invoking the handler as the mapping would. */
export async function drainStream(options: DrainOptions): Promise<MappingStats> {
  const settings = options.settings ?? PIPELINE_SETTINGS;
  const now = options.now ?? Date.now;
  const stats: MappingStats = { invocations: 0, recordsDelivered: 0, redeliveredRecords: 0, getRecordsThrottled: 0, onFailureBatches: 0 };
  const shards = (await options.client.send(new ListShardsCommand({ StreamName: options.streamName }))).Shards ?? [];

  const fail = async (
    batch: KinesisStreamRecord[],
    shardId: string,
    condition: OnFailureRecord["requestContext"]["condition"],
    invokes: number,
  ) => {
    stats.onFailureBatches++;
    const first = batch[0] as KinesisStreamRecord;
    const last = batch[batch.length - 1] as KinesisStreamRecord;
    await options.onFailure({
      requestContext: { condition, approximateInvokeCount: invokes },
      version: "1.0",
      timestamp: new Date(now()).toISOString(),
      KinesisBatchInfo: {
        shardId,
        startSequenceNumber: first.kinesis.sequenceNumber,
        endSequenceNumber: last.kinesis.sequenceNumber,
        approximateArrivalOfFirstRecord: new Date(first.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
        approximateArrivalOfLastRecord: new Date(last.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
        batchSize: batch.length,
        streamArn: options.streamArn,
      },
    });
  };

  const processBatch = async (initial: KinesisStreamRecord[], shardId: string): Promise<void> => {
    let batch = initial;
    let retries = 0;
    let invokes = 0;
    while (batch.length > 0) {
      const oldest = (batch[0] as KinesisStreamRecord).kinesis.approximateArrivalTimestamp * 1000;
      if (now() - oldest > settings.maxRecordAgeMs) return fail(batch, shardId, "RecordAgeExceeded", invokes);
      stats.invocations++;
      invokes++;
      stats.recordsDelivered += batch.length;
      if (invokes > 1) stats.redeliveredRecords += batch.length;
      let response: KinesisStreamBatchResponse | undefined;
      try {
        response = await options.handler({ Records: batch });
      } catch {
        if (settings.bisectBatchOnError && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          await processBatch(batch.slice(0, half), shardId);
          await processBatch(batch.slice(half), shardId);
          return;
        }
        if (++retries > settings.retryAttempts) return fail(batch, shardId, "RetryAttemptsExhausted", invokes);
        continue;
      }
      const failures = settings.reportBatchItemFailures ? (response?.batchItemFailures ?? []) : [];
      if (failures.length === 0) return; // checkpoint after the last record
      const positions = failures.map((f) => batch.findIndex((r) => r.kinesis.sequenceNumber === f.itemIdentifier));
      // An identifier that is not in the batch makes Lambda treat the whole batch as failed.
      const from = positions.some((p) => p < 0) ? 0 : Math.min(...positions);
      batch = batch.slice(from);
      if (++retries > settings.retryAttempts) return fail(batch, shardId, "RetryAttemptsExhausted", invokes);
    }
  };

  await Promise.all(
    shards.map(async (shard) => {
      const shardId = shard.ShardId as string;
      let iterator = (
        await options.client.send(
          new GetShardIteratorCommand({ StreamName: options.streamName, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }),
        )
      ).ShardIterator;
      while (iterator) {
        let out: GetRecordsCommandOutput;
        try {
          // The service reads ahead and invokes in batches of batchSize; so do we (fewer reads).
          out = await options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.max(settings.batchSize, 5_000) }));
        } catch (error) {
          if ((error as Error).name === "ProvisionedThroughputExceededException") {
            stats.getRecordsThrottled++;
            continue; // the same iterator again, as the poller does after a throttle
          }
          throw error;
        }
        const records = out.Records ?? [];
        if (records.length === 0) break; // caught up
        const events = records.map((r) => toEventRecord(r, shardId, options.streamArn));
        for (let i = 0; i < events.length; i += settings.batchSize) await processBatch(events.slice(i, i + settings.batchSize), shardId);
        iterator = out.NextShardIterator;
      }
    }),
  );
  return stats;
}
