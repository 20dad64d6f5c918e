/**
 * Every delay the simulation draws, in one place: the distribution of each stage between a
 * condition on a BMC or an Azure deployment and the page reaching its destination, with the
 * source or the reasoning for each value. Values marked "assumption" are not published by the
 * provider; they are chosen to be pessimistic rather than optimistic, and changing one here
 * changes every run (docs/simulation.md explains how to test a different assumption).
 */
import type { Rng } from "../dev-support/random";

export type Distribution =
  /** Log-normal from its median and 95th percentile, capped at `maxS`. */
  | { readonly kind: "lognormal"; readonly medianS: number; readonly p95S: number; readonly maxS: number }
  | { readonly kind: "uniform"; readonly minS: number; readonly maxS: number }
  | { readonly kind: "triangular"; readonly minS: number; readonly modeS: number; readonly maxS: number }
  | { readonly kind: "fixed"; readonly s: number };

export interface Stage {
  readonly dist: Distribution;
  readonly source: string;
}

export interface Probability {
  readonly p: number;
  readonly source: string;
}

const Z95 = 1.6448536;

/** Seconds drawn from a distribution. */
export function draw(rng: Rng, dist: Distribution): number {
  switch (dist.kind) {
    case "fixed":
      return dist.s;
    case "uniform":
      return rng.between(dist.minS, dist.maxS);
    case "triangular": {
      const { minS: a, modeS: c, maxS: b } = dist;
      const u = rng.uniform();
      const f = (c - a) / (b - a);
      return u < f ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
    }
    case "lognormal": {
      const sigma = Math.log(dist.p95S / dist.medianS) / Z95;
      return Math.min(dist.maxS, dist.medianS * Math.exp(sigma * rng.normal()));
    }
  }
}

export const drawMs = (rng: Rng, stage: Stage) => Math.round(draw(rng, stage.dist) * 1000);

export const DELAYS = {
  // ------------------------------------------------------------------ Redfish -> CloudWatch
  schedulePhase: {
    dist: { kind: "uniform", minS: 0, maxS: 60 },
    source:
      "EventBridge Scheduler rate(1 minute) fires at a second fixed by when the schedule was created, not at :00; one draw per schedule per seed.",
  },
  schedulerDelivery: {
    dist: { kind: "lognormal", medianS: 1, p95S: 5, maxS: 60 },
    source:
      "assumption: Scheduler invokes the target at the scheduled time with FlexibleTimeWindow OFF (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-flexible-time-windows.html); delivery latency is not published.",
  },
  lambdaColdStart: {
    dist: { kind: "lognormal", medianS: 1, p95S: 3, maxS: 10 },
    source:
      "assumption: Node.js arm64 init with the SDK bundle; VPC functions use shared Hyperplane ENIs, so VPC adds no per-invocation ENI set-up (https://aws.amazon.com/blogs/compute/announcing-improved-vpc-networking-for-aws-lambda-functions/).",
  },
  pollerSweep: {
    dist: { kind: "triangular", minS: 20, modeS: 28, maxS: 45 },
    source:
      "sweep of a 500-BMC shard in the field: 20-45 s (issue 16, real BMCs answering in seconds). The benchmark's fake BMCs answer faster (bench/results/poller.json: 12.2 s per 1,000 at concurrency 128, which the cost model uses), so the field figure is the pessimistic choice here. One draw per sweep; each BMC is read at its fixed place in the sweep.",
  },
  kinesisToEsm: {
    dist: { kind: "uniform", minS: 0, maxS: 1 },
    source:
      "the event source mapping polls each shard about once per second (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html); records are readable well within that.",
  },
  esmBatchingWindow: {
    dist: { kind: "fixed", s: 5 },
    source:
      "MaximumBatchingWindowInSeconds = 5 in TelemetryPipeline; a minute's batch is far below the batch size, so the whole window is waited.",
  },
  ingestRun: {
    dist: { kind: "lognormal", medianS: 0.8, p95S: 3, maxS: 30 },
    source: "assumption: decode + assess + a few Timestream WriteRecords calls of 100 records each (tens of ms each) at concurrency 4.",
  },
  emfToMetric: {
    dist: { kind: "lognormal", medianS: 20, p95S: 75, maxS: 240 },
    source:
      "assumption (pessimistic): Lambda stdout reaches CloudWatch Logs asynchronously and EMF metrics are extracted there (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format.html); AWS publishes no latency, users report seconds to a couple of minutes.",
  },
  putMetricDataVisible: {
    dist: { kind: "lognormal", medianS: 5, p95S: 30, maxS: 120 },
    source: "assumption: PutMetricData is synchronous, datapoints are queryable within seconds; the tail covers regional delays.",
  },
  awsServiceMetric: {
    dist: { kind: "lognormal", medianS: 60, p95S: 150, maxS: 300 },
    source:
      "AWS/Lambda and AWS/SQS metrics are sent at one-minute intervals (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics.html, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html); availability after the minute is an assumption.",
  },
  alarmEvaluationOffset: {
    dist: { kind: "uniform", minS: 5, maxS: 55 },
    source:
      "assumption: CloudWatch evaluates a 1-minute alarm once a minute at a second of its own (alarm history timestamps spread over the minute), over the periods complete by then; one draw per alarm per seed.",
  },
  // ------------------------------------------------------------------ CloudWatch -> destination
  snsPublish: {
    dist: { kind: "lognormal", medianS: 0.3, p95S: 1.5, maxS: 20 },
    source: "assumption: alarm action to SNS publish and fan-out to subscriptions.",
  },
  p1Enricher: {
    dist: { kind: "lognormal", medianS: 1.2, p95S: 4, maxS: 30 },
    source: "assumption: the p1-enricher Lambda reads recent snapshots from Kinesis and republishes (cold starts drawn separately).",
  },
  pagerDuty: {
    dist: { kind: "lognormal", medianS: 2, p95S: 10, maxS: 120 },
    source:
      "assumption: SNS HTTPS delivery to PagerDuty's CloudWatch integration, incident creation and the on-call notification dispatch.",
  },
  chatbot: {
    dist: { kind: "lognormal", medianS: 3, p95S: 12, maxS: 120 },
    source: "assumption: SNS to AWS Chatbot to the Slack/Teams channel.",
  },
  email: {
    dist: { kind: "lognormal", medianS: 20, p95S: 120, maxS: 900 },
    source: "assumption: SNS email delivery through mail relays.",
  },
  // ------------------------------------------------------------------ Azure
  azureMetricsIngestion: {
    dist: { kind: "lognormal", medianS: 90, p95S: 200, maxS: 900 },
    source:
      "assumption from Azure Monitor's description of platform metrics as near real time with a few minutes' latency (https://learn.microsoft.com/azure/azure-monitor/essentials/data-platform-metrics); a few per cent of minutes (2-8 %, depending on where in the minute the poller runs) arrive after the poller's 3-minute settle time.",
  },
  azureLogsIngestion: {
    dist: { kind: "lognormal", medianS: 90, p95S: 300, maxS: 1800 },
    source:
      "Log data ingestion time in Azure Monitor (https://learn.microsoft.com/azure/azure-monitor/logs/data-ingestion-time): typically 20 s to 3 min, more under load; about 0.5 % of minutes arrive after the 10-minute settle time.",
  },
  azurePollRun: {
    dist: { kind: "lognormal", medianS: 3, p95S: 8, maxS: 50 },
    source: "assumption: token (cached), metrics:getBatch, one KQL query, PutMetricData.",
  },
} as const satisfies Record<string, Stage>;

export const PROBABILITIES = {
  lambdaColdStart: {
    p: 0.02,
    source:
      "assumption: a function invoked every minute stays warm; Lambda recycles execution environments every few hours and on scaling.",
  },
  duplicateDelivery: {
    p: 0.005,
    source:
      "Kinesis event source mappings deliver at least once (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html): a batch is occasionally processed twice; assumed rate.",
  },
} as const satisfies Record<string, Probability>;
