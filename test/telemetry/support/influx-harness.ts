/**
 * The ingest wired to the local InfluxDB v2 write endpoint through InfluxSink (InfluxData's
 * client), with the same SQS dead-letter server, Powertools Logger and Metrics as harness.ts.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { type InfluxWriteServer, type InfluxWriteServerOptions, startInfluxWriteServer } from "../../../dev-support/influx-write-server";
import { type SqsQueueServer, startSqsQueueServer } from "../../../dev-support/sqs-queue-server";
import { createMetrics } from "../../../lambdas/shared/emf";
import { FleetState } from "../../../lambdas/telemetry-ingest/aggregates";
import { createHandler } from "../../../lambdas/telemetry-ingest/handler";
import { type InfluxRetryPolicy, InfluxSink } from "../../../lambdas/telemetry-ingest/influx-sink";
import { SqsDeadLetterWriter } from "../../../lambdas/telemetry-ingest/sqs-dead-letters";

export const INFLUX = { token: "local-write-token", org: "fleetwatch", bucket: "gpu-telemetry" } as const;

export interface InfluxHarness {
  readonly influx: InfluxWriteServer;
  readonly sqs: SqsQueueServer;
  readonly sink: InfluxSink;
  readonly handler: ReturnType<typeof createHandler>;
  /** Every delay the sink asked to sleep (ms): Retry-After or backoff. */
  readonly sleeps: number[];
  close(): Promise<void>;
}

const silent = { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} };

export async function startInfluxHarness(
  options: { server?: Partial<InfluxWriteServerOptions>; retry?: Partial<InfluxRetryPolicy>; now?: () => number } = {},
): Promise<InfluxHarness> {
  const influx = await startInfluxWriteServer({ ...INFLUX, ...options.server });
  const sqs = await startSqsQueueServer();
  const sqsClient = new SQSClient({
    endpoint: sqs.endpoint,
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  const sleeps: number[] = [];
  const sink = new InfluxSink({
    url: influx.url,
    ...INFLUX,
    // Tests do not sleep: the delays asked for are recorded instead.
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
  const logger = new Logger({ serviceName: "telemetry-ingest", logLevel: "SILENT" });
  const metrics = createMetrics();
  (logger as unknown as { console: unknown }).console = silent;
  (metrics as unknown as { console: unknown }).console = silent;
  const state = new FleetState();
  const handler = createHandler({
    deps: () => ({
      sink,
      deadLetters: new SqsDeadLetterWriter(sqsClient, sqs.queueUrl),
      state,
      options: { gpuTemperature: { warnC: 78, criticalC: 83 }, staleAfterMs: 300_000, powerCapMargin: 0.05 },
    }),
    environment: "dev",
    logger,
    metrics,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    influx,
    sqs,
    sink,
    handler,
    sleeps,
    async close() {
      sqsClient.destroy();
      await influx.close();
      await sqs.close();
    },
  };
}
