/**
 * npm run cost -- --nodes 1000 --gpus-per-node 8 --interval 60 [--config prod]
 *   [--retention recommended|config] [--memory-hours H] [--magnetic-days D] [--log-days D]
 *   [--vpc-egress interface-endpoints|nat-gateway] [--write-docs]
 *
 * Monthly cost of FleetWatch for a fleet, per service, from cost/prices.ts (cited, dated),
 * next to a CloudWatch-only design (no Kinesis/Timestream), per-GPU CloudWatch custom metrics,
 * and DCGM exporter + Amazon Managed Service for Prometheus. The poller's Lambda duration is
 * the measured sweep recorded in bench/results/poller.json. Clusters, AZs, deployments, shard
 * size and retention come from config/<config>.json. --write-docs rewrites the generated block
 * of docs/cost.md. The last line is machine-readable.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { EnvironmentConfig } from "../core/config/schema";
import { DEFAULT_INFLUXDB_ASSUMPTIONS, INFLUXDB_PRICES, influxDbEstimate, pointsOf } from "../cost/influxdb";
import { costReport, DEFAULT_ASSUMPTIONS, type LineItem, RECOMMENDED_RETENTION, representativeSnapshot } from "../cost/model";
import { readMeasuredSweep } from "../cost/poller-sweep";
import { PRICES_CHECKED_ON, PRICES_CHECKED_ON_VPC, PRICES_REGION } from "../cost/prices";
import { costDocBlock, costLine, DESIGNS, DOC_END, DOC_START } from "../cost/summary";
import { loadConfig } from "../lib/config/load";

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "1000" },
    "gpus-per-node": { type: "string", default: "8" },
    interval: { type: "string", default: "60" },
    config: { type: "string", default: "prod" },
    retention: { type: "string", default: "config" },
    "memory-hours": { type: "string" },
    "magnetic-days": { type: "string" },
    "log-days": { type: "string" },
    "vpc-egress": { type: "string", default: "interface-endpoints" },
    "write-docs": { type: "boolean", default: false },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

const nodes = positiveInt("nodes", values.nodes);
const gpusPerNode = positiveInt("gpus-per-node", values["gpus-per-node"]);
const intervalSeconds = positiveInt("interval", values.interval);
if (values.retention !== "recommended" && values.retention !== "config")
  fail(`--retention must be "recommended" or "config", got ${JSON.stringify(values.retention)}`);
const vpcEgress = values["vpc-egress"];
if (vpcEgress !== "interface-endpoints" && vpcEgress !== "nat-gateway")
  fail(`--vpc-egress must be "interface-endpoints" or "nat-gateway", got ${JSON.stringify(vpcEgress)}`);
const base = loadConfig(values.config!);
const config: EnvironmentConfig = {
  ...base,
  redfish: { ...base.redfish, intervalSeconds },
  retention: {
    ...base.retention,
    ...(values.retention === "recommended" ? RECOMMENDED_RETENTION : {}),
    ...(values["memory-hours"] ? { timestreamMemoryHours: positiveInt("memory-hours", values["memory-hours"]) } : {}),
    ...(values["magnetic-days"] ? { timestreamMagneticDays: positiveInt("magnetic-days", values["magnetic-days"]) } : {}),
    ...(values["log-days"] ? { logDays: positiveInt("log-days", values["log-days"]) } : {}),
  },
};
const pollerSweep = readMeasuredSweep();
const assumptions = {
  ...DEFAULT_ASSUMPTIONS,
  nodes,
  gpusPerNode,
  intervalSeconds,
  pollerSweep,
  vpcEgress: vpcEgress as "interface-endpoints" | "nat-gateway",
};
const report = costReport(config, assumptions);

const usd = (x: number) => x.toFixed(2);
function table(title: string, items: LineItem[], total: number): void {
  console.log(`\n${title}`);
  for (const i of items) {
    console.log(
      `  ${i.service.padEnd(22)} ${i.item.padEnd(78)} ${i.quantity.toExponential(3).padStart(10)} ${i.unit.padEnd(17)} ${usd(i.usd).padStart(10)}`,
    );
  }
  const byService = new Map<string, number>();
  for (const i of items) byService.set(i.service, (byService.get(i.service) ?? 0) + i.usd);
  console.log(`  ${"per service:".padEnd(22)} ${[...byService].map(([s, v]) => `${s} ${usd(v)}`).join(" · ")}`);
  console.log(`  ${"TOTAL per month".padEnd(130)} ${usd(total).padStart(10)}`);
}

console.log(
  `FleetWatch monthly cost: ${nodes} nodes x ${gpusPerNode} GPUs, poll every ${intervalSeconds} s, config/${values.config}.json ` +
    `(${config.redfish.clusters.length} clusters, ${config.redfish.network.availabilityZones.length} AZs, shard size ${config.redfish.shardSize}, Timestream memory ${config.retention.timestreamMemoryHours} h / magnetic ${config.retention.timestreamMagneticDays} d, logs ${config.retention.logDays} d)`,
);
console.log(
  `Prices: ${PRICES_REGION} list prices checked ${PRICES_CHECKED_ON} (VPC lines ${PRICES_CHECKED_ON_VPC}; cost/prices.ts cites each page); free tiers not subtracted.`,
);
console.log(
  `Poller sweep: ${pollerSweep.sweepSeconds} s for ${pollerSweep.bmcs} BMCs at concurrency ${pollerSweep.concurrency}, recorded from npm run bench:poller in bench/results/poller.json -> ${report.derived.pollerSweepSeconds!.toFixed(2)} s per shard.`,
);
console.log(
  `Derived: ${report.derived.shards} shards, snapshot ${report.derived.snapshotBytes} B, ${report.derived.timestreamRecordsPerSnapshot} Timestream records/snapshot ` +
    `(${Math.round(report.derived.timestreamWriteBytesPerSnapshot!)} B written, ${report.derived.timestreamStoredBytesPerSnapshot} B stored, each measure metered as its own record), ` +
    `${report.derived.cloudwatchMetrics} CloudWatch metrics, ${report.derived.alarms} alarms`,
);
for (const d of DESIGNS) table(d.title, report[d.key], report.totals[d.key]);
console.log("");
for (const n of report.notes) console.log(`NOTE: ${n}`);

if (values["write-docs"]) {
  const file = join(import.meta.dirname, "..", "docs", "cost.md");
  const doc = readFileSync(file, "utf8");
  const from = doc.indexOf(DOC_START);
  const to = doc.indexOf(DOC_END);
  if (from < 0 || to < 0) fail(`${file}: no ${DOC_START} ... ${DOC_END} block to rewrite`);
  const block = costDocBlock({ nodes, gpusPerNode, intervalSeconds, configName: values.config! }, report);
  writeFileSync(file, doc.slice(0, from) + block + doc.slice(to + DOC_END.length));
  console.log(`wrote the generated block of ${file}`);
}
// --- the telemetry store: LiveAnalytics (priced in the FleetWatch design) beside Timestream for InfluxDB (cost/influxdb.ts) ---
const liveAnalyticsUsd = report.fleetwatch.filter((i) => i.service === "Timestream").reduce((n, i) => n + i.usd, 0);
const store = base.telemetryStore;
const influx = influxDbEstimate(pointsOf(representativeSnapshot(assumptions, config)), nodes / intervalSeconds, {
  ...DEFAULT_INFLUXDB_ASSUMPTIONS,
  retentionDays: config.retention.timestreamMagneticDays,
  multiAzStandby: store.kind === "influxdb-provisioned" && store.deploymentType === "WITH_MULTIAZ_STANDBY",
});
console.log(
  `\nTelemetry store, per month (config/${values.config}.json uses ${store.kind}; the FleetWatch design above prices LiveAnalytics):`,
);
console.log(
  `  ${"Timestream for LiveAnalytics".padEnd(30)} ${usd(liveAnalyticsUsd).padStart(10)}  writes, memory and magnetic store, queries`,
);
for (const i of influx.items) {
  console.log(`  ${i.service.padEnd(30)} ${usd(i.usd).padStart(10)}  ${i.item}: ${Math.round(i.quantity)} ${i.unit}`);
}
console.log(
  `  ${"Timestream for InfluxDB total".padEnd(30)} ${usd(influx.totalUsd).padStart(10)}  (${Math.round(influx.linesPerSecond)} lines/s; FleetWatch with it instead of LiveAnalytics: ${usd(report.totals.fleetwatch - liveAnalyticsUsd + influx.totalUsd)})`,
);
console.log(
  `  InfluxDB rates: ${INFLUXDB_PRICES.source}, ${INFLUXDB_PRICES.verified} (the rate table did not render on ${INFLUXDB_PRICES.checked}; cost/influxdb.ts)`,
);
console.log(
  `cost_store liveanalytics_usd=${usd(liveAnalyticsUsd)} influxdb_usd=${usd(influx.totalUsd)} influxdb_class=${influx.instanceType} influxdb_storage_gib=${influx.storageGiB}`,
);
console.log(costLine({ nodes, gpusPerNode, intervalSeconds, configName: values.config! }, report));
