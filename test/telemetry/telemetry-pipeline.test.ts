/**
 * The construct in a stack of its own, with cdk-nag (and CloudFormation's validator) exactly as
 * in `cdk synth`: an unacknowledged finding fails synth. Isolated from the other constructs so
 * a colleague's work in progress does not hide a finding here (the full stack is checked by
 * test/foundation and `npm run synth:all`).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../lib/config/load";
import { TelemetryPipeline } from "../../lib/telemetry/telemetry-pipeline";
import { gpuTemperatureThresholds } from "../../lib/telemetry/thresholds";

function synthPipeline(envName: string) {
  const config = loadConfig(envName);
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fw-telemetry-")) });
  const stack = new Stack(app, `FleetWatch-${envName}`, { env: { account: config.account, region: config.region } });
  const pipeline = new TelemetryPipeline(stack, "Telemetry", { config });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { pipeline, template: Template.fromStack(stack) };
}

describe.each(["dev", "prod"])("TelemetryPipeline for %s (synth with cdk-nag passes)", (envName) => {
  const { pipeline, template } = synthPipeline(envName);
  const config = loadConfig(envName);

  test("exposes the stream, the ingest function, the DLQ and the Timestream names", () => {
    expect(pipeline.stream.streamName).toBeDefined();
    expect(pipeline.deadLetterQueue.queueArn).toBeDefined();
    expect(pipeline.ingestFunction.functionName).toBeDefined();
    expect(pipeline.timestreamDatabaseName).toBe(`fleetwatch_${envName}`);
    expect(pipeline.timestreamTableNames).toEqual({ components: "components", snapshots: "snapshots" });
  });

  test("Kinesis stream: on-demand, encrypted (aws/kinesis); the pipeline key rotates", () => {
    template.hasResourceProperties("AWS::Kinesis::Stream", {
      StreamModeDetails: { StreamMode: "ON_DEMAND" },
      StreamEncryption: { EncryptionType: "KMS", KeyId: "alias/aws/kinesis" },
    });
    template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
  });

  test("event source mapping: every setting chosen, bounded retries, on-failure DLQ", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 3600,
      ParallelizationFactor: 1,
      StartingPosition: "TRIM_HORIZON",
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  test("DLQ: KMS-encrypted, 14 days", () => {
    template.hasResourceProperties("AWS::SQS::Queue", {
      MessageRetentionPeriod: 14 * 24 * 3600,
      KmsMasterKeyId: Match.anyValue(),
    });
  });

  test("Timestream: database with the CMK, tables with config retention and magnetic writes reporting to S3", () => {
    template.hasResourceProperties("AWS::Timestream::Database", { DatabaseName: `fleetwatch_${envName}`, KmsKeyId: Match.anyValue() });
    const tables = template.findResources("AWS::Timestream::Table");
    expect(
      Object.values(tables)
        .map((t) => t.Properties.TableName)
        .sort(),
    ).toEqual(["components", "snapshots"]);
    for (const t of Object.values(tables)) {
      expect(t.Properties.RetentionProperties).toEqual({
        MemoryStoreRetentionPeriodInHours: String(config.retention.timestreamMemoryHours),
        MagneticStoreRetentionPeriodInDays: String(config.retention.timestreamMagneticDays),
      });
      expect(t.Properties.MagneticStoreWriteProperties.EnableMagneticStoreWrites).toBe(true);
      expect(t.Properties.MagneticStoreWriteProperties.MagneticStoreRejectedDataLocation.S3Configuration).toMatchObject({
        EncryptionOption: "SSE_KMS",
        BucketName: expect.anything(),
      });
      expect(t.DeletionPolicy).toBe("Retain");
    }
  });

  test("ingest Lambda: thresholds from the catalog + config, WriteRecords on its own tables only", () => {
    const { warnC, criticalC } = gpuTemperatureThresholds(config);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: "telemetry-ingest",
          GPU_TEMPERATURE_WARN_C: String(warnC),
          GPU_TEMPERATURE_CRITICAL_C: String(criticalC),
          TIMESTREAM_DATABASE: `fleetwatch_${envName}`,
        }),
      },
    });
    const policies = JSON.stringify(template.findResources("AWS::IAM::Policy"));
    expect(policies).toContain(`database/fleetwatch_${envName}/table/components`);
    expect(policies).not.toMatch(/"timestream:\*"/);
  });
});

test("GPU temperature thresholds: catalog defaults 78/83 (docs/signal-catalog.md), per-environment overrides win", () => {
  expect(gpuTemperatureThresholds({ thresholds: {} })).toEqual({ warnC: 78, criticalC: 83 });
  // config/prod.json overrides gpu-temperature to 80/85.
  expect(gpuTemperatureThresholds(loadConfig("prod"))).toEqual({ warnC: 80, criticalC: 85 });
  expect(() => gpuTemperatureThresholds({ thresholds: { "gpu-temperature": { warn: 90, critical: 85 } } })).toThrow(/gpu-temperature/);
});
