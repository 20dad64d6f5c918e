/**
 * The ingest wired to local services speaking the real wire protocols, for either telemetry
 * store: the Timestream Write server (TimestreamSink) or the InfluxDB v2 write endpoint
 * (InfluxSink, InfluxData's client); plus an SQS queue server for dead letters, the real SDK
 * clients and the real Powertools Logger and Metrics (their output captured as the JSON lines
 * CloudWatch would receive).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { GPU_TEMPERATURE_DEFAULTS_C, POWER_CAP_MARGIN_PERCENT, SNAPSHOT_STALE_AFTER_SECONDS } from "../core/constants";
import { createMetrics } from "../lambdas/shared/emf";
import { FleetState } from "../lambdas/telemetry-ingest/aggregates";
import { createHandler } from "../lambdas/telemetry-ingest/handler";
import { type InfluxRetryPolicy, InfluxSink } from "../lambdas/telemetry-ingest/influx-sink";
import type { TelemetrySink } from "../lambdas/telemetry-ingest/sink";
import { SqsDeadLetterWriter } from "../lambdas/telemetry-ingest/sqs-dead-letters";
import { type RetryPolicy, TimestreamSink, timestreamClient } from "../lambdas/telemetry-ingest/timestream-sink";
import { type InfluxWriteServer, type InfluxWriteServerOptions, startInfluxWriteServer } from "./influx-write-server";
import { LOCAL_AWS } from "./local-aws";
import { DISCARD, type PowertoolsOutput, printTo } from "./powertools-output";
import { type SqsQueueServer, startSqsQueueServer } from "./sqs-queue-server";
import { startTimestreamWriteServer, type TimestreamWriteServer } from "./timestream-write-server";

export const DATABASE = "fleetwatch_dev";
export const TABLES = { components: "components", snapshots: "snapshots" } as const;
export const INFLUX = { token: "local-write-token", org: "fleetwatch", bucket: "gpu-telemetry" } as const;

interface HarnessBase {
  readonly sqs: SqsQueueServer;
  readonly handler: ReturnType<typeof createHandler>;
  /** Every JSON line the Logger and Metrics printed (empty with keepLines: false). */
  readonly lines: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface TimestreamHarness extends HarnessBase {
  readonly store: "timestream";
  readonly timestream: TimestreamWriteServer;
  readonly sink: TimestreamSink;
}

export interface InfluxHarness extends HarnessBase {
  readonly store: "influx";
  readonly influx: InfluxWriteServer;
  readonly sink: InfluxSink;
  /** Every delay the sink asked to sleep (ms): Retry-After or backoff. */
  readonly sleeps: number[];
}

export type Harness = TimestreamHarness | InfluxHarness;

interface CommonOptions {
  /** false: skip formatting the log lines nobody reads (the chaos run). @default true */
  readonly keepLines?: boolean;
  /** The ingest's clock. @default Date.now */
  readonly now?: () => number;
}

export interface TimestreamHarnessOptions extends CommonOptions {
  readonly store?: "timestream";
  /** @default 4 attempts, no sleeping */
  readonly retry?: RetryPolicy;
  /** @default 8 */
  readonly writeConcurrency?: number;
}

export interface InfluxHarnessOptions extends CommonOptions {
  readonly store: "influx";
  readonly server?: Partial<InfluxWriteServerOptions>;
  /** Merged over 4 attempts, no sleeping (the delays asked for are recorded in `sleeps`). */
  readonly retry?: Partial<InfluxRetryPolicy>;
}

function capture(lines: Array<Record<string, unknown>>): PowertoolsOutput {
  const push = (text: unknown) => lines.push(JSON.parse(String(text)) as Record<string, unknown>);
  return { log: push, info: push, warn: push, error: push, debug: push, trace: push };
}

export function startHarness(options?: TimestreamHarnessOptions): Promise<TimestreamHarness>;
export function startHarness(options: InfluxHarnessOptions): Promise<InfluxHarness>;
export async function startHarness(options: TimestreamHarnessOptions | InfluxHarnessOptions = {}): Promise<Harness> {
  const sqs = await startSqsQueueServer();
  const sqsClient = new SQSClient({
    endpoint: sqs.endpoint,
    ...LOCAL_AWS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  const store = options.store === "influx" ? await influxParts(options) : await startTimestreamStore(options);

  const lines: Array<Record<string, unknown>> = [];
  const keep = options.keepLines !== false;
  const logger = new Logger({ serviceName: "telemetry-ingest", ...(keep ? {} : { logLevel: "SILENT" as const }) });
  const metrics = createMetrics();
  const out = keep ? capture(lines) : DISCARD;
  printTo(logger, out);
  printTo(metrics, out);
  const deadLetters = new SqsDeadLetterWriter(sqsClient, sqs.queueUrl);
  const state = new FleetState();
  const sink: TelemetrySink = store.parts.sink;
  const handler = createHandler({
    deps: () => ({
      sink,
      deadLetters,
      state,
      // The construct's defaults (core/constants), as the deployed function reads them.
      options: {
        gpuTemperature: { warnC: GPU_TEMPERATURE_DEFAULTS_C.warn, criticalC: GPU_TEMPERATURE_DEFAULTS_C.critical },
        staleAfterMs: SNAPSHOT_STALE_AFTER_SECONDS * 1000,
        powerCapMargin: POWER_CAP_MARGIN_PERCENT / 100,
      },
    }),
    environment: "dev",
    logger,
    metrics,
    ...(options.now ? { now: options.now } : {}),
  });
  const close = async () => {
    sqsClient.destroy();
    await store.close();
    await sqs.close();
  };
  return { ...store.parts, sqs, handler, lines, close } as Harness;
}

async function influxParts(options: InfluxHarnessOptions) {
  const { close, ...rest } = await startInfluxStore(options);
  return { parts: { store: "influx" as const, ...rest }, close };
}

async function startTimestreamStore(options: TimestreamHarnessOptions) {
  const timestream = await startTimestreamWriteServer();
  for (const table of Object.values(TABLES))
    timestream.createTable(DATABASE, table, { memoryStoreHours: 24, magneticStoreDays: 365, magneticStoreWrites: true });
  const client = timestreamClient({ endpoint: timestream.endpoint, ...LOCAL_AWS });
  const sink = new TimestreamSink({
    client,
    database: DATABASE,
    tables: TABLES,
    concurrency: options.writeConcurrency ?? 8,
    // No sleeping in tests: the retry count is what matters, not the wall-clock backoff.
    retry: options.retry ?? { maxAttempts: 4, delayMs: () => 0 },
  });
  return {
    parts: { store: "timestream" as const, timestream, sink },
    async close() {
      client.destroy();
      await timestream.close();
    },
  };
}

export interface InfluxStore {
  readonly influx: InfluxWriteServer;
  readonly sink: InfluxSink;
  /** Every delay the sink asked to sleep (ms): Retry-After or backoff. */
  readonly sleeps: number[];
  close(): Promise<void>;
}

/** The local InfluxDB v2 write endpoint and an InfluxSink pointed at it that records its sleeps. */
export async function startInfluxStore(
  options: { readonly server?: Partial<InfluxWriteServerOptions>; readonly retry?: Partial<InfluxRetryPolicy> } = {},
): Promise<InfluxStore> {
  const influx = await startInfluxWriteServer({ ...INFLUX, ...options.server });
  const sleeps: number[] = [];
  const sink = new InfluxSink({
    url: influx.url,
    ...INFLUX,
    retry: {
      maxAttempts: 4,
      delayMs: () => 0,
      maxRetryAfterMs: 15_000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options.retry,
    },
  });
  return { influx, sink, sleeps, close: () => influx.close() };
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
