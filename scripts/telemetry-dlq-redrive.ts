/**
 * Re-drive the telemetry dead-letter queue into the Kinesis stream, once the cause is fixed.
 *
 *   npx tsx scripts/telemetry-dlq-redrive.ts --queue-url <url> [--stream <name>] \
 *       [--only decode|sink-rejected|on-failure] [--max-messages N] [--dry-run]
 *
 * Two kinds of message sit in the DLQ (lambdas/telemetry-ingest/dead-letters.ts):
 * - FleetWatch dead letters (poison records, sink rejections) carry the original record: it is
 *   put back with its partition key (or, if it was too large to embed, read from the stream);
 * - Lambda's on-failure records carry only a shard and sequence range: the records are read
 *   back from the stream (possible while they are inside the stream's retention, 24 h).
 * A message is deleted only after all its records are back in the stream. Replays are safe:
 * the ingest writes a snapshot with a Version derived from it, so a re-driven snapshot that was
 * already stored is an idempotent upsert.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { putSnapshots } from "../lambdas/redfish-poller/kinesis-sink";
import { planRedrive, type RedrivePlan } from "../lambdas/telemetry-ingest/dead-letters";

export interface RedriveOptions {
  readonly sqs: SQSClient;
  readonly kinesis: KinesisClient;
  readonly queueUrl: string;
  /** Target stream; default: the stream named in each message. */
  readonly streamName?: string;
  /** Only re-drive this kind of message (poison records usually stay until the ingest is fixed). */
  readonly only?: "decode" | "sink-rejected" | "on-failure";
  readonly maxMessages?: number;
  readonly dryRun?: boolean;
  readonly log?: (line: string) => void;
}

export interface RedriveReport {
  messages: number;
  redriven: number;
  recordsPut: number;
  skipped: number;
  unknown: number;
  failed: number;
}

const streamNameOf = (arn: string) => arn.split(":stream/")[1] ?? arn;

async function readRange(kinesis: KinesisClient, streamName: string, shardId: string, start: string, end: string) {
  const out: Array<{ partitionKey: string; data: Uint8Array }> = [];
  let iterator = (
    await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: "AT_SEQUENCE_NUMBER",
        StartingSequenceNumber: start,
      }),
    )
  ).ShardIterator;
  const last = BigInt(end);
  while (iterator) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    for (const r of page.Records ?? []) {
      if (BigInt(r.SequenceNumber ?? "0") > last) return out;
      out.push({ partitionKey: r.PartitionKey ?? "", data: r.Data ?? new Uint8Array() });
    }
    if (!page.Records?.length) break;
    iterator = page.NextShardIterator;
  }
  return out;
}

function stageOf(plan: RedrivePlan): string {
  return plan.kind === "records" ? plan.stage : plan.kind === "range" ? plan.source : "unknown";
}

export async function redrive(options: RedriveOptions): Promise<RedriveReport> {
  const log = options.log ?? (() => {});
  const report: RedriveReport = { messages: 0, redriven: 0, recordsPut: 0, skipped: 0, unknown: 0, failed: 0 };
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  while (report.messages < limit) {
    const page = await options.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: options.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300, WaitTimeSeconds: 1 }),
    );
    const messages = (page.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ""));
    if (messages.length === 0) break;
    const done: Array<{ Id: string; ReceiptHandle: string }> = [];
    for (const m of messages) {
      seen.add(m.MessageId ?? "");
      report.messages++;
      const plan = planRedrive(m.Body ?? "");
      if (plan.kind === "unknown") {
        report.unknown++;
        log(`leave ${m.MessageId}: ${plan.reason}`);
        continue;
      }
      if (options.only && stageOf(plan) !== options.only) {
        report.skipped++;
        continue;
      }
      try {
        const streamName = options.streamName ?? streamNameOf(plan.streamArn);
        const records =
          plan.kind === "records"
            ? plan.records.map((r) => ({ partitionKey: r.partitionKey, data: Buffer.from(r.data, "base64") }))
            : await readRange(options.kinesis, streamName, plan.shardId, plan.startSequenceNumber, plan.endSequenceNumber);
        if (options.dryRun) {
          log(`would put ${records.length} record(s) from ${m.MessageId} (${stageOf(plan)}) into ${streamName}`);
          continue;
        }
        const put = await putSnapshots(options.kinesis, streamName, records);
        if (put.failed.length > 0) throw new Error(`${put.failed.length} record(s) not accepted by Kinesis: ${put.failed[0]?.error}`);
        report.recordsPut += put.written;
        report.redriven++;
        done.push({ Id: String(done.length), ReceiptHandle: m.ReceiptHandle ?? "" });
      } catch (error) {
        report.failed++;
        log(`keep ${m.MessageId}: ${(error as Error).message}`);
      }
    }
    if (done.length > 0) await options.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: done }));
  }
  return report;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "queue-url": { type: "string" },
      stream: { type: "string" },
      only: { type: "string" },
      "max-messages": { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  const queueUrl = values["queue-url"];
  if (!queueUrl) throw new Error("--queue-url is required (the TelemetryPipeline DeadLetterQueue URL)");
  const only = values.only;
  if (only !== undefined && !["decode", "sink-rejected", "on-failure"].includes(only))
    throw new Error("--only must be decode, sink-rejected or on-failure");
  const report = await redrive({
    sqs: new SQSClient({}),
    kinesis: new KinesisClient({}),
    queueUrl,
    ...(values.stream ? { streamName: values.stream } : {}),
    ...(only ? { only: only as RedriveOptions["only"] } : {}),
    ...(values["max-messages"] ? { maxMessages: Number(values["max-messages"]) } : {}),
    dryRun: values["dry-run"] ?? false,
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(report));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
