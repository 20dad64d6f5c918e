/**
 * A stand-in for Lambda's Kinesis event source mapping, played against a real (kinesalite) stream:
 * it reads each shard in order from where it last checkpointed, invokes the function with the
 * KinesisStreamEvent shape in batches of BatchSize, and applies the mapping's documented error
 * handling. The tests (test/telemetry) and the end-to-end simulator (sim/pipeline.ts) share it.
 *
 * The rules, each from AWS's documentation:
 * - Partial batch responses (ReportBatchItemFailures), "Success and failure conditions":
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 *   an empty or missing batchItemFailures is a complete success (checkpoint after the batch);
 *   several failures checkpoint at the lowest sequence number and retry from there, the records
 *   after it included; an empty, null or unknown itemIdentifier fails the whole batch. Without
 *   ReportBatchItemFailures the response is ignored.
 * - A thrown invocation with BisectBatchOnFunctionError splits the batch in two and retries each
 *   half; "splitting a batch does not count towards the retry quota". After MaximumRetryAttempts
 *   retries, or once the oldest record is older than MaximumRecordAgeInSeconds, the batch is
 *   discarded: an invocation record (requestContext.condition RetryAttemptsExhausted or
 *   RecordAgeExceeded, KinesisBatchInfo) goes to the on-failure destination and the shard moves on:
 *   https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 * - Errors before the invocation (GetRecords throttling, ProvisionedThroughputExceededException)
 *   are retried until the records expire: same page, "Before invocation".
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
  /** BatchSize: records per invocation. */
  readonly batchSize: number;
  /** BisectBatchOnFunctionError. */
  readonly bisectBatchOnError: boolean;
  /** FunctionResponseTypes includes ReportBatchItemFailures. */
  readonly reportBatchItemFailures: boolean;
  /** MaximumRetryAttempts. */
  readonly retryAttempts: number;
  /** MaximumRecordAgeInSeconds, in ms. */
  readonly maxRecordAgeMs: number;
  /** MaximumBatchingWindowInSeconds, in ms (the simulator waits it before each drain). */
  readonly batchingWindowMs: number;
}

/**
 * The settings TelemetryPipeline deploys (lib/telemetry/telemetry-pipeline.ts's defaults);
 * test/telemetry/telemetry-pipeline.test.ts holds them against the synthesized mapping.
 */
export const PIPELINE_MAPPING_SETTINGS: MappingSettings = {
  batchSize: 500,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  retryAttempts: 10,
  maxRecordAgeMs: 3_600_000,
  batchingWindowMs: 5_000,
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
  /** Records the function reported in batchItemFailures. */
  batchItemFailures: number;
  getRecordsThrottled: number;
  onFailureBatches: number;
}

export interface MappingOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly streamArn: string;
  readonly handler: (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | undefined>;
  /** The on-failure destination. */
  readonly onFailure: (record: OnFailureRecord) => Promise<void>;
  /** @default PIPELINE_MAPPING_SETTINGS */
  readonly settings?: MappingSettings;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default "eu-west-1" */
  readonly region?: string;
}

export class KinesisEventSourceMapping {
  readonly stats: MappingStats = {
    invocations: 0,
    recordsDelivered: 0,
    redeliveredRecords: 0,
    batchItemFailures: 0,
    getRecordsThrottled: 0,
    onFailureBatches: 0,
  };
  readonly settings: MappingSettings;
  /** Shard id -> sequence number of the last record checkpointed. */
  private readonly checkpoints = new Map<string, string>();
  private readonly now: () => number;

  constructor(private readonly options: MappingOptions) {
    this.settings = options.settings ?? PIPELINE_MAPPING_SETTINGS;
    this.now = options.now ?? Date.now;
  }

  /** Reads every shard from its checkpoint until it is caught up; returns the records read. */
  async drain(): Promise<number> {
    const { client, streamName } = this.options;
    const shards = (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
    const counts = await Promise.all(shards.map((shard) => this.drainShard(shard.ShardId as string)));
    return counts.reduce((a, b) => a + b, 0);
  }

  private async drainShard(shardId: string): Promise<number> {
    const { client, streamName, streamArn } = this.options;
    const after = this.checkpoints.get(shardId);
    // A fresh iterator per drain: iterators expire after 5 minutes (and simulated time jumps).
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ...(after
            ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber: after }
            : { ShardIteratorType: "TRIM_HORIZON" }),
        }),
      )
    ).ShardIterator;
    let read = 0;
    while (iterator) {
      let out: GetRecordsCommandOutput;
      try {
        // The service reads ahead and invokes in batches of BatchSize; so does this (fewer reads).
        out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.max(this.settings.batchSize, 5_000) }));
      } catch (error) {
        if ((error as Error).name === "ProvisionedThroughputExceededException") {
          this.stats.getRecordsThrottled++;
          continue; // the same iterator again
        }
        throw error;
      }
      const records = out.Records ?? [];
      if (records.length === 0) break; // caught up
      read += records.length;
      const events = records.map((r) => this.toEventRecord(r, shardId, streamArn));
      for (let i = 0; i < events.length; i += this.settings.batchSize) {
        const batch = events.slice(i, i + this.settings.batchSize);
        await this.processBatch(batch, shardId);
        this.checkpoints.set(shardId, (batch[batch.length - 1] as KinesisStreamRecord).kinesis.sequenceNumber);
      }
      iterator = out.NextShardIterator;
    }
    return read;
  }

  /** Delivers one batch until it succeeds or is discarded to the on-failure destination. */
  private async processBatch(initial: KinesisStreamRecord[], shardId: string): Promise<void> {
    const settings = this.settings;
    let batch = initial;
    let retries = 0;
    let invokes = 0;
    while (batch.length > 0) {
      const oldest = (batch[0] as KinesisStreamRecord).kinesis.approximateArrivalTimestamp * 1000;
      if (this.now() - oldest > settings.maxRecordAgeMs) return this.discard(batch, shardId, "RecordAgeExceeded", invokes);
      this.stats.invocations++;
      invokes++;
      this.stats.recordsDelivered += batch.length;
      if (invokes > 1) this.stats.redeliveredRecords += batch.length;
      let response: KinesisStreamBatchResponse | undefined;
      try {
        response = await this.options.handler({ Records: batch });
      } catch {
        if (settings.bisectBatchOnError && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          await this.processBatch(batch.slice(0, half), shardId);
          await this.processBatch(batch.slice(half), shardId);
          return;
        }
        if (++retries > settings.retryAttempts) return this.discard(batch, shardId, "RetryAttemptsExhausted", invokes);
        continue;
      }
      const failures = settings.reportBatchItemFailures ? (response?.batchItemFailures ?? []) : [];
      if (failures.length === 0) return;
      this.stats.batchItemFailures += failures.length;
      const positions = failures.map((f) => batch.findIndex((r) => r.kinesis.sequenceNumber === f.itemIdentifier));
      // An empty, null or unknown identifier makes Lambda treat the whole batch as failed.
      const from = positions.some((p) => p < 0) ? 0 : Math.min(...positions);
      batch = batch.slice(from);
      if (++retries > settings.retryAttempts) return this.discard(batch, shardId, "RetryAttemptsExhausted", invokes);
    }
  }

  private async discard(
    batch: KinesisStreamRecord[],
    shardId: string,
    condition: OnFailureRecord["requestContext"]["condition"],
    invokes: number,
  ): Promise<void> {
    this.stats.onFailureBatches++;
    const first = batch[0] as KinesisStreamRecord;
    const last = batch[batch.length - 1] as KinesisStreamRecord;
    await this.options.onFailure({
      requestContext: { condition, approximateInvokeCount: invokes },
      version: "1.0",
      timestamp: new Date(this.now()).toISOString(),
      KinesisBatchInfo: {
        shardId,
        startSequenceNumber: first.kinesis.sequenceNumber,
        endSequenceNumber: last.kinesis.sequenceNumber,
        approximateArrivalOfFirstRecord: new Date(first.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
        approximateArrivalOfLastRecord: new Date(last.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
        batchSize: batch.length,
        streamArn: this.options.streamArn,
      },
    });
  }

  private toEventRecord(r: _Record, shardId: string, streamArn: string): KinesisStreamRecord {
    return {
      kinesis: {
        kinesisSchemaVersion: "1.0",
        partitionKey: r.PartitionKey ?? "",
        sequenceNumber: r.SequenceNumber ?? "",
        data: Buffer.from(r.Data ?? new Uint8Array()).toString("base64"),
        approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? this.now()) / 1000,
      },
      eventSource: "aws:kinesis",
      eventVersion: "1.0",
      eventID: `${shardId}:${r.SequenceNumber}`,
      eventName: "aws:kinesis:record",
      invokeIdentityArn: "arn:aws:iam::111111111111:role/telemetry-ingest",
      awsRegion: this.options.region ?? "eu-west-1",
      eventSourceARN: streamArn,
    };
  }
}
