import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../lib/config/load";
import type { EnvironmentConfig } from "../../lib/config/schema";
import { costReport, DEFAULT_ASSUMPTIONS, RECOMMENDED_RETENTION, representativeSnapshot } from "../../lib/cost/model";
import { PRICES, PRICES_CHECKED_ON } from "../../lib/cost/prices";

const base = loadConfig("prod");
const config: EnvironmentConfig = { ...base, retention: { ...base.retention, ...RECOMMENDED_RETENTION } };
const fleet = { ...DEFAULT_ASSUMPTIONS, nodes: 1000, gpusPerNode: 8, intervalSeconds: 60 };
const report = costReport(config, fleet);
const line = (items: typeof report.fleetwatch, service: string, startsWith: string) => {
  const found = items.find((i) => i.service === service && i.item.startsWith(startsWith));
  if (!found) throw new Error(`no line ${service} / ${startsWith}`);
  return found;
};

describe("price table", () => {
  test("every price cites an https source and the table is dated", () => {
    expect(PRICES_CHECKED_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const [key, price] of Object.entries(PRICES)) {
      expect(price.source, key).toMatch(/^https:\/\/(aws\.amazon\.com|azure\.microsoft\.com)\//);
      expect(price.usd, key).toBeGreaterThan(0);
    }
  });
});

describe("1,000 nodes x 8 GPUs at 60 s (hand-computed line items)", () => {
  // 730 h/month at a 60 s poll: 43,800 polls; 1,000 BMCs in shards of 500: 2 shards.
  test("Kinesis on-demand: 730 stream-hours x $0.04 = $29.20", () => {
    expect(line(report.fleetwatch, "Kinesis", "on-demand stream").usd).toBeCloseTo(29.2, 2);
  });

  test("Kinesis data in: 43.8 M snapshots, each rounded up to 4 KB, x $0.08/GB = $13.37", () => {
    const bytes = Buffer.byteLength(JSON.stringify(representativeSnapshot(fleet, config)));
    expect(bytes).toBeGreaterThan(3 * 1024);
    expect(bytes).toBeLessThanOrEqual(4 * 1024);
    expect(line(report.fleetwatch, "Kinesis", "data in").usd).toBeCloseTo(((43_800_000 * 4) / 1024 / 1024) * 0.08, 2);
  });

  test("redfish-poller: 2 shards x 43,800 sweeps x 20 s x 1 GB x $0.0000133334 = $23.36", () => {
    expect(line(report.fleetwatch, "Lambda", "redfish-poller").usd).toBeCloseTo(23.36, 2);
  });

  test("Scheduler: 2 x 43,800 + 43,800 invocations stay inside the 14 M free invocations", () => {
    const s = line(report.fleetwatch, "EventBridge Scheduler", "invocations");
    expect(s.quantity).toBe(131_400);
    expect(s.usd).toBe(0);
  });

  test("dashboards: 3 x $3", () => {
    expect(line(report.fleetwatch, "CloudWatch", "dashboards").usd).toBe(9);
  });

  test("per-GPU CloudWatch metrics: 8,000 x 5 + 1,000 x 22 = 62,000 -> 10,000 x $0.30 + 52,000 x $0.10 = $8,200", () => {
    expect(line(report.cloudwatchPerGpu, "CloudWatch", "per-GPU and per-node custom metrics").usd).toBeCloseTo(8200, 2);
  });

  test("AMP: 8,000 GPUs x 18 series x 43,800 = 6.31 B samples -> 200 x $0.90 + 430.72 x $0.35 = $330.75", () => {
    expect(line(report.ampDcgm, "AMP", "samples ingested").usd).toBeCloseTo(180 + 430.72 * 0.35, 2);
  });

  test("CloudWatch metric count does not grow with the fleet", () => {
    const big = costReport(config, { ...fleet, nodes: 10_000 });
    expect(big.derived.cloudwatchMetrics).toBe(report.derived.cloudwatchMetrics);
  });
});

describe("targets", () => {
  test("FleetWatch costs at most $250/month and less than both alternatives", () => {
    expect(report.totals.fleetwatch).toBeLessThanOrEqual(250);
    expect(report.totals.fleetwatch).toBeLessThan(report.totals.cloudwatchPerGpu);
    expect(report.totals.fleetwatch).toBeLessThan(report.totals.ampDcgm);
  });

  test("longer Timestream retention costs more (the model reads the config)", () => {
    const longerConfig = { ...base, retention: { ...base.retention, timestreamMemoryHours: 24, timestreamMagneticDays: 730 } };
    const longer = costReport(longerConfig, fleet);
    expect(longerConfig.retention.timestreamMemoryHours).toBeGreaterThan(RECOMMENDED_RETENTION.timestreamMemoryHours);
    expect(longer.totals.fleetwatch).toBeGreaterThan(report.totals.fleetwatch);
  });
});

test("npm run cost prints the per-service breakdown and the exact last line", () => {
  const root = resolve(import.meta.dirname, "..", "..");
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "scripts/cost.ts", "--nodes", "1000", "--gpus-per-node", "8", "--interval", "60"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.trim().split("\n");
  const last = lines.at(-1)!;
  const m =
    /^cost nodes=1000 gpus=8000 interval_s=60 fleetwatch_usd=(\d+\.\d{2}) cloudwatch_per_gpu_usd=(\d+\.\d{2}) amp_dcgm_usd=(\d+\.\d{2})$/.exec(
      last,
    );
  expect(m, last).not.toBeNull();
  expect(Number(m![1])).toBeCloseTo(report.totals.fleetwatch, 2);
  for (const service of ["Lambda", "Kinesis", "Timestream", "CloudWatch", "Secrets Manager", "EventBridge Scheduler", "Azure Monitor"]) {
    expect(run.stdout).toContain(service);
  }
  expect(
    spawnSync(process.execPath, ["--import", "tsx", "scripts/cost.ts", "--nodes", "lots"], { cwd: root, encoding: "utf8" }).status,
  ).toBe(2);
});
