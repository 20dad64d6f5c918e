import { App } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { describe, expect, test } from "vitest";
import { alarmNamePrefix } from "../../core/catalog/alarm-names";
import { buildApp } from "../../lib/app";
import { loadConfig } from "../../lib/config/load";
import { acknowledgeNag } from "../../lib/constructs/nag";
import { synthEnvironment } from "../support/synth";

describe.each(["dev", "prod"])("FleetWatch-%s stack", (envName) => {
  const { stack, template } = synthEnvironment(envName);
  const config = loadConfig(envName);

  test("stack name and environment carry the config", () => {
    expect(stack.stackName).toBe(`FleetWatch-${envName}`);
    expect(stack.account).toBe(config.account);
    expect(stack.region).toBe(config.region);
  });

  test("every alarm carries the environment's name prefix the incident rule and the paging key match on", () => {
    const alarms = [
      ...Object.values(template.findResources("AWS::CloudWatch::Alarm")),
      ...Object.values(template.findResources("AWS::CloudWatch::CompositeAlarm")),
    ].map((a) => a.Properties.AlarmName);
    expect(alarms.length).toBeGreaterThan(0);
    for (const name of alarms) expect(typeof name === "string" && name.startsWith(alarmNamePrefix(envName)), String(name)).toBe(true);
  });

  test("every Lambda runs nodejs22.x on arm64 with memory and timeout set", () => {
    const functions = template.findResources("AWS::Lambda::Function");
    const own = Object.values(functions).filter((f) => !String(f.Properties.Handler ?? "").startsWith("framework"));
    expect(own.length).toBeGreaterThan(0);
    for (const fn of own) {
      expect(fn.Properties.Runtime).toBe("nodejs22.x");
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(128);
      expect(fn.Properties.Timeout).toBeLessThanOrEqual(900);
    }
  });

  test("the redfish-poller Lambda logs JSON to its own log group with the configured retention", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: "redfish-poller", FLEETWATCH_ENV: envName }) },
      LoggingConfig: { LogFormat: "JSON", LogGroup: Match.anyValue() },
    });
    const groups = Object.values(template.findResources("AWS::Logs::LogGroup"));
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(config.retention.logDays);
  });

  test("no Lambda role uses the AWS managed basic-execution policy", () => {
    const roles = Object.values(template.findResources("AWS::IAM::Role"));
    for (const role of roles) {
      expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toContain("AWSLambdaBasicExecutionRole");
    }
  });
});

/** cdk-nag reads the constructs, not the Lambda bundles: skip bundling so these stay fast. */
const NO_BUNDLING = { "aws:cdk:bundling-stacks": [] };

test("cdk-nag: an unacknowledged finding fails synth", () => {
  const app = new App({ outdir: "/tmp/fw-nag-negative", context: NO_BUNDLING });
  const { stack } = buildApp(loadConfig("dev"), app);
  new Bucket(stack, "UnloggedBucket");
  expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
});

test("cdk-nag: an acknowledgment without a real reason fails synth", () => {
  const app = new App({ outdir: "/tmp/fw-nag-reason", context: NO_BUNDLING });
  const { stack } = buildApp(loadConfig("dev"), app);
  expect(() => acknowledgeNag(stack, "AwsSolutions-S1", "because")).toThrow(/needs a real reason/);
});
