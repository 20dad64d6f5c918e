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
      expect(intake).toBeDefined();
      const env = JSON.stringify(template.findResources("AWS::Lambda::Function"));
      for (const topic of [stack.paging.p1, stack.paging.p2, stack.paging.p3]) {
        expect(env).toContain(stack.resolve(topic.topicArn).Ref);
      }
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
