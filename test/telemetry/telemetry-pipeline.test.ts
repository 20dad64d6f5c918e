/**
 * The construct in a stack of its own, with cdk-nag (and CloudFormation's validator) exactly as
 * in `cdk synth`: an unacknowledged finding fails synth. Isolated from the other constructs so
 * a colleague's work in progress does not hide a finding here (the full stack is checked by
 * test/foundation and `npm run synth:all`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Stack } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, test } from "vitest";
import { gpuTemperatureThresholds } from "../../core/catalog/gpu-temperature-thresholds";
import { PIPELINE_MAPPING_SETTINGS } from "../../dev-support/event-source-mapping";
import { loadConfig } from "../../lib/config/load";
import { normalisedTemplate, synthPipeline } from "./support/pipeline-template";

// dev: Timestream for InfluxDB (provisioned); prod: Timestream for LiveAnalytics.
describe.each(["dev", "prod"])("TelemetryPipeline for %s (synth with cdk-nag passes)", (envName) => {
  const config = loadConfig(envName);
  const { pipeline, template } = synthPipeline(config);

  test("exposes the stream, the ingest function and the DLQ: the ones the event source mapping wires together", () => {
    const stack = Stack.of(pipeline);
    const only = (type: string) => {
      const ids = Object.keys(template.findResources(type));
      expect(ids, type).toHaveLength(1);
      return ids[0] as string;
    };
    const streamId = only("AWS::Kinesis::Stream");
    const mapping = template.findResources("AWS::Lambda::EventSourceMapping");
    const [esm] = Object.values(mapping);
    // The stream the mapping reads, the function it invokes and the queue it sends failures to.
    expect(stack.resolve(pipeline.stream.streamName)).toEqual({ Ref: streamId });
    expect(esm?.Properties.EventSourceArn).toEqual({ "Fn::GetAtt": [streamId, "Arn"] });
    const functionName = stack.resolve(pipeline.ingestFunction.functionName) as { Ref: string };
    expect(template.findResources("AWS::Lambda::Function")[functionName.Ref]).toBeTruthy();
    expect(esm?.Properties.FunctionName).toEqual(functionName);
    const queueArn = stack.resolve(pipeline.deadLetterQueue.queueArn) as { "Fn::GetAtt": [string, string] };
    expect(queueArn).toEqual({ "Fn::GetAtt": [expect.any(String), "Arn"] });
    expect(template.findResources("AWS::SQS::Queue")[queueArn["Fn::GetAtt"][0]]?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(esm?.Properties.DestinationConfig).toEqual({ OnFailure: { Destination: queueArn } });
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
      StartingPosition: "LATEST",
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  test("the tests' and the simulator's event source mapping stand-in uses the deployed settings", () => {
    const [esm] = Object.values(template.findResources("AWS::Lambda::EventSourceMapping"));
    const p = esm?.Properties;
    expect({
      batchSize: p.BatchSize,
      bisectBatchOnError: p.BisectBatchOnFunctionError,
      reportBatchItemFailures: p.FunctionResponseTypes.includes("ReportBatchItemFailures"),
      retryAttempts: p.MaximumRetryAttempts,
      maxRecordAgeMs: p.MaximumRecordAgeInSeconds * 1000,
      batchingWindowMs: p.MaximumBatchingWindowInSeconds * 1000,
    }).toEqual(PIPELINE_MAPPING_SETTINGS);
  });

  test("issue 12 #6: a re-created mapping starts at LATEST, never replaying the stream's 24 h (which would backdate CloudWatch sums)", () => {
    const mappings = Object.values(template.findResources("AWS::Lambda::EventSourceMapping"));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties.StartingPosition).toBe("LATEST");
  });

  test("issue 12 #7: the ingest role has only the key actions an SSE-KMS queue and the store need; no DynamoDB at all", () => {
    const ingestPolicies = Object.entries(template.findResources("AWS::IAM::Policy")).filter(([id]) =>
      id.startsWith("TelemetryIngestFunction"),
    );
    expect(ingestPolicies.length).toBeGreaterThan(0);
    const actions = ingestPolicies.flatMap(([, p]) =>
      (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((st) => [st.Action].flat()),
    );
    // SQS Developer Guide, key management: a producer needs kms:GenerateDataKey and kms:Decrypt.
    expect(actions).toContain("kms:Decrypt");
    expect(actions).toContain("kms:GenerateDataKey*");
    expect(actions).not.toContain("kms:Encrypt");
    expect(actions).not.toContain("kms:ReEncrypt*");
    expect(actions.filter((a) => a.startsWith("dynamodb:"))).toEqual([]);
    expect(actions).toContain("sqs:SendMessage");
  });

  test("DLQ: KMS-encrypted, 14 days", () => {
    template.hasResourceProperties("AWS::SQS::Queue", {
      MessageRetentionPeriod: 14 * 24 * 3600,
      KmsMasterKeyId: Match.anyValue(),
    });
  });

  // Timestream for LiveAnalytics is prod's store (dev's Timestream for InfluxDB: telemetry-store-choice.test.ts).
  if (config.telemetryStore.kind === "timestream-liveanalytics") {
    test("Timestream: database with the CMK, tables with config retention and magnetic writes reporting to S3", () => {
      expect(pipeline.timestreamDatabaseName).toBe(`fleetwatch_${envName}`);
      expect(pipeline.timestreamTableNames).toEqual({ components: "components", snapshots: "snapshots" });
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
  }
});

test("GPU temperature thresholds: catalog defaults 78/83 (docs/signal-catalog.md), per-environment overrides win", () => {
  expect(gpuTemperatureThresholds({ thresholds: {} })).toEqual({ warnC: 78, criticalC: 83 });
  // config/prod.json overrides gpu-temperature to 80/85.
  expect(gpuTemperatureThresholds(loadConfig("prod"))).toEqual({ warnC: 80, criticalC: 85 });
  expect(() => gpuTemperatureThresholds({ thresholds: { "gpu-temperature": { warn: 90, critical: 85 } } })).toThrow(/gpu-temperature/);
});

test("a LiveAnalytics environment synthesises exactly as before the store became a choice (fixture taken from that code)", () => {
  const { template } = synthPipeline(loadConfig("prod"));
  const fixture = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "liveanalytics-pipeline-prod.template.json"), "utf8"));
  expect(normalisedTemplate(template)).toEqual(fixture);
});
