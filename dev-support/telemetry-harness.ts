/**
 * The ingest wired to local services speaking the real wire protocols: the Timestream Write
 * server, an SQS queue server, the real SDK clients, the real Powertools Logger and Metrics
 * (their output captured as the JSON lines CloudWatch would receive).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { createMetrics } from "../lambdas/shared/emf";
import { FleetState } from "../lambdas/telemetry-ingest/aggregates";
import { createHandler } from "../lambdas/telemetry-ingest/handler";
import { SqsDeadLetterWriter } from "../lambdas/telemetry-ingest/sqs-dead-letters";
import { type RetryPolicy, TimestreamSink, timestreamClient } from "../lambdas/telemetry-ingest/timestream-sink";
import { type SqsQueueServer, startSqsQueueServer } from "./sqs-queue-server";
import { startTimestreamWriteServer, type TimestreamWriteServer } from "./timestream-write-server";

export const DATABASE = "fleetwatch_dev";
export const TABLES = { components: "components", snapshots: "snapshots" } as const;
const credentials = { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" };

export interface Harness {
  readonly timestream: TimestreamWriteServer;
  readonly sqs: SqsQueueServer;
  readonly sink: TimestreamSink;
  readonly handler: ReturnType<typeof createHandler>;
  /** Every JSON line the Logger and Metrics printed. */
  readonly lines: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

function capture(lines: Array<Record<string, unknown>>) {
  const push = (text: unknown) => lines.push(JSON.parse(String(text)) as Record<string, unknown>);
  return { log: push, info: push, warn: push, error: push, debug: push, trace: push };
}

export async function startHarness(
  options: { retry?: RetryPolicy; keepLines?: boolean; writeConcurrency?: number; now?: () => number } = {},
): Promise<Harness> {
  const timestream = await startTimestreamWriteServer();
  for (const table of Object.values(TABLES))
    timestream.createTable(DATABASE, table, { memoryStoreHours: 24, magneticStoreDays: 365, magneticStoreWrites: true });
  const sqs = await startSqsQueueServer();
  const sqsClient = new SQSClient({
    endpoint: sqs.endpoint,
    region: "eu-west-1",
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  const client = timestreamClient({ endpoint: timestream.endpoint, region: "eu-west-1", credentials });
  const sink = new TimestreamSink({
    client,
    database: DATABASE,
    tables: TABLES,
    concurrency: options.writeConcurrency ?? 8,
    // No sleeping in tests: the retry count is what matters, not the wall-clock backoff.
    retry: options.retry ?? { maxAttempts: 4, delayMs: () => 0 },
  });
  const deadLetters = new SqsDeadLetterWriter(sqsClient, sqs.queueUrl);
  const lines: Array<Record<string, unknown>> = [];
  // keepLines false (the chaos run): skip formatting ~10^5 log lines nobody reads.
  const logger = new Logger({ serviceName: "telemetry-ingest", ...(options.keepLines === false ? { logLevel: "SILENT" as const } : {}) });
  const metrics = createMetrics();
  const sinkOut = options.keepLines === false ? { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} } : capture(lines);
  (logger as unknown as { console: unknown }).console = sinkOut;
  (metrics as unknown as { console: unknown }).console = sinkOut;
  const state = new FleetState();
  const handler = createHandler({
    deps: () => ({
      sink,
      deadLetters,
      state,
      options: { gpuTemperature: { warnC: 78, criticalC: 83 }, staleAfterMs: 300_000, powerCapMargin: 0.05 },
    }),
    environment: "dev",
    logger,
    metrics,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    timestream,
    sqs,
    sink,
    handler,
    lines,
    async close() {
      client.destroy();
      sqsClient.destroy();
      await timestream.close();
      await sqs.close();
    },
  };
}

/** EMF blobs among the captured lines. */
export function emfBlobs(lines: ReadonlyArray<Record<string, unknown>>) {
  return lines.filter((l) => typeof l._aws === "object") as Array<{
    _aws: {
      Timestamp: number;
      CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }>;
    };
    [k: string]: unknown;
  }>;
}

/** Distinct CloudWatch metrics (namespace, name, dimension names and values) in EMF blobs. */
export function distinctMetrics(lines: ReadonlyArray<Record<string, unknown>>): Set<string> {
  const out = new Set<string>();
  for (const blob of emfBlobs(lines)) {
    for (const d of blob._aws.CloudWatchMetrics) {
      for (const dims of d.Dimensions) {
        const dimText = dims.map((k) => `${k}=${String(blob[k])}`).join(",");
        for (const m of d.Metrics) out.add(`${d.Namespace}/${m.Name}{${dimText}}`);
      }
    }
  }
  return out;
}
