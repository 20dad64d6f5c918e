/**
 * Synthesises PagingTiers + SignalAlarms on their own stack (with cdk-nag, as buildApp does),
 * optionally with stand-ins for the pipeline resources other constructs will pass in. The
 * full stack is checked too (stack-alarms.test.ts); this keeps the alarm tests independent of
 * constructs still being built.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Duration, Stack, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { Stream, StreamEncryption } from "aws-cdk-lib/aws-kinesis";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import type { EnvironmentConfig } from "../../core/config/schema";
import { SignalAlarms } from "../../lib/alarms/signal-alarms";
import { FleetWatchFunction } from "../../lib/constructs/fleetwatch-function";
import { acknowledgeNag } from "../../lib/constructs/nag";
import { logRetention } from "../../lib/constructs/retention";
import { PagingTiers } from "../../lib/paging/paging-tiers";

export interface AlarmSynth {
  readonly template: Template;
  readonly alarms: SignalAlarms;
  readonly paging: PagingTiers;
  readonly stack: Stack;
}

export function synthAlarms(config: EnvironmentConfig, withPipeline = true): AlarmSynth {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fw-alarms-")) });
  const stack = new Stack(app, `Alarms-${config.name}`, { env: { account: config.account, region: config.region } });
  const fn = (id: string) =>
    new FleetWatchFunction(stack, id, {
      lambdaName: "p1-enricher",
      environmentName: config.name,
      logRetention: logRetention(config.retention.logDays),
      memorySize: 128,
      timeout: Duration.seconds(10),
    });
  let pipeline = {};
  let stream: Stream | undefined;
  if (withPipeline) {
    stream = new Stream(stack, "Stream", { encryption: StreamEncryption.MANAGED });
    const dlq = new Queue(stack, "Dlq", { encryption: QueueEncryption.KMS_MANAGED, enforceSSL: true });
    acknowledgeNag(dlq, "AwsSolutions-SQS3", "test stand-in for the telemetry pipeline's dead-letter queue");
    pipeline = {
      redfishPollerFunction: fn("Poller"),
      ingestFunction: fn("Ingest"),
      deadLetterQueue: dlq,
      azurePollerFunction: fn("Azure"),
    };
  }
  const paging = new PagingTiers(stack, "Paging", { config, ...(stream ? { telemetryStream: stream } : {}) });
  const alarms = new SignalAlarms(stack, "Alarms", { config, paging, ...pipeline });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { template: Template.fromStack(stack), alarms, paging, stack };
}
