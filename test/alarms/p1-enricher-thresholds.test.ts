/**
 * The enricher names offenders against this environment's thresholds: the alarm's own
 * Trigger.Threshold, else the levels lib/paging resolved from config.thresholds and passed in
 * OFFENDER_THRESHOLDS. A catalog default never decides when the environment overrides it.
 */
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, test, vi } from "vitest";
import { parseConfig } from "../../core/config/parse";
import { GPU_TEMPERATURE_DEFAULTS_C } from "../../core/constants";
import { OFFENDER_THRESHOLDS_ENV_VAR, OffenderThresholdsSchema } from "../../core/contracts/p1-enricher-settings";
import type { BmcSnapshot } from "../../core/snapshot";
import { forwardPage } from "../../lambdas/p1-enricher/page";
import { loadConfig } from "../../lib/config/load";
import { PagingTiers } from "../../lib/paging/paging-tiers";

const gpuSnapshot = (bmc: string, gpus: { id: string; temperatureC: number }[]): BmcSnapshot => ({
  schema: "fleetwatch.bmc-snapshot.v1",
  environment: "dev",
  cluster: "train-a",
  bmc,
  collectedAt: "2026-11-22T10:04:00.000Z",
  durationMs: 800,
  requests: 3,
  status: "ok",
  errors: [],
  components: gpus.map((g) => ({ kind: "gpu" as const, ...g })),
});

/** 75 °C lies between the override below (70) and the catalog's default critical level. */
const window = [gpuSnapshot("10.0.0.1", [{ id: "GPU_0", temperatureC: 90 }]), gpuSnapshot("10.0.0.2", [{ id: "GPU_1", temperatureC: 75 }])];

/** A gpu-temperature critical ALARM whose Trigger carries no Threshold (a metric-math alarm's shape). */
const alarm = {
  AlarmName: "FleetWatch/dev/gpu-temperature/critical/train-a",
  AWSAccountId: "111111111111",
  NewStateValue: "ALARM",
  OldStateValue: "OK",
  NewStateReason: "Threshold Crossed",
  StateChangeTime: "2026-11-22T10:05:10.123+0000",
  Region: "EU (Ireland)",
  Trigger: { Metrics: [] },
};

/** The enricher's OFFENDER_THRESHOLDS exactly as the construct writes it for `thresholds`. */
function constructThresholds(thresholds: Record<string, unknown>) {
  const base = JSON.parse(JSON.stringify(loadConfig("dev")));
  const config = parseConfig({ ...base, thresholds });
  // No bundling: only the environment the construct writes is read.
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new Stack(app, "Paging", { env: { account: "111111111111", region: "eu-west-1" } });
  const tiers = new PagingTiers(stack, "Paging", { config });
  const fn = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(tiers.p1Enricher.node.defaultChild as never)];
  return OffenderThresholdsSchema.parse(JSON.parse(fn.Properties.Environment.Variables[OFFENDER_THRESHOLDS_ENV_VAR]));
}

async function offendersWith(thresholds: ReturnType<typeof constructThresholds>, message: Record<string, unknown> = alarm) {
  const published: string[] = [];
  await forwardPage(undefined, JSON.stringify(message), {
    windowMinutes: 10,
    thresholds,
    readWindow: async () => window,
    publish: async (_s, m) => void published.push(m),
  });
  return (JSON.parse(published[0]!).FleetWatchOffenders ?? []).map((o: { component: string }) => o.component);
}

describe("p1-enricher thresholds come from the resolved environment", () => {
  test("an override in config.thresholds reaches the enricher through its construct", async () => {
    expect(75).toBeLessThan(GPU_TEMPERATURE_DEFAULTS_C.critical);
    const overridden = constructThresholds({ "gpu-temperature": { warn: 65, critical: 70 } });
    expect(overridden["gpu-temperature"]).toEqual({ warn: 65, critical: 70 });
    expect(await offendersWith(overridden)).toEqual(["GPU_0", "GPU_1"]);
    expect(await offendersWith(constructThresholds({}))).toEqual(["GPU_0"]);
  });

  test("the alarm's own Trigger.Threshold wins over the passed level", async () => {
    const overridden = constructThresholds({ "gpu-temperature": { warn: 65, critical: 70 } });
    expect(await offendersWith(overridden, { ...alarm, Trigger: { MetricName: "GpuTemperatureMaxC", Threshold: 80 } })).toEqual(["GPU_0"]);
  });

  test("with no threshold at all the page still goes out, saying why it names no node", async () => {
    const published: string[] = [];
    await forwardPage(undefined, JSON.stringify(alarm), {
      windowMinutes: 10,
      thresholds: {},
      readWindow: async () => window,
      publish: async (_s, m) => void published.push(m),
    });
    expect(JSON.parse(published[0]!).FleetWatchNote).toBe("node detail unavailable: no critical threshold known for gpu-temperature");
  });
});

describe("p1-enricher environment (read once, at cold start)", () => {
  const VALID = {
    DELIVERY_TOPIC_ARN: "arn:aws:sns:eu-west-1:111111111111:fleetwatch-dev-p1-pagerduty",
    WINDOW_MINUTES: "10",
    [OFFENDER_THRESHOLDS_ENV_VAR]: JSON.stringify({ "gpu-temperature": { warn: 78, critical: 83 } }),
  };

  async function coldStart(env: Record<string, string | undefined>) {
    const saved = { ...process.env };
    vi.resetModules();
    for (const key of [...Object.keys(VALID), "TELEMETRY_STREAM_NAME"]) delete process.env[key];
    for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value;
    try {
      return await import("../../lambdas/p1-enricher/handler");
    } finally {
      process.env = saved;
    }
  }

  test("a complete environment loads", async () => {
    await expect(coldStart(VALID)).resolves.toHaveProperty("handler");
  });

  test("a missing variable fails naming it", async () => {
    await expect(coldStart({ ...VALID, DELIVERY_TOPIC_ARN: undefined })).rejects.toThrow(/p1-enricher environment: DELIVERY_TOPIC_ARN/);
  });

  test("malformed thresholds fail naming the variable and the field", async () => {
    await expect(coldStart({ ...VALID, [OFFENDER_THRESHOLDS_ENV_VAR]: "{" })).rejects.toThrow(/OFFENDER_THRESHOLDS: not JSON/);
    await expect(coldStart({ ...VALID, [OFFENDER_THRESHOLDS_ENV_VAR]: '{"gpu-temperature":{"critical":"hot"}}' })).rejects.toThrow(
      /OFFENDER_THRESHOLDS\.gpu-temperature\.critical/,
    );
  });
});
