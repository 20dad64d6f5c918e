/**
 * npm run cost -- --nodes 1000 --gpus-per-node 8 --interval 60 [--config prod]
 *   [--retention recommended|config] [--memory-hours H] [--magnetic-days D] [--log-days D]
 *
 * Monthly cost of FleetWatch for a fleet, per service, from lib/cost/prices.ts (cited, dated),
 * next to per-GPU CloudWatch custom metrics and DCGM exporter + Amazon Managed Service for
 * Prometheus. Clusters, deployments, shard size and log retention come from config/<config>.json;
 * Timestream retention is the config's own (what `cdk deploy` would create) unless
 * --retention recommended (or explicit flags); the other is priced too, on its own line. The last line is
 * machine-readable.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../lib/config/load";
import type { EnvironmentConfig } from "../lib/config/schema";
import { DEFAULT_INFLUXDB_ASSUMPTIONS, INFLUXDB_PRICES, influxDbEstimate, pointsOf } from "../lib/cost/influxdb";
import { costReport, DEFAULT_ASSUMPTIONS, type LineItem, RECOMMENDED_RETENTION, representativeSnapshot } from "../lib/cost/model";
import { PRICES_CHECKED_ON, PRICES_REGION } from "../lib/cost/prices";

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
  },
});

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

const nodes = positiveInt("nodes", values.nodes);
const gpusPerNode = positiveInt("gpus-per-node", values["gpus-per-node"]);
const intervalSeconds = positiveInt("interval", values.interval);
if (values.retention !== "recommended" && values.retention !== "config") {
  console.error(`--retention must be "recommended" or "config", got ${JSON.stringify(values.retention)}`);
  process.exit(2);
}
const base = loadConfig(values.config!);
const asConfigured: EnvironmentConfig = { ...base, redfish: { ...base.redfish, intervalSeconds } };
const config: EnvironmentConfig = {
  ...asConfigured,
  retention: {
    ...base.retention,
    ...(values.retention === "recommended" ? RECOMMENDED_RETENTION : {}),
    ...(values["memory-hours"] ? { timestreamMemoryHours: positiveInt("memory-hours", values["memory-hours"]) } : {}),
    ...(values["magnetic-days"] ? { timestreamMagneticDays: positiveInt("magnetic-days", values["magnetic-days"]) } : {}),
    ...(values["log-days"] ? { logDays: positiveInt("log-days", values["log-days"]) } : {}),
  },
};
const assumptions = { ...DEFAULT_ASSUMPTIONS, nodes, gpusPerNode, intervalSeconds };
const report = costReport(config, assumptions);
const configured = costReport(asConfigured, assumptions);

const usd = (x: number) => x.toFixed(2);
function table(title: string, items: LineItem[], total: number): void {
  console.log(`\n${title}`);
  for (const i of items) {
    console.log(
      `  ${i.service.padEnd(22)} ${i.item.padEnd(62)} ${i.quantity.toExponential(3).padStart(10)} ${i.unit.padEnd(14)} ${usd(i.usd).padStart(10)}`,
    );
  }
  const byService = new Map<string, number>();
  for (const i of items) byService.set(i.service, (byService.get(i.service) ?? 0) + i.usd);
  console.log(`  ${"per service:".padEnd(22)} ${[...byService].map(([s, v]) => `${s} ${usd(v)}`).join(" · ")}`);
  console.log(`  ${"TOTAL per month".padEnd(111)} ${usd(total).padStart(10)}`);
}

console.log(
  `FleetWatch monthly cost: ${nodes} nodes x ${gpusPerNode} GPUs, poll every ${intervalSeconds} s, config/${values.config}.json ` +
    `(${config.redfish.clusters.length} clusters, shard size ${config.redfish.shardSize}, Timestream memory ${config.retention.timestreamMemoryHours} h / magnetic ${config.retention.timestreamMagneticDays} d, logs ${config.retention.logDays} d)`,
);
console.log(
  `Prices: ${PRICES_REGION} list prices checked ${PRICES_CHECKED_ON} (lib/cost/prices.ts cites each page); free tiers not subtracted.`,
);
console.log(
  `Derived: ${report.derived.shards} shards, snapshot ${report.derived.snapshotBytes} B, ${report.derived.timestreamRecordsPerSnapshot} Timestream records/snapshot ` +
    `(${Math.round(report.derived.timestreamWriteBytesPerSnapshot!)} B written, ${report.derived.timestreamStoredBytesPerSnapshot} B stored), ` +
    `${report.derived.cloudwatchMetrics} CloudWatch metrics, ${report.derived.alarms} alarms`,
);
table("FleetWatch", report.fleetwatch, report.totals.fleetwatch);
const r = base.retention;
if (
  r.timestreamMemoryHours !== config.retention.timestreamMemoryHours ||
  r.timestreamMagneticDays !== config.retention.timestreamMagneticDays
) {
  console.log(
    `  NOTE: with config/${values.config}.json's own Timestream retention (memory ${r.timestreamMemoryHours} h, magnetic ${r.timestreamMagneticDays} d) FleetWatch costs ${usd(configured.totals.fleetwatch)} USD/month ` +
      `(Timestream ${usd(configured.fleetwatch.filter((i) => i.service === "Timestream").reduce((s, i) => s + i.usd, 0))}); ` +
      `set retention.timestreamMemoryHours=${RECOMMENDED_RETENTION.timestreamMemoryHours} and timestreamMagneticDays=${RECOMMENDED_RETENTION.timestreamMagneticDays} there to deploy what this estimate prices.`,
  );
}
// --- the telemetry store: LiveAnalytics (in the total above) beside Timestream for InfluxDB ---
const liveAnalyticsUsd = report.fleetwatch.filter((i) => i.service === "Timestream").reduce((n, i) => n + i.usd, 0);
const store = base.telemetryStore;
const influx = influxDbEstimate(pointsOf(representativeSnapshot(assumptions, config)), nodes / intervalSeconds, {
  ...DEFAULT_INFLUXDB_ASSUMPTIONS,
  retentionDays: config.retention.timestreamMagneticDays,
  multiAzStandby: store.kind === "influxdb-provisioned" && store.deploymentType === "WITH_MULTIAZ_STANDBY",
});
console.log(
  `\nTelemetry store, per month (config/${values.config}.json uses ${store.kind}; the FleetWatch total above prices LiveAnalytics):`,
);
console.log(
  `  ${"Timestream for LiveAnalytics".padEnd(30)} ${usd(liveAnalyticsUsd).padStart(10)}  writes, memory and magnetic store, queries`,
);
for (const i of influx.items) {
  console.log(`  ${i.service.padEnd(30)} ${usd(i.usd).padStart(10)}  ${i.item}: ${Math.round(i.quantity)} ${i.unit}`);
}
console.log(
  `  ${"Timestream for InfluxDB total".padEnd(30)} ${usd(influx.totalUsd).padStart(10)}  (${Math.round(influx.linesPerSecond)} lines/s; FleetWatch total with it instead: ${usd(report.totals.fleetwatch - liveAnalyticsUsd + influx.totalUsd)})`,
);
console.log(
  `  InfluxDB rates: ${INFLUXDB_PRICES.source}, ${INFLUXDB_PRICES.verified} (the rate table did not render on ${INFLUXDB_PRICES.checked}; lib/cost/influxdb.ts)`,
);
console.log(
  `cost_store liveanalytics_usd=${usd(liveAnalyticsUsd)} influxdb_usd=${usd(influx.totalUsd)} influxdb_class=${influx.instanceType} influxdb_storage_gib=${influx.storageGiB}`,
);
table("Alternative: per-GPU CloudWatch custom metrics (same pollers)", report.cloudwatchPerGpu, report.totals.cloudwatchPerGpu);
table("Alternative: DCGM exporter + Amazon Managed Service for Prometheus (in-band, no fans/PSUs)", report.ampDcgm, report.totals.ampDcgm);
console.log(
  `cost nodes=${nodes} gpus=${nodes * gpusPerNode} interval_s=${intervalSeconds} fleetwatch_usd=${usd(report.totals.fleetwatch)} cloudwatch_per_gpu_usd=${usd(report.totals.cloudwatchPerGpu)} amp_dcgm_usd=${usd(report.totals.ampDcgm)}`,
);
