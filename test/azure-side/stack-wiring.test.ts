/**
 * The Azure side inside the real stack (`cdk synth` with cdk-nag): present in prod
 * (provisionAzureSide: true), absent in dev, and its intake publishes to the PagingTiers topics.
 */
import { describe, expect, it } from "vitest";
import { synthEnvironment } from "../support/synth";

/** A whole-stack synth bundles every Lambda; on 2 shared cores it can exceed the default 120 s. */
const SYNTH_TIMEOUT_MS = 300_000;

describe("FleetWatchStack wiring of the Azure side", () => {
  it(
    "prod: one custom resource whose intake may publish to the three paging topics",
    () => {
      const { stack, template } = synthEnvironment("prod");
      expect(Object.keys(template.findResources("Custom::AzureMonitorProvisioning"))).toHaveLength(1);
      const intake = stack.azureMonitor?.intake;
      if (!intake) throw new Error("prod provisions the Azure side, so the stack exposes its alert intake");
      // The exposed intake is a function of the template, told each paging topic's ARN.
      const functionId = stack.resolve(intake.function.functionName).Ref as string;
      const variables = template.findResources("AWS::Lambda::Function")[functionId]?.Properties.Environment.Variables;
      expect(variables).toMatchObject({
        TOPIC_ARN_P1: stack.resolve(stack.paging.p1.topicArn),
        TOPIC_ARN_P2: stack.resolve(stack.paging.p2.topicArn),
        TOPIC_ARN_P3: stack.resolve(stack.paging.p3.topicArn),
      });
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    "dev: provisionAzureSide is false, nothing is created",
    () => {
      const { stack, template } = synthEnvironment("dev");
      expect(stack.azureMonitor).toBeUndefined();
      expect(Object.keys(template.findResources("Custom::AzureMonitorProvisioning"))).toHaveLength(0);
    },
    SYNTH_TIMEOUT_MS,
  );
});
