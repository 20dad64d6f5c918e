/**
 * Monthly cost of FleetWatch for a GPU fleet, per service, derived from the design: one
 * Kinesis record per BMC per poll (the snapshot contract, sized by serialising a
 * representative snapshot), Timestream records shaped by the ingest's own code
 * (lambdas/telemetry-ingest/records.ts), the CloudWatch metric count from the metric registry
 * and the alarm list from the signal catalog. Compared with the two things users would pick
 * instead: per-GPU CloudWatch custom metrics, and DCGM exporter + Amazon Managed Service for
 * Prometheus. Pure: prices from ./prices, config passed in.
 *
 * cost/ is the model behind `npm run cost` (scripts/cost.ts), a tool beside the CDK app, not a
 * construct: nothing in lib/ or the deployed stack imports it. It reads core/, dashboards/ and
 * the ingest's own record shaping so its counts follow the code it prices.
 */

import { resolveAlarms } from "../core/catalog";
import type { EnvironmentConfig } from "../core/config/schema";
import { METRICS, type MetricKey } from "../core/metric-registry";
import type { BmcSnapshot, Component } from "../core/snapshot";
import { fleetWatchDashboards } from "../dashboards/fleetwatch-dashboards";
import type { LogSource } from "../dashboards/spec";
import {
  buildWriteRequests,
  type MeasureValue,
  type SinkPoint,
  shapeSnapshot,
  TIMESTREAM_LIMITS,
} from "../lambdas/telemetry-ingest/records";
import { type MeasuredSweep, shardSweepSeconds } from "./poller-sweep";
import { HOURS_PER_MONTH, PRICES } from "./prices";

export interface CostAssumptions {
  readonly nodes: number;
  readonly gpusPerNode: number;
  readonly intervalSeconds: number;
  /** Out-of-band components per node the normaliser publishes besides GPUs. */
  readonly fansPerNode: number;
  readonly temperatureSensorsPerNode: number;
  readonly psusPerNode: number;
  /** redfish-poller: the measured sweep (bench/results/poller.json), scaled to the shard size. */
  readonly pollerSweep: MeasuredSweep;
  /** How the poller's subnets reach Kinesis and Secrets Manager: interface endpoints in each AZ, or a NAT gateway. */
  readonly vpcEgress: "interface-endpoints" | "nat-gateway";
  /** Dashboards left open on a screen with auto-refresh, and the refresh interval (each refresh reruns their log widgets). */
  readonly autoRefreshingDashboards: readonly string[];
  readonly autoRefreshMinutes: number;
  /** telemetry-ingest: time per Timestream WriteRecords request, and requests in flight. */
  readonly ingestMsPerWriteRequest: number;
  readonly ingestWriteConcurrency: number;
  /** Kinesis on-demand starts at 4 shards; the event source mapping polls each with the batching window. */
  readonly kinesisShards: number;
  readonly ingestBatchingWindowSeconds: number;
  readonly azurePollerSeconds: number;
  /** Share of GPUs that are warm, throttled or have ECC errors (one log line each per poll). */
  readonly abnormalGpuShare: number;
  readonly engineeringDashboardViewsPerMonth: number;
  readonly timestreamQueriesPerMonth: number;
  // The alternatives
  /** Per-GPU CloudWatch metrics: temperature, power, throttled, correctable and uncorrectable ECC. */
  readonly cloudwatchMetricsPerGpu: number;
  /** Per-GPU alarms: temperature warn and critical, ECC, throttling. */
  readonly cloudwatchAlarmsPerGpu: number;
  /** Per-node alarms: fans, power cap, BMC reachability. */
  readonly cloudwatchAlarmsPerNode: number;
  /** Series per GPU in AMP: the same 5 as the per-GPU CloudWatch alternative (dcgm-exporter's default set has 18). */
  readonly dcgmMetricsPerGpu: number;
  /** AMP keeps samples 150 days by default. */
  readonly ampRetentionDays: number;
}

export const DEFAULT_ASSUMPTIONS: Omit<CostAssumptions, "nodes" | "gpusPerNode" | "intervalSeconds" | "pollerSweep"> = {
  fansPerNode: 10,
  temperatureSensorsPerNode: 4,
  psusPerNode: 6,
  vpcEgress: "interface-endpoints",
  // The engineering dashboard ("what needs me") on an always-on screen; CloudWatch offers 10 s to 15 min.
  autoRefreshingDashboards: ["engineering"],
  autoRefreshMinutes: 5,
  ingestMsPerWriteRequest: 40,
  ingestWriteConcurrency: 4,
  kinesisShards: 4,
  ingestBatchingWindowSeconds: 5,
  azurePollerSeconds: 4,
  abnormalGpuShare: 0.02,
  engineeringDashboardViewsPerMonth: 300,
  timestreamQueriesPerMonth: 200,
  cloudwatchMetricsPerGpu: 5,
  cloudwatchAlarmsPerGpu: 4,
  cloudwatchAlarmsPerNode: 3,
  dcgmMetricsPerGpu: 5,
  ampRetentionDays: 150,
};

/**
 * The Timestream retention FleetWatch's cost estimate assumes: the memory store only has to
 * take on-time writes and fast recent queries (late data goes to the magnetic store, which
 * queries read transparently; dashboards read CloudWatch, not Timestream); per-GPU history
 * is kept 90 days, while the fleet aggregates stay in CloudWatch for 15 months.
 */
export const RECOMMENDED_RETENTION = { timestreamMemoryHours: 2, timestreamMagneticDays: 90 } as const;

export interface LineItem {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

export interface CostReport {
  readonly fleetwatch: LineItem[];
  /** The same alarms and dashboards with the poller publishing the aggregates itself: no Kinesis, no Timestream. */
  readonly cloudwatchOnly: LineItem[];
  readonly cloudwatchPerGpu: LineItem[];
  readonly ampDcgm: LineItem[];
  readonly totals: {
    readonly fleetwatch: number;
    readonly cloudwatchOnly: number;
    readonly cloudwatchPerGpu: number;
    readonly ampDcgm: number;
  };
  readonly derived: Record<string, number>;
  /** Things the totals do not show: the other VPC egress choice, quota problems. */
  readonly notes: string[];
}

/** CloudWatch's default quota of metric alarms per Region and account (CloudWatch User Guide, "Common features of CloudWatch alarms"). */
export const DEFAULT_ALARM_QUOTA = 5000;

/** What each design watches; rows and cells are generated into docs/cost.md. */
export const COVERAGE: {
  readonly what: string;
  readonly fleetwatch: string;
  readonly cloudwatchOnly: string;
  readonly cloudwatchPerGpu: string;
  readonly ampDcgm: string;
}[] = [
  {
    what: "GPU temperature, power, throttling, ECC",
    fleetwatch: "alarms per cluster; per-GPU history in Timestream",
    cloudwatchOnly: "alarms per cluster; per-GPU detail only in logs",
    cloudwatchPerGpu: "per GPU",
    ampDcgm: "per GPU (in-band)",
  },
  { what: "Fans", fleetwatch: "yes", cloudwatchOnly: "yes", cloudwatchPerGpu: "yes", ampDcgm: "no: DCGM reads the GPU, not the chassis" },
  { what: "PSUs", fleetwatch: "history (Timestream)", cloudwatchOnly: "logs", cloudwatchPerGpu: "yes", ampDcgm: "no" },
  { what: "Power draw vs chassis cap", fleetwatch: "yes", cloudwatchOnly: "yes", cloudwatchPerGpu: "yes", ampDcgm: "no (GPU power only)" },
  {
    what: "BMC reachability (node down, BMC network down)",
    fleetwatch: "yes, out of band",
    cloudwatchOnly: "yes",
    cloudwatchPerGpu: "yes",
    ampDcgm: "no: a dead node only stops scraping",
  },
  { what: "Azure OpenAI deployments", fleetwatch: "yes", cloudwatchOnly: "yes", cloudwatchPerGpu: "no (not priced in)", ampDcgm: "no" },
  {
    what: "Alarms within the default quota (5,000 per Region)",
    fleetwatch: "yes",
    cloudwatchOnly: "yes",
    cloudwatchPerGpu: "no (see the note)",
    ampDcgm: "n/a (alert rules)",
  },
];

const GB = 1024 ** 3;
const KB = 1024;

/** A snapshot as the contract describes it, with every field a B200 HGX node reports. */
export function representativeSnapshot(a: CostAssumptions, config: EnvironmentConfig): BmcSnapshot {
  const components: Component[] = [];
  for (let i = 1; i <= a.gpusPerNode; i++) {
    components.push({
      kind: "gpu",
      id: `GPU_SXM_${i}`,
      system: "HGX_Baseboard_0",
      name: "NVIDIA B200",
      health: "OK",
      temperatureC: 61,
      powerW: 690,
      powerLimitW: 1000,
      throttled: false,
      throttleReasons: [],
      eccCorrectable: 0,
      eccUncorrectable: 0,
    });
  }
  for (let i = 1; i <= a.fansPerNode; i++)
    components.push({ kind: "fan", id: `Fan${i}`, health: "OK", rpm: 9120, percent: 46, failed: false });
  for (let i = 1; i <= a.temperatureSensorsPerNode; i++) {
    components.push({ kind: "temperature", id: i === 1 ? "Inlet" : `Temp${i}`, health: "OK", temperatureC: 24, upperCriticalC: 42 });
  }
  for (let i = 1; i <= a.psusPerNode; i++) components.push({ kind: "psu", id: `PSU${i}`, health: "OK", powerW: 812 });
  components.push({ kind: "chassis", id: "1", health: "OK", powerW: 3940, powerLimitW: 4500, capped: false });
  return {
    schema: "fleetwatch.bmc-snapshot.v1",
    environment: config.name,
    cluster: config.redfish.clusters[0]?.name ?? "train-a",
    bmc: "10.64.123.234",
    collectedAt: "2026-11-22T10:00:00.000Z",
    durationMs: 840,
    requests: 3,
    status: "ok",
    errors: [],
    components,
  } as BmcSnapshot;
}

const utf8 = (v: string) => Buffer.byteLength(v, "utf8");

/** Timestream's metered size of a measure: name + 8 bytes (double/bigint), 1 (boolean) or the text. */
function measureBytes(m: MeasureValue): number {
  return utf8(m.Name) + (m.Type === "VARCHAR" ? utf8(m.Value) : m.Type === "BOOLEAN" ? 1 : 8);
}

/**
 * Stored size of a record as Timestream meters storage ("Metering and pricing" > Storage,
 * https://docs.aws.amazon.com/timestream/latest/developerguide/metering-and-pricing.storage.html,
 * read 2026-12-01): time + dimension names and values + measure name + value, and "each measure
 * is stored as a separate record": a multi-measure record with k measures is stored as k
 * records, each repeating the timestamp and every dimension. Counted conservatively with both the
 * record's measure name and the measure's own name.
 */
export function storedBytes(p: SinkPoint): number {
  const dims = [["environment", p.environment], ["cluster", p.cluster], ...p.dimensions.map((d) => [d.Name, d.Value])];
  const perRecord = 8 + dims.reduce((n, [k, v]) => n + utf8(k!) + utf8(v!), 0) + utf8(p.measureName);
  return p.measures.reduce((n, m) => n + perRecord + measureBytes(m), 0);
}

/**
 * Billed 1 KB write units per snapshot, from the ingest's own WriteRecords batching: each
 * request is metered on its total size rounded up to 1 KB, and a dimension repeated within a
 * request (CommonAttributes, the BMC of a snapshot, the GPU model) is charged once
 * (Timestream pricing: "data batching", "automatic detection of repeated data").
 */
export function billedWriteKbPerSnapshot(snapshot: BmcSnapshot, sample = 12): number {
  const points = Array.from({ length: sample }, (_, i) => shapeSnapshot({ ...snapshot, bmc: `10.64.${i}.${100 + i}` }, i)).flat();
  let kb = 0;
  for (const request of buildWriteRequests(points)) {
    const seen = new Set<string>();
    let bytes = 0;
    for (const d of request.CommonAttributes.Dimensions) {
      seen.add(`${d.Name}=${d.Value}`);
      bytes += utf8(d.Name) + utf8(d.Value);
    }
    for (const r of request.Records) {
      bytes += 8 + utf8(r.MeasureName) + r.MeasureValues.reduce((n, m) => n + measureBytes(m), 0);
      for (const d of r.Dimensions) {
        const key = `${d.Name}=${d.Value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        bytes += utf8(d.Name) + utf8(d.Value);
      }
    }
    kb += Math.ceil(bytes / KB);
  }
  return kb / sample;
}

/** Powertools' JSON log envelope around a finding (level, message, timestamp, service, function context). */
const LOG_ENVELOPE_BYTES = 330;

function item(service: string, itemName: string, quantity: number, unit: string, usd: number): LineItem {
  return { service, item: itemName, quantity, unit, usd };
}

function cloudwatchMetricsUsd(count: number): number {
  const tiers: [number, number][] = [
    [10_000, PRICES.cloudwatchMetricFirst10k.usd],
    [240_000, PRICES.cloudwatchMetricNext240k.usd],
    [750_000, PRICES.cloudwatchMetricNext750k.usd],
    [Number.POSITIVE_INFINITY, PRICES.cloudwatchMetricOver1M.usd],
  ];
  let left = count;
  let usd = 0;
  for (const [size, price] of tiers) {
    const n = Math.min(left, size);
    usd += n * price;
    left -= n;
    if (left <= 0) break;
  }
  return usd;
}

function ampIngestUsd(samples: number): number {
  const first = Math.min(samples, 2e9);
  const next = Math.max(0, samples - 2e9);
  return (first / 1e7) * PRICES.ampIngestFirst2B.usd + (next / 1e7) * PRICES.ampIngestNext250B.usd;
}

/**
 * Metrics published once a day (capacity-forecast's forecast run). CloudWatch prorates custom
 * metrics by the hour and meters only the hours in which a metric receives data
 * (https://aws.amazon.com/cloudwatch/pricing/), so one of these costs 1/24 of a metric sent
 * every hour.
 */
const DAILY_METRICS: ReadonlySet<MetricKey> = new Set<MetricKey>([
  "forecastAoaiRequestsPerDay",
  "forecastAoaiTokensPerDay",
  "forecastAoaiTokensPercentOfQuota",
  "forecastAoaiSpendPercentOfBudget",
  "forecastGpusReporting",
  "forecastGpuSpendPercentOfBudget",
  "forecastDaysToQuota",
  "forecastDaysToBudget",
  "forecastGpuDaysToBudget",
]);

/** Metric name x dimension values, per registry metric, for this config. */
function metricInstances(config: EnvironmentConfig): { key: MetricKey; count: number }[] {
  const clusters = config.redfish.clusters.length;
  const deployments = new Set((config.azure?.accounts ?? []).flatMap((a) => a.deployments.map((d) => d.name))).size;
  const teams = new Set((config.azure?.accounts ?? []).flatMap((a) => a.deployments.map((d) => d.team))).size;
  // Tier: P1, P2, P3; HorizonDays: 30, 60, 90.
  const values: Record<string, number> = {
    Environment: 1,
    Cluster: clusters,
    Deployment: deployments,
    Team: teams,
    Tier: 3,
    HorizonDays: 3,
  };
  const out: { key: MetricKey; count: number }[] = [];
  for (const [key, m] of Object.entries(METRICS) as [MetricKey, (typeof METRICS)[MetricKey]][]) {
    const azureOnly = m.emitter === "azure-openai-poller" || key === "azureQuotaHeadroomPercent" || key === "azureQuotaHeadroomMinPercent";
    if (azureOnly && !config.azure) continue;
    if ((m.dimensions as readonly string[]).includes("Deployment") && !config.azure) continue;
    out.push({ key, count: (m.dimensions as readonly string[]).reduce((n, d) => n * (values[d] ?? 1), 1) });
  }
  return out;
}

/** How many CloudWatch metrics (metric name x dimension values) the registry yields for this config. */
export function cloudwatchMetricCount(config: EnvironmentConfig): number {
  return metricInstances(config).reduce((n, m) => n + m.count, 0);
}

/** What CloudWatch bills: metric-months, daily metrics at 1/24 (see DAILY_METRICS). */
export function cloudwatchBilledMetrics(config: EnvironmentConfig): number {
  return metricInstances(config).reduce((n, m) => n + (DAILY_METRICS.has(m.key) ? m.count / 24 : m.count), 0);
}

/** Alarm state changes the incident recorder logs in a month (ALARM and OK of ~150 incidents). */
const INCIDENT_STATE_CHANGES_PER_MONTH = 300;

/** TLS records, HTTP headers and the SigV4 signature around each PutRecords payload (assumed 10 %). */
const HTTPS_OVERHEAD = 1.1;

/** The poller's private path to AWS APIs: one interface endpoint per service in every AZ, or NAT data processing. */
function vpcEgressItems(kind: CostAssumptions["vpcEgress"], services: readonly string[], azs: number, gb: number): LineItem[] {
  if (kind === "interface-endpoints") {
    const hours = services.length * azs * HOURS_PER_MONTH;
    return [
      item(
        "VPC",
        `interface endpoints (${services.join(", ")}) x ${azs} AZs`,
        hours,
        "endpoint-AZ-hours",
        hours * PRICES.privateLinkEndpointAzHour.usd,
      ),
      item("VPC", "interface endpoint data processed", gb, "GB", gb * PRICES.privateLinkDataGb.usd),
    ];
  }
  return [item("VPC", "NAT gateway data processed (gateway hours shared with the VPC)", gb, "GB", gb * PRICES.natGatewayDataGb.usd)];
}

/** Duration like "-PT3H" or "-P7D" in hours. */
function rangeHours(start: string): number {
  const m = /^-P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(start);
  if (!m) throw new Error(`cost model: cannot read the dashboard time range ${start}`);
  return Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0) + Number(m[3] ?? 0) / 60;
}

/** GB that Logs Insights scans per month for the dashboards' log widgets (views + auto-refreshes). */
export function dashboardLogScans(
  config: EnvironmentConfig,
  a: Pick<CostAssumptions, "autoRefreshingDashboards" | "autoRefreshMinutes" | "engineeringDashboardViewsPerMonth">,
  logBytesPerHour: Readonly<Record<LogSource, number>>,
): { gb: number; widgets: number; refreshesPerMonth: number } {
  let gb = 0;
  let widgets = 0;
  const refreshesPerMonth = Math.round((HOURS_PER_MONTH * 60) / a.autoRefreshMinutes);
  for (const d of fleetWatchDashboards(config)) {
    const logWidgets = d.rows.flat().filter((w) => w.type === "logs");
    if (logWidgets.length === 0) continue;
    widgets += logWidgets.length;
    const hours = rangeHours(d.start);
    const perRun = logWidgets.reduce((n, w) => n + w.sources.reduce((m, s) => m + logBytesPerHour[s] * hours, 0), 0);
    const runs =
      (d.id === "engineering" ? a.engineeringDashboardViewsPerMonth : 0) +
      (a.autoRefreshingDashboards.includes(d.id) ? refreshesPerMonth : 0);
    gb += (perRun * runs) / GB;
  }
  return { gb, widgets, refreshesPerMonth };
}

export function costReport(config: EnvironmentConfig, a: CostAssumptions): CostReport {
  const pollsPerMonth = (HOURS_PER_MONTH * 3600) / a.intervalSeconds;
  const gpus = a.nodes * a.gpusPerNode;
  const shards = Math.ceil(a.nodes / config.redfish.shardSize);
  const snapshotsPerMonth = a.nodes * pollsPerMonth;
  const hasAzure = config.azure !== undefined;
  const accounts = config.azure?.accounts.length ?? 0;
  const workspaces = config.azure?.workspaces.length ?? 0;
  const fw: LineItem[] = [];

  // --- the snapshot, the Kinesis record and the Timestream records it becomes ---
  const snapshot = representativeSnapshot(a, config);
  const snapshotBytes = Buffer.byteLength(JSON.stringify(snapshot));
  const points = shapeSnapshot(snapshot, 0);
  const storedBytesPerSnapshot = points.reduce((n, p) => n + storedBytes(p), 0);
  const writeBytesPerSnapshot = billedWriteKbPerSnapshot(snapshot) * KB;

  // --- Scheduler ---
  const schedulerInvocations = shards * pollsPerMonth + (hasAzure ? HOURS_PER_MONTH * 60 : 0);
  fw.push(
    item(
      "EventBridge Scheduler",
      "invocations (14 M/month free)",
      schedulerInvocations,
      "invocations",
      (Math.max(0, schedulerInvocations - PRICES.schedulerFreeInvocations.usd) / 1e6) * PRICES.schedulerInvocations.usd,
    ),
  );

  // --- Lambda ---
  const pollerSweepSeconds = shardSweepSeconds(a.pollerSweep, Math.min(a.nodes, config.redfish.shardSize));
  const pollerGbS = shards * pollsPerMonth * pollerSweepSeconds * 1;
  const writeRequestsPerMonth = (snapshotsPerMonth * points.length) / TIMESTREAM_LIMITS.recordsPerWrite;
  const ingestInvocations = a.kinesisShards * ((HOURS_PER_MONTH * 3600) / a.ingestBatchingWindowSeconds);
  const ingestSeconds = ingestInvocations * 0.05 + (writeRequestsPerMonth * a.ingestMsPerWriteRequest) / 1000 / a.ingestWriteConcurrency;
  const ingestGbS = ingestSeconds * 1;
  const azureInvocations = hasAzure ? HOURS_PER_MONTH * 60 : 0;
  const azureGbS = azureInvocations * a.azurePollerSeconds * 0.5;
  const lambdaRequests = shards * pollsPerMonth + ingestInvocations + azureInvocations;
  fw.push(
    item(
      "Lambda",
      `redfish-poller compute (1024 MB, arm64; ${pollerSweepSeconds.toFixed(2)} s per sweep, measured)`,
      pollerGbS,
      "GB-s",
      pollerGbS * PRICES.lambdaArmGbSecond.usd,
    ),
  );
  fw.push(item("Lambda", "telemetry-ingest compute (1024 MB, arm64)", ingestGbS, "GB-s", ingestGbS * PRICES.lambdaArmGbSecond.usd));
  if (hasAzure)
    fw.push(item("Lambda", "azure-openai-poller compute (512 MB, arm64)", azureGbS, "GB-s", azureGbS * PRICES.lambdaArmGbSecond.usd));
  fw.push(item("Lambda", "requests", lambdaRequests, "requests", (lambdaRequests / 1e6) * PRICES.lambdaRequests.usd));

  // --- Kinesis on-demand ---
  const ingestGb = (snapshotsPerMonth * Math.ceil(snapshotBytes / KB) * KB) / GB;
  const readGb = (snapshotsPerMonth * snapshotBytes) / GB;
  fw.push(item("Kinesis", "on-demand stream", HOURS_PER_MONTH, "stream-hours", HOURS_PER_MONTH * PRICES.kinesisOnDemandStreamHour.usd));
  fw.push(
    item(
      "Kinesis",
      `data in (${snapshotBytes} B snapshot, billed as ${Math.ceil(snapshotBytes / KB)} KB)`,
      ingestGb,
      "GB",
      ingestGb * PRICES.kinesisOnDemandIngestGb.usd,
    ),
  );
  fw.push(item("Kinesis", "data out (event source mapping)", readGb, "GB", readGb * PRICES.kinesisOnDemandRetrievalGb.usd));

  // --- Timestream ---
  const writeUnits = (snapshotsPerMonth * writeBytesPerSnapshot) / KB;
  // Storage is metered per record with every dimension (no batching discount).
  const storedGbPerHour = (a.nodes * (3600 / a.intervalSeconds) * storedBytesPerSnapshot) / GB;
  const memoryGb = storedGbPerHour * config.retention.timestreamMemoryHours;
  const magneticGb = storedGbPerHour * 24 * config.retention.timestreamMagneticDays;
  fw.push(
    item(
      "Timestream",
      `writes (${points.length} records/snapshot, ${Math.round(writeBytesPerSnapshot)} B)`,
      writeUnits,
      "1 KB writes",
      (writeUnits / 1e6) * PRICES.timestreamWrites.usd,
    ),
  );
  fw.push(
    item(
      "Timestream",
      `memory store (${config.retention.timestreamMemoryHours} h)`,
      memoryGb * HOURS_PER_MONTH,
      "GB-hours",
      memoryGb * HOURS_PER_MONTH * PRICES.timestreamMemoryGbHour.usd,
    ),
  );
  fw.push(
    item(
      "Timestream",
      `magnetic store (${config.retention.timestreamMagneticDays} d, steady state)`,
      magneticGb,
      "GB-months",
      magneticGb * PRICES.timestreamMagneticGbMonth.usd,
    ),
  );
  const tcuHours = (a.timestreamQueriesPerMonth * 4 * 30) / 3600;
  fw.push(
    item("Timestream", "on-call queries (4 TCU x 30 s minimum each)", tcuHours, "TCU-hours", tcuHours * PRICES.timestreamTcuHour.usd),
  );

  // --- CloudWatch ---
  const billedMetrics = cloudwatchBilledMetrics(config);
  fw.push(
    item(
      "CloudWatch",
      "custom metrics (fixed by the registry, not by fleet size; daily ones prorated)",
      billedMetrics,
      "metric-months",
      cloudwatchMetricsUsd(billedMetrics),
    ),
  );
  const alarms = resolveAlarms(config);
  const alarmMetrics = alarms.reduce((n, s) => n + (s.source.kind === "math" ? Object.keys(s.source.inputs).length : 1), 0);
  const composites = new Set(alarms.filter((s) => s.suppressedByAlarm).map((s) => s.pagingAlarmName)).size;
  fw.push(
    item(
      "CloudWatch",
      `alarms (${alarms.length} from the signal catalog)`,
      alarmMetrics,
      "alarm metrics",
      alarmMetrics * PRICES.cloudwatchAlarmMetric.usd,
    ),
  );
  if (composites)
    fw.push(item("CloudWatch", "composite alarms (suppression)", composites, "alarms", composites * PRICES.cloudwatchCompositeAlarm.usd));
  fw.push(item("CloudWatch", "dashboards", 3, "dashboards", 3 * PRICES.cloudwatchDashboard.usd));

  const snapshotLine = LOG_ENVELOPE_BYTES + 260;
  const gpuLine = LOG_ENVELOPE_BYTES + 420;
  const platformLines = 3 * 350; // START, END, REPORT (JSON format)
  const emfPerClusterPerInvocation = 1800;
  const ingestLogBytes =
    snapshotsPerMonth * snapshotLine +
    gpus * pollsPerMonth * a.abnormalGpuShare * gpuLine +
    ingestInvocations * (platformLines + 700 + emfPerClusterPerInvocation * Math.min(config.redfish.clusters.length, 2));
  const pollerLogBytes =
    shards * pollsPerMonth * (platformLines + 1200 + 900 * config.redfish.clusters.length) + snapshotsPerMonth * 0.005 * 600;
  const azureLogBytes = azureInvocations * (platformLines + 1500);
  // incident-recorder: one line per alarm state change (a few hundred a month); capacity-forecast:
  // two lines per forecast series a day, one per quota row an hour (section "Forecast" in docs/dashboards.md).
  const deploymentCount = (config.azure?.accounts ?? []).reduce((n, acc) => n + acc.deployments.length, 0);
  const incidentLogBytes = INCIDENT_STATE_CHANGES_PER_MONTH * (platformLines + 900);
  const forecastLogBytes =
    30.4 * (platformLines + (3 * deploymentCount + config.redfish.clusters.length + 1) * 2 * 450) +
    (config.azure ? HOURS_PER_MONTH * (platformLines + (deploymentCount + 1) * 450) : 0);
  const logsGb = (ingestLogBytes + pollerLogBytes + azureLogBytes + incidentLogBytes + forecastLogBytes) / GB;
  fw.push(item("CloudWatch", "logs ingestion (structured logs + EMF)", logsGb, "GB", logsGb * PRICES.cloudwatchLogsIngestGb.usd));
  const storedLogsGb = logsGb * (config.retention.logDays / 30.4);
  fw.push(
    item(
      "CloudWatch",
      `logs storage (${config.retention.logDays} d retention, steady state)`,
      storedLogsGb,
      "GB-months",
      storedLogsGb * PRICES.cloudwatchLogsStorageGbMonth.usd,
    ),
  );
  // Logs Insights: every view and every auto-refresh of a dashboard reruns its log widgets over
  // the dashboard's time range, scanning what its log groups ingested in that range.
  const logBytesPerHour: Record<LogSource, number> = {
    "telemetry-ingest": ingestLogBytes / HOURS_PER_MONTH,
    "redfish-poller": pollerLogBytes / HOURS_PER_MONTH,
    "azure-openai-poller": azureLogBytes / HOURS_PER_MONTH,
    "p1-enricher": 0,
    "incident-recorder": incidentLogBytes / HOURS_PER_MONTH,
    "capacity-forecast": forecastLogBytes / HOURS_PER_MONTH,
  };
  const scans = dashboardLogScans(config, a, logBytesPerHour);
  fw.push(
    item(
      "CloudWatch",
      `Logs Insights: dashboard log widgets (${scans.widgets} widgets; ${scans.refreshesPerMonth} auto-refreshes + ${a.engineeringDashboardViewsPerMonth} views)`,
      scans.gb,
      "GB scanned",
      scans.gb * PRICES.cloudwatchLogsInsightsGbScanned.usd,
    ),
  );

  // --- Secrets Manager, KMS ---
  const secrets =
    new Set(config.redfish.clusters.map((c) => c.credentialsSecretName)).size +
    (hasAzure ? 1 : 0) +
    (config.paging.p1.pagerDutyIntegrationUrlSecretName ? 1 : 0) +
    (config.paging.p3.ticketWebhookSecretName ? 1 : 0);
  const secretCalls = shards * pollsPerMonth + azureInvocations;
  fw.push(item("Secrets Manager", "secrets", secrets, "secrets", secrets * PRICES.secretsManagerSecret.usd));
  fw.push(
    item(
      "Secrets Manager",
      "GetSecretValue (once per invocation at most)",
      secretCalls,
      "calls",
      (secretCalls / 1e4) * PRICES.secretsManagerApiCalls.usd,
    ),
  );
  const kmsRequests = a.kinesisShards * 2 * (HOURS_PER_MONTH * 12); // data keys are reused for 5 minutes per shard and side
  fw.push(item("KMS", "stream key + data-key requests", 1, "keys", PRICES.kmsKey.usd + (kmsRequests / 1e4) * PRICES.kmsRequests.usd));

  // --- the poller's way out of the VPC to Kinesis and Secrets Manager (its logs leave through Lambda, not the VPC) ---
  const azs = config.redfish.network.availabilityZones.length;
  const egressGb = (snapshotsPerMonth * snapshotBytes * HTTPS_OVERHEAD) / GB;
  const egress = vpcEgressItems(a.vpcEgress, ["Kinesis", "Secrets Manager"], azs, egressGb);
  fw.push(...egress);
  const otherEgress = vpcEgressItems(
    a.vpcEgress === "nat-gateway" ? "interface-endpoints" : "nat-gateway",
    ["Kinesis", "Secrets Manager"],
    azs,
    egressGb,
  );

  // --- Azure Monitor ---
  if (hasAzure) {
    const calls = HOURS_PER_MONTH * 60 * (accounts * 2 + workspaces);
    fw.push(
      item(
        "Azure Monitor",
        "metrics:getBatch + Log Analytics queries (1 M/month free)",
        calls,
        "API calls",
        (Math.max(0, calls - PRICES.azureMetricsApiFreeCalls.usd) / 1000) * PRICES.azureMetricsApiCalls.usd,
      ),
    );
  }

  // --- alternative 0: the same alarms and dashboards, the poller publishing the aggregates itself (no Kinesis, no Timestream) ---
  const secretsEgress = vpcEgressItems(a.vpcEgress, ["Secrets Manager"], azs, (secretCalls * 8 * KB) / GB);
  const cwOnly: LineItem[] = [
    ...fw.filter(
      (i) =>
        i.service !== "Kinesis" &&
        i.service !== "Timestream" &&
        i.service !== "KMS" &&
        i.service !== "VPC" &&
        !i.item.startsWith("telemetry-ingest") &&
        !(i.service === "Lambda" && i.item === "requests"),
    ),
    item(
      "Lambda",
      "requests",
      lambdaRequests - ingestInvocations,
      "requests",
      ((lambdaRequests - ingestInvocations) / 1e6) * PRICES.lambdaRequests.usd,
    ),
    ...secretsEgress,
  ];

  // --- alternative 1: per-GPU CloudWatch custom metrics (same pollers, no Kinesis/Timestream) ---
  const pollerItems = fw.filter(
    (i) => i.service === "EventBridge Scheduler" || i.item.startsWith("redfish-poller") || i.service === "Secrets Manager",
  );
  const perNodeMetrics = a.fansPerNode + a.temperatureSensorsPerNode + a.psusPerNode + 2;
  const cwMetrics = gpus * a.cloudwatchMetricsPerGpu + a.nodes * perNodeMetrics;
  const cwAlarms = gpus * a.cloudwatchAlarmsPerGpu + a.nodes * a.cloudwatchAlarmsPerNode;
  const emfGb = (snapshotsPerMonth * (400 + (a.gpusPerNode * a.cloudwatchMetricsPerGpu + perNodeMetrics) * 45)) / GB;
  const cw: LineItem[] = [
    ...pollerItems,
    ...secretsEgress,
    item("CloudWatch", "per-GPU and per-node custom metrics", cwMetrics, "metrics", cloudwatchMetricsUsd(cwMetrics)),
    item(
      "CloudWatch",
      `per-GPU and per-node alarms (${cwAlarms} > the default quota of ${DEFAULT_ALARM_QUOTA})`,
      cwAlarms,
      "alarms",
      cwAlarms * PRICES.cloudwatchAlarmMetric.usd,
    ),
    item("CloudWatch", "EMF ingestion", emfGb, "GB", emfGb * PRICES.cloudwatchLogsIngestGb.usd),
    item("CloudWatch", "dashboards", 3, "dashboards", 3 * PRICES.cloudwatchDashboard.usd),
  ];

  // --- alternative 2: dcgm-exporter on every node, scraped at the same interval into AMP ---
  const samples = gpus * a.dcgmMetricsPerGpu * pollsPerMonth;
  const ampStoredGb = (samples * 2 * (a.ampRetentionDays / 30.4)) / GB; // ~2 bytes per compressed sample
  const ruleSamples = gpus * 3 * 5 * HOURS_PER_MONTH * 60; // 3 alert rules per GPU over 5-minute windows, every minute
  const amp: LineItem[] = [
    item("AMP", `samples ingested (${a.dcgmMetricsPerGpu} dcgm-exporter series per GPU)`, samples, "samples", ampIngestUsd(samples)),
    item(
      "AMP",
      `storage (${a.ampRetentionDays} d retention, steady state)`,
      ampStoredGb,
      "GB-months",
      ampStoredGb * PRICES.ampStorageGbMonth.usd,
    ),
    item("AMP", "alert-rule queries", ruleSamples, "query samples", (ruleSamples / 1e9) * PRICES.ampQuerySamples.usd),
  ];

  const notes: string[] = [
    `VPC egress: with ${a.vpcEgress === "nat-gateway" ? "interface endpoints in each of the " + azs + " AZs" : "a NAT gateway instead (data processing; plus its hours if the VPC has none yet)"} the path costs ${otherEgress.reduce((n, i) => n + i.usd, 0).toFixed(2)} USD/month instead of ${egress.reduce((n, i) => n + i.usd, 0).toFixed(2)}.`,
  ];
  if (cwAlarms > DEFAULT_ALARM_QUOTA)
    notes.push(
      `per-GPU CloudWatch: ${cwAlarms} alarms exceed CloudWatch's default quota of ${DEFAULT_ALARM_QUOTA} metric alarms per Region: it needs a quota increase (or alarms on metric-math/Metrics Insights aggregates, which is FleetWatch's design).`,
    );

  const sum = (xs: LineItem[]) => xs.reduce((s, x) => s + x.usd, 0);
  return {
    fleetwatch: fw,
    cloudwatchOnly: cwOnly,
    cloudwatchPerGpu: cw,
    ampDcgm: amp,
    totals: { fleetwatch: sum(fw), cloudwatchOnly: sum(cwOnly), cloudwatchPerGpu: sum(cw), ampDcgm: sum(amp) },
    notes,
    derived: {
      pollerSweepSeconds,
      perGpuAlarms: cwAlarms,
      logsInsightsGbScanned: scans.gb,
      pollsPerMonth,
      shards,
      snapshotBytes,
      timestreamRecordsPerSnapshot: points.length,
      timestreamWriteBytesPerSnapshot: writeBytesPerSnapshot,
      timestreamStoredBytesPerSnapshot: storedBytesPerSnapshot,
      cloudwatchMetrics: cloudwatchMetricCount(config),
      alarms: alarms.length,
    },
  };
}
