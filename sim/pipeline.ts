/**
 * Wires the real components together on loopback, the way the stack wires them in AWS:
 * redfish-poller `runShard` (undici over HTTPS to the fake BMCs) -> kinesalite -> an event
 * source mapping stand-in (batching window, partial batch failures) -> telemetry-ingest
 * `createHandler` (Timestream Write server, EMF captured from its stdout) and the
 * azure-openai-poller runtime (real Azure SDK clients against the HTTPS Azure fake, dynalite
 * for the watermark, PutMetricData to the local CloudWatch server).
 */

import { Console } from "node:console";
import { Writable } from "node:stream";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { Agent } from "undici";
import { gpuTemperatureThresholds } from "../core/catalog/gpu-temperature-thresholds";
import type { EnvironmentConfig } from "../core/config/schema";
import { type PollerSettings, PollerSettingsSchema } from "../core/contracts/azure-openai-poller-settings";
import { buildInventory, type Inventory } from "../core/contracts/redfish-inventory";
import { AzureFakeServer } from "../dev-support/azure-fake-server";
import { KinesisEventSourceMapping } from "../dev-support/event-source-mapping";
import { type Kinesalite, startKinesalite } from "../dev-support/kinesalite";
import { LOCAL_AWS } from "../dev-support/local-aws";
import { printTo } from "../dev-support/powertools-output";
import { startTimestreamWriteServer, type TimestreamWriteServer } from "../dev-support/timestream-write-server";
import { testCertificate } from "../dev-support/tls";
import { startWatermarkTable, type WatermarkTable } from "../dev-support/watermark-table";
import { createPoller, type Poller } from "../lambdas/azure-openai-poller/runtime";
import { emfMetricSink } from "../lambdas/redfish-poller/emf-metric-sink";
import type { BmcMemory } from "../lambdas/redfish-poller/poll-bmc";
import { createBmcAgent } from "../lambdas/redfish-poller/redfish-client";
import { type MetricSink, runShard, type ShardResult } from "../lambdas/redfish-poller/run-shard";
import { createMetrics } from "../lambdas/shared/emf";
import { FleetState } from "../lambdas/telemetry-ingest/aggregates";
import type { DeadLetter, DeadLetterWriter } from "../lambdas/telemetry-ingest/dead-letters";
import { createHandler } from "../lambdas/telemetry-ingest/handler";
import { readSettings } from "../lambdas/telemetry-ingest/settings";
import { TimestreamSink, timestreamClient } from "../lambdas/telemetry-ingest/timestream-sink";
import { pollerSettings } from "../lib/azure-openai/poller-settings";
import { type AwsServer, startAwsServer } from "./aws-server";
import { BMC_PASSWORD, BMC_USERNAME, type Fleet } from "./fleet";
import type { MetricStore } from "./metric-store";

const AWS = LOCAL_AWS;
const STREAM = "fleetwatch-sim-snapshots";
const DATABASE = "fleetwatch_sim";
const TABLES = { components: "components", snapshots: "snapshots" };

/** A Console whose stdout is the metric store: what CloudWatch Logs would extract from EMF lines. */
function emfConsole(store: MetricStore): Console {
  let pending = "";
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      pending += chunk.toString("utf8");
      let nl = pending.indexOf("\n");
      while (nl >= 0) {
        store.addEmfLine(pending.slice(0, nl), Date.now());
        pending = pending.slice(nl + 1);
        nl = pending.indexOf("\n");
      }
      done();
    },
  });
  return new Console({ stdout, stderr: process.stderr });
}

function captureEmf(metrics: Metrics, store: MetricStore): Metrics {
  return printTo(metrics, emfConsole(store));
}

export interface PipelineCounters {
  sweeps: number;
  snapshots: number;
  undelivered: number;
  ingestInvocations: number;
  ingestRecords: number;
  batchItemFailures: number;
  deadLetters: number;
  azurePolls: number;
  azureErrors: number;
  pollerWarnings: number;
}

export interface SweepOutcome {
  readonly result?: ShardResult;
  readonly error?: string;
}

export class Pipeline {
  readonly counters: PipelineCounters = {
    sweeps: 0,
    snapshots: 0,
    undelivered: 0,
    ingestInvocations: 0,
    ingestRecords: 0,
    batchItemFailures: 0,
    deadLetters: 0,
    azurePolls: 0,
    azureErrors: 0,
    pollerWarnings: 0,
  };
  private readonly memory = new Map<string, BmcMemory>();
  private readonly agents = new Map<number, Agent>();
  private mapping!: KinesisEventSourceMapping;
  private kinesis!: KinesisClient;
  private kinesalite!: Kinesalite;
  private timestream!: TimestreamWriteServer;
  private aws!: AwsServer;
  private watermark?: WatermarkTable;
  readonly azure: AzureFakeServer;
  private poller?: Poller;
  readonly inventory: Inventory;

  constructor(
    readonly config: EnvironmentConfig,
    fleet: Fleet,
    private readonly store: MetricStore,
    readonly workspaceId: string,
  ) {
    const ca = testCertificate().ca;
    this.inventory = buildInventory({
      environment: config.name,
      shardSize: config.redfish.shardSize,
      requestTimeoutMs: config.redfish.requestTimeoutMs,
      concurrency: config.redfish.concurrency,
      intervalSeconds: config.redfish.intervalSeconds,
      gpuTemperatureCriticalC: gpuTemperatureThresholds(config).criticalC,
      clusters: fleet.clusters().map((c) => ({
        name: c.name,
        bmcs: c.bmcs,
        credentialsSecretName: `fleetwatch/${config.name}/bmc/${c.name}`,
        auth: "session" as const,
        insecureSkipTlsVerify: false,
        caBundle: ca,
      })),
    });
    const azure = config.azure;
    if (!azure) throw new Error("the simulation needs an azure section in its environment config");
    this.azure = new AzureFakeServer({
      tenantId: azure.tenantId,
      clientId: "11111111-2222-4333-8444-555555555555",
      clientSecret: "sim~client-secret",
    });
  }

  async start(): Promise<void> {
    this.kinesalite = await startKinesalite();
    const streamArn = await this.kinesalite.createStream(STREAM, 2);
    this.kinesis = this.kinesalite.client();
    this.timestream = await startTimestreamWriteServer();
    this.timestream.createTable(DATABASE, TABLES.components, { memoryStoreHours: 12, magneticStoreDays: 90, magneticStoreWrites: true });
    this.timestream.createTable(DATABASE, TABLES.snapshots, { memoryStoreHours: 12, magneticStoreDays: 90, magneticStoreWrites: true });
    const settings = readSettings({
      FLEETWATCH_ENV: this.config.name,
      TIMESTREAM_DATABASE: DATABASE,
      TIMESTREAM_TABLE_COMPONENTS: TABLES.components,
      TIMESTREAM_TABLE_SNAPSHOTS: TABLES.snapshots,
      DEAD_LETTER_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/111111111111/fleetwatch-sim-dlq",
      GPU_TEMPERATURE_WARN_C: String(gpuTemperatureThresholds(this.config).warnC),
      GPU_TEMPERATURE_CRITICAL_C: String(gpuTemperatureThresholds(this.config).criticalC),
      TIMESTREAM_ENDPOINT: this.timestream.endpoint,
    });
    const sink = new TimestreamSink({
      client: timestreamClient({ endpoint: this.timestream.endpoint, ...AWS }),
      database: DATABASE,
      tables: TABLES,
      concurrency: settings.TIMESTREAM_WRITE_CONCURRENCY,
    });
    const counters = this.counters;
    // No SQS emulator here: dead letters are counted (and reported) instead of queued.
    const deadLetters: DeadLetterWriter = {
      async send(letters: readonly DeadLetter[]) {
        counters.deadLetters += letters.length;
        return { failed: [] };
      },
    };
    const state = new FleetState();
    const options = {
      gpuTemperature: { warnC: settings.GPU_TEMPERATURE_WARN_C, criticalC: settings.GPU_TEMPERATURE_CRITICAL_C },
      staleAfterMs: settings.STALE_AFTER_SECONDS * 1000,
      powerCapMargin: settings.POWER_CAP_MARGIN_PERCENT / 100,
    };
    this.staleAfterMs = options.staleAfterMs;
    const ingest = createHandler({
      deps: () => ({ sink, deadLetters, state, options }),
      environment: settings.FLEETWATCH_ENV,
      logger: new Logger({ logLevel: "ERROR", serviceName: "telemetry-ingest" }),
      metrics: captureEmf(createMetrics(), this.store),
    });
    // The deployed mapping's settings; its on-failure destination is the same DLQ, counted here.
    this.mapping = new KinesisEventSourceMapping({
      client: this.kinesis,
      streamName: STREAM,
      streamArn,
      handler: ingest,
      region: AWS.region,
      onFailure: async (record) => {
        counters.deadLetters += record.KinesisBatchInfo.batchSize;
      },
    });
    await this.startAzure();
  }

  /** The ingest's staleness limit (STALE_AFTER_SECONDS, the construct default). */
  staleAfterMs = 300_000;

  private async startAzure(): Promise<void> {
    const azure = this.config.azure!;
    await this.azure.start();
    this.aws = await startAwsServer(this.store);
    this.aws.secrets.set(azure.credentialsSecretName, JSON.stringify(this.azure.principal));
    this.watermark = await startWatermarkTable("fleetwatch-sim-watermark");
    const { table, config: dynamoConfig } = this.watermark;
    // The same settings lib/azure-openai bakes into the function at synth time.
    const settings: PollerSettings = PollerSettingsSchema.parse(
      pollerSettings(this.config.name, azure, { endpoints: this.azure.endpoints(), watermarkTable: table }),
    );
    this.azureSettings = settings;
    const counters = this.counters;
    this.poller = createPoller(settings, {
      log: {
        info: () => {},
        warn: () => {},
        error: () => {
          counters.azureErrors++;
        },
      },
      secretsManager: { endpoint: this.aws.endpoint, ...AWS },
      dynamoDb: dynamoConfig,
      cloudWatch: { endpoint: this.aws.endpoint, ...AWS },
      azureCa: testCertificate().ca,
    });
  }

  azureSettings?: PollerSettings;

  private metricSink(): MetricSink {
    // The poller's own EMF sink, printing where the simulator's CloudWatch Logs reads.
    return emfMetricSink(this.inventory.environment, () => captureEmf(createMetrics(), this.store));
  }

  /** One scheduled poller invocation per shard. */
  async sweep(): Promise<SweepOutcome[]> {
    const out: SweepOutcome[] = [];
    const counters = this.counters;
    // undici keeps idle connections 30 s, less than the 60 s between sweeps, so in AWS every sweep
    // opens fresh connections; simulated time skips the idle gap, so recycle the pool to match.
    const stale = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(stale.map((a) => a.close()));
    for (let shard = 0; shard < this.inventory.shards.length; shard++) {
      counters.sweeps++;
      try {
        const result = await runShard(
          { shard },
          {
            inventory: this.inventory,
            kinesis: this.kinesis,
            streamName: STREAM,
            credentials: async () => ({ username: BMC_USERNAME, password: BMC_PASSWORD }),
            dispatcherFor: (index) => {
              let agent = this.agents.get(index);
              if (!agent) {
                const cluster = this.inventory.clusters[index]!;
                agent = createBmcAgent({ ca: cluster.caBundle, insecureSkipTlsVerify: cluster.insecureSkipTlsVerify });
                this.agents.set(index, agent);
              }
              return agent;
            },
            memory: this.memory,
            metrics: this.metricSink(),
            log: {
              info: () => {},
              warn: () => {
                counters.pollerWarnings++;
              },
              error: () => {},
            },
            // The handler's budget for a 60 s schedule and a 55 s Lambda timeout.
            budgetMs: Math.min(55_000 - 10_000, this.inventory.intervalSeconds * 1000 - 8_000),
          },
        );
        counters.snapshots += result.polled;
        out.push({ result });
      } catch (err) {
        counters.undelivered++;
        out.push({ error: (err as Error).message });
      }
    }
    return out;
  }

  /** The event source mapping: read every shard from its checkpoint, invoke the ingest, honour partial failures. */
  async drainStream(): Promise<number> {
    const before = this.mapping.stats.batchItemFailures;
    const read = await this.mapping.drain();
    this.counters.ingestInvocations = this.mapping.stats.invocations;
    this.counters.ingestRecords = this.mapping.stats.recordsDelivered;
    this.counters.batchItemFailures += this.mapping.stats.batchItemFailures - before;
    return read;
  }

  async pollAzure(): Promise<void> {
    if (!this.poller) return;
    this.counters.azurePolls++;
    try {
      const summary = await this.poller.poll(Date.now());
      this.counters.azureErrors += summary.errors.length;
    } catch {
      this.counters.azureErrors++;
    }
  }

  async stop(): Promise<void> {
    for (const a of this.agents.values()) await a.close();
    this.kinesis?.destroy();
    await this.kinesalite?.close();
    await this.timestream?.close();
    await this.azure.stop();
    await this.aws?.close();
    await this.watermark?.close();
  }
}
