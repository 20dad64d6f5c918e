/**
 * telemetry-ingest: Kinesis (BMC snapshots) -> the configured store (Timestream for InfluxDB,
 * Timestream for LiveAnalytics, or none) + fleet aggregates (EMF) + findings
 * (structured logs). Thin: wiring only; the work is in ingest.ts and the modules it calls.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { createMetrics } from "../shared/emf";
import { publishAggregates, publishRejections } from "./aggregate-metrics";
import { FleetState } from "./aggregates";
import type { StreamRecord } from "./decode";
import { type IngestDeps, ingestBatch } from "./ingest";
import { readSettings } from "./settings";
import { SqsDeadLetterWriter } from "./sqs-dead-letters";
import { createSink } from "./store-sink";

function toStreamRecords(event: KinesisStreamEvent): StreamRecord[] {
  return event.Records.map((r) => ({
    sequenceNumber: r.kinesis.sequenceNumber,
    partitionKey: r.kinesis.partitionKey,
    data: r.kinesis.data,
    // eventID is "<shardId>:<sequenceNumber>".
    shardId: r.eventID.split(":")[0] ?? "",
    approximateArrivalTimestamp: r.kinesis.approximateArrivalTimestamp,
  }));
}

export interface HandlerParts {
  readonly deps: (streamArn: string) => Omit<IngestDeps, "streamArn">;
  readonly environment: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now?: () => number;
}

export function createHandler(parts: HandlerParts) {
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const records = toStreamRecords(event);
    const streamArn = event.Records[0]?.eventSourceARN ?? "";
    const result = await ingestBatch(records, { ...parts.deps(streamArn), streamArn });
    for (const finding of result.assessment.findings) parts.logger.info(finding.event, { ...finding });
    for (const letter of result.deadLetters) {
      // Where the record is and why it was refused; the payload stays in the DLQ message.
      parts.logger.warn("fleetwatch.dead_letter", {
        event: "fleetwatch.dead_letter",
        stage: letter.stage,
        reason: letter.reason,
        shardId: letter.shardId,
        sequenceNumber: letter.sequenceNumber,
        ...(letter.bmc ? { bmc: letter.bmc, collectedAt: letter.collectedAt } : {}),
      });
    }
    const now = (parts.now ?? Date.now)();
    const aggregatesOutsideCloudWatchWindow = publishAggregates(parts.metrics, result.assessment.groups, now);
    publishRejections(parts.metrics, parts.environment, result.stats.pointsRejected, now);
    parts.logger.info("fleetwatch.ingest_batch", { event: "fleetwatch.ingest_batch", ...result.stats, aggregatesOutsideCloudWatchWindow });
    // Kinesis partial batch response, written here rather than with Powertools' BatchProcessor,
    // which runs one handler per record while the sink writes across records (docs/telemetry.md,
    // "Decisions"; https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html).
    return { batchItemFailures: result.failedSequenceNumbers.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

let production: ReturnType<typeof createHandler> | undefined;

export async function handler(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  if (!production) {
    const settings = readSettings(process.env);
    const state = new FleetState();
    const sink = await createSink(settings);
    const deadLetters = new SqsDeadLetterWriter(new SQSClient({}), settings.DEAD_LETTER_QUEUE_URL);
    const options = {
      gpuTemperature: { warnC: settings.GPU_TEMPERATURE_WARN_C, criticalC: settings.GPU_TEMPERATURE_CRITICAL_C },
      staleAfterMs: settings.STALE_AFTER_SECONDS * 1000,
      powerCapMargin: settings.POWER_CAP_MARGIN_PERCENT / 100,
    };
    production = createHandler({
      deps: () => ({ sink, deadLetters, state, options }),
      environment: settings.FLEETWATCH_ENV,
      logger: new Logger(),
      metrics: createMetrics(),
    });
  }
  return production(event);
}
