/**
 * The cost model's arithmetic, checked line by line against hand computations from the cited
 * prices and the data files (config/prod.json, bench/results/poller.json, the dashboards). No
 * target lives here: whether FleetWatch is cheap enough is the command's last line, not a test.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import {
  COVERAGE,
  costReport,
  DEFAULT_ALARM_QUOTA,
  DEFAULT_ASSUMPTIONS,
  dashboardLogScans,
  representativeSnapshot,
  storedBytes,
} from "../../cost/model";
import { readMeasuredSweep } from "../../cost/poller-sweep";
import { PRICES, PRICES_CHECKED_ON, PRICES_CHECKED_ON_VPC } from "../../cost/prices";
import { costDocBlock, costLine, DOC_END, DOC_START } from "../../cost/summary";
import { fleetWatchDashboards } from "../../dashboards/fleetwatch-dashboards";
import { loadConfig } from "../../lib/config/load";

const root = resolve(import.meta.dirname, "..", "..");
const config = loadConfig("prod");
const bench = JSON.parse(readFileSync(resolve(root, "bench/results/poller.json"), "utf8")) as { bmcs: number; sweepSeconds: number };
const fleet = { ...DEFAULT_ASSUMPTIONS, nodes: 1000, gpusPerNode: 8, intervalSeconds: 60, pollerSweep: readMeasuredSweep() };
const report = costReport(config, fleet);
const line = (items: typeof report.fleetwatch, service: string, startsWith: string) => {
  const found = items.find((i) => i.service === service && i.item.startsWith(startsWith));
  if (!found) throw new Error(`no line ${service} / ${startsWith}`);
  return found;
};
const POLLS = (730 * 3600) / 60; // 43,800 polls a month at 60 s

describe("price table", () => {
  test("every price cites an https source and the table is dated", () => {
    expect(PRICES_CHECKED_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICES_CHECKED_ON_VPC).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const [key, price] of Object.entries(PRICES)) {
      expect(price.source, key).toMatch(/^https:\/\/(aws\.amazon\.com|azure\.microsoft\.com)\//);
      expect(price.usd, key).toBeGreaterThan(0);
    }
  });
});

describe("1,000 nodes x 8 GPUs at 60 s (hand-computed line items)", () => {
  test("Kinesis on-demand: 730 stream-hours x $0.04 = $29.20", () => {
    expect(line(report.fleetwatch, "Kinesis", "on-demand stream").usd).toBeCloseTo(29.2, 2);
  });

  test("Kinesis data in: 43.8 M snapshots, each rounded up to 4 KB, x $0.08/GB", () => {
    const bytes = Buffer.byteLength(JSON.stringify(representativeSnapshot(fleet, config)));
    expect(Math.ceil(bytes / 1024)).toBe(4);
    expect(line(report.fleetwatch, "Kinesis", "data in").usd).toBeCloseTo(((POLLS * 1000 * 4) / 1024 / 1024) * 0.08, 2);
  });

  test("redfish-poller duration is bench/results/poller.json's sweep scaled to a 500-BMC shard", () => {
    const perShard = (bench.sweepSeconds * config.redfish.shardSize) / bench.bmcs;
    const shards = Math.ceil(1000 / config.redfish.shardSize);
    expect(line(report.fleetwatch, "Lambda", "redfish-poller").usd).toBeCloseTo(shards * POLLS * perShard * 1 * 0.0000133334, 2);
  });

  test("VPC: 2 interface endpoints (Kinesis, Secrets Manager) x prod's AZs x 730 h x $0.01", () => {
    const azs = config.redfish.network.availabilityZones.length;
    expect(line(report.fleetwatch, "VPC", "interface endpoints").usd).toBeCloseTo(2 * azs * 730 * 0.01, 2);
    const nat = costReport(config, { ...fleet, vpcEgress: "nat-gateway" });
    const gb = line(report.fleetwatch, "VPC", "interface endpoint data processed").quantity;
    expect(line(nat.fleetwatch, "VPC", "NAT gateway data processed").usd).toBeCloseTo(gb * 0.045, 2);
  });

  test("Timestream storage: each measure of a multi-measure record is stored as its own record", () => {
    // environment=e (12 B), cluster=c (8 B), measure name m (1 B), timestamp 8 B: 29 B per stored record;
    // measure t (double): 1 + 8 = 9 B; measure ok (boolean): 2 + 1 = 3 B. Two records: 38 + 32 = 70 B.
    const point = {
      environment: "e",
      cluster: "c",
      dimensions: [],
      measureName: "m",
      measures: [
        { Name: "t", Value: "1", Type: "DOUBLE" as const },
        { Name: "ok", Value: "true", Type: "BOOLEAN" as const },
      ],
    };
    expect(storedBytes(point as unknown as Parameters<typeof storedBytes>[0])).toBe(70);
  });

  test("Logs Insights: every log widget scans its sources over its dashboard's range, per view and per auto-refresh", () => {
    const perHour = {
      "telemetry-ingest": 1024 ** 3,
      "redfish-poller": 1024 ** 3,
      "azure-openai-poller": 1024 ** 3,
      "p1-enricher": 0,
      "incident-recorder": 1024 ** 3,
      "capacity-forecast": 1024 ** 3,
    };
    const scans = dashboardLogScans(
      config,
      { ...fleet, autoRefreshingDashboards: ["engineering"], autoRefreshMinutes: 5, engineeringDashboardViewsPerMonth: 300 },
      perHour,
    );
    let expected = 0;
    for (const d of fleetWatchDashboards(config)) {
      const widgets = d.rows.flat().filter((w) => w.type === "logs");
      const hours = d.start === "-PT3H" ? 3 : Number.NaN;
      const runs = d.id === "engineering" ? 300 + (730 * 60) / 5 : 0;
      // Only the engineering dashboard is viewed/refreshed in the assumptions; the others' log widgets cost nothing here.
      if (widgets.length === 0 || runs === 0) continue;
      expect(hours, d.id).toBe(3);
      for (const w of widgets) expect(w.sources.includes("p1-enricher")).toBe(false);
      expected += widgets.reduce((n, w) => n + w.sources.length, 0) * hours * runs;
    }
    expect(scans.gb).toBeCloseTo(expected, 6);
  });

  test("per-GPU CloudWatch: 8,000 x 4 + 1,000 x 3 = 35,000 alarms, over the default quota, and the report says so", () => {
    expect(report.derived.perGpuAlarms).toBe(35_000);
    expect(DEFAULT_ALARM_QUOTA).toBe(5000);
    expect(report.notes.some((n) => n.includes("35000") && n.includes("quota"))).toBe(true);
    expect(line(report.cloudwatchPerGpu, "CloudWatch", "per-GPU and per-node custom metrics").usd).toBeCloseTo(
      10_000 * 0.3 + 52_000 * 0.1,
      2,
    );
  });

  test("AMP with the same 5 series per GPU: 8,000 x 5 x 43,800 = 1.752 B samples x $0.90 / 10 M", () => {
    expect(line(report.ampDcgm, "AMP", "samples ingested").usd).toBeCloseTo((1.752e9 / 1e7) * 0.9, 2);
  });

  test("CloudWatch only drops exactly Kinesis, Timestream, the ingest and its KMS key, and keeps one endpoint (Secrets Manager)", () => {
    const services = new Set(report.cloudwatchOnly.map((i) => i.service));
    for (const gone of ["Kinesis", "Timestream", "KMS"]) expect(services.has(gone)).toBe(false);
    expect(report.cloudwatchOnly.some((i) => i.item.startsWith("telemetry-ingest"))).toBe(false);
    expect(line(report.cloudwatchOnly, "VPC", "interface endpoints").usd).toBeCloseTo(
      config.redfish.network.availabilityZones.length * 730 * 0.01,
      2,
    );
    const kept = report.fleetwatch.filter((i) => i.service === "CloudWatch").reduce((n, i) => n + i.usd, 0);
    expect(report.cloudwatchOnly.filter((i) => i.service === "CloudWatch").reduce((n, i) => n + i.usd, 0)).toBeCloseTo(kept, 6);
  });

  test("totals are the sums of their lines", () => {
    for (const key of ["fleetwatch", "cloudwatchOnly", "cloudwatchPerGpu", "ampDcgm"] as const)
      expect(report.totals[key]).toBeCloseTo(
        report[key].reduce((n, i) => n + i.usd, 0),
        6,
      );
  });

  test("CloudWatch metric count does not grow with the fleet", () => {
    const big = costReport(config, { ...fleet, nodes: 10_000 });
    expect(big.derived.cloudwatchMetrics).toBe(report.derived.cloudwatchMetrics);
  });
});

test("a malformed bench/results/poller.json fails with the field and the fix", () => {
  const dir = mkdtempSync(join(tmpdir(), "fw-cost-"));
  const file = join(dir, "poller.json");
  writeFileSync(
    file,
    JSON.stringify({ recordedFrom: "npm run bench:poller", lastLine: "bench:poller bmcs=1000", bmcs: 1000, concurrency: 128 }),
  );
  expect(() => readMeasuredSweep(file)).toThrow(/field sweepSeconds: .*record the figures of npm run bench:poller/);
});

test("the coverage table says AMP + DCGM covers no fans, PSUs or BMC reachability", () => {
  const row = (what: string) => COVERAGE.find((c) => c.what.startsWith(what));
  for (const what of ["Fans", "PSUs", "BMC reachability"]) expect(row(what)?.ampDcgm).toMatch(/^no/);
});

test("docs/cost.md's figures are the command's (one figure everywhere)", () => {
  const doc = readFileSync(resolve(root, "docs/cost.md"), "utf8");
  const block = doc.slice(doc.indexOf(DOC_START), doc.indexOf(DOC_END) + DOC_END.length);
  const run = { nodes: 1000, gpusPerNode: 8, intervalSeconds: 60, configName: "prod" };
  expect(block, "run npm run cost -- --nodes 1000 --gpus-per-node 8 --interval 60 --write-docs").toBe(costDocBlock(run, report));
  const readme = readFileSync(resolve(root, "README.md"), "utf8");
  for (const m of readme.matchAll(/fleetwatch_usd=(\d+\.\d{2})/g)) expect(m[1]).toBe(report.totals.fleetwatch.toFixed(2));
});

test("npm run cost reads the recorded poller sweep and prints the exact last line", () => {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "scripts/cost.ts", "--nodes", "1000", "--gpus-per-node", "8", "--interval", "60"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain(`Poller sweep: ${bench.sweepSeconds} s for ${bench.bmcs} BMCs`);
  expect(run.stdout).toContain("bench/results/poller.json");
  const last = run.stdout.trim().split("\n").at(-1)!;
  expect(last).toBe(costLine({ nodes: 1000, gpusPerNode: 8, intervalSeconds: 60, configName: "prod" }, report));
  expect(last).toMatch(
    /^cost nodes=1000 gpus=8000 interval_s=60 fleetwatch_usd=\d+\.\d{2} cloudwatch_only_usd=\d+\.\d{2} cloudwatch_per_gpu_usd=\d+\.\d{2} amp_dcgm_usd=\d+\.\d{2}$/,
  );
  const bad = spawnSync(process.execPath, ["--import", "tsx", "scripts/cost.ts", "--nodes", "lots"], { cwd: root, encoding: "utf8" });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain("--nodes must be a positive integer");
});
