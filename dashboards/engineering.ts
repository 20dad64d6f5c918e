/**
 * The engineering dashboard: "What needs my attention?" Fleet aggregates per cluster at one
 * minute, the hottest and most throttled nodes from the ingest logs, a node drill-down, Azure
 * OpenAI deployments and the pipeline's own health. Every panel of an alarm signal is that
 * signal's own metric with its alarm lines (signal-graph.ts).
 */
import type { EnvironmentConfig } from "../core/config/schema";
import type { MetricKey } from "../core/metric-registry";
import { engineeringIncidentRows } from "./incidents-capacity";
import { type LogsQuerySpec, logsInsightsQueries, queryText } from "./logs-insights/queries";
import { signalGraph } from "./signal-graph";
import type { DashboardSpec, LogsWidgetSpec, WidgetSpec } from "./spec";
import {
  type Context,
  context,
  dashboard,
  envMetric,
  expr,
  graph,
  logsWidget,
  metric,
  NODE_PATTERN,
  perCluster,
  perDeployment,
  text,
} from "./widgets";

const perNode = (c: Context, key: MetricKey, stat: string, prefix: string, what: string, visible = true) =>
  perCluster(c, prefix, key, stat, (cl) => `${cl} ${what}`, visible);

/** A saved Logs Insights query (logs-insights/queries.ts) as a table widget. */
function savedQueryWidget(title: string, q: LogsQuerySpec, width = 12, height = 6): LogsWidgetSpec {
  return logsWidget(title, q.sources, queryText(q), [...q.columns], width, height);
}

function gpuRows(c: Context): WidgetSpec[][] {
  const config = c.config;
  return [
    [
      signalGraph(config, "Hottest GPU per cluster (°C)", [{ signalId: "gpu-temperature", label: (cl) => `${cl} max °C`, fill: "above" }], {
        yAxis: { min: 20, label: "°C" },
      }),
      signalGraph(config, "GPUs hot, critical, throttled", [{ signalId: "gpu-throttled", label: (cl) => `${cl} throttled` }], {
        extraQueries: [
          ...perNode(c, "gpusOverWarnTemperature", "Maximum", "w", "over warn"),
          ...perNode(c, "gpusOverCriticalTemperature", "Maximum", "x", "over critical"),
        ],
        yAxis: { min: 0, label: "GPUs" },
      }),
    ],
    [
      logsWidget(
        `Top 20 hottest nodes (Node variable: ${NODE_PATTERN})`,
        ["telemetry-ingest"],
        [
          `filter event = "fleetwatch.snapshot" and bmc like /${NODE_PATTERN}/`,
          "stats max(gpuTemperatureMaxC) as maxTempC, latest(hottestGpu) as hottestGpu, max(gpusThrottled) as throttledGpus by cluster, bmc",
          "sort maxTempC desc",
          "limit 20",
        ].join("\n| "),
        ["cluster", "bmc", "maxTempC", "hottestGpu", "throttledGpus"],
      ),
      logsWidget(
        "Most throttled nodes",
        ["telemetry-ingest"],
        [
          `filter event = "fleetwatch.snapshot" and gpusThrottled > 0`,
          "stats sum(gpusThrottled) as throttledGpuMinutes, max(gpusThrottled) as maxThrottledGpus by cluster, bmc",
          "sort throttledGpuMinutes desc",
          "limit 20",
        ].join("\n| "),
        ["cluster", "bmc", "throttledGpuMinutes", "maxThrottledGpus"],
      ),
    ],
  ];
}

function chassisRow(c: Context): WidgetSpec[] {
  const config = c.config;
  return [
    signalGraph(
      config,
      "Failed fans",
      [
        { signalId: "fan-failed", label: (cl) => `${cl} failed fans` },
        { signalId: "fans-failed-per-chassis", label: (cl) => `${cl} max in one chassis`, fill: "above" },
      ],
      { width: 8, yAxis: { min: 0, label: "fans" } },
    ),
    signalGraph(
      config,
      "Chassis within 5 % of their power cap",
      [{ signalId: "power-cap", label: (cl) => `${cl} at cap`, fill: "above" }],
      {
        width: 8,
        yAxis: { min: 0, label: "chassis" },
      },
    ),
    signalGraph(
      config,
      "GPUs with new uncorrectable ECC errors",
      [{ signalId: "gpu-uncorrectable-ecc", label: (cl) => `${cl} new ECC`, fill: "above" }],
      { width: 8, yAxis: { min: 0, label: "GPUs" } },
    ),
  ];
}

function bmcRow(c: Context): WidgetSpec[] {
  const config = c.config;
  const failing = logsInsightsQueries().find((q) => q.id === "unreachable-bmcs")!;
  return [
    signalGraph(
      config,
      "BMCs unreachable (% of cluster)",
      [{ signalId: "bmc-unreachable-share", label: (cl) => `${cl} unreachable %`, fill: "above" }],
      { width: 8, yAxis: { min: 0, max: 100, label: "%" } },
    ),
    signalGraph(
      config,
      "BMCs the poller could not reach (% of polled, network view)",
      [{ signalId: "bmc-network-outage", label: () => "unreachable (% of polled)", fill: "above" }],
      { width: 8, yAxis: { min: 0, max: 100, label: "%" } },
    ),
    signalGraph(config, "BMCs unreachable, stale, auth failures", [{ signalId: "bmc-telemetry-stale", label: (cl) => `${cl} stale` }], {
      width: 8,
      extraQueries: [
        ...perNode(c, "bmcsUnreachable", "Maximum", "un", "unreachable"),
        ...perNode(c, "pollerAuthFailures", "Sum", "af", "auth failures"),
      ],
      yAxis: { min: 0, label: "BMCs" },
    }),
    savedQueryWidget("Failing BMCs and why", failing, 8),
  ];
}

function drillDownRow(): WidgetSpec[] {
  return [
    logsWidget(
      `Node drill-down (Node variable = ${NODE_PATTERN}): snapshots and findings of the matching BMCs`,
      ["telemetry-ingest"],
      [
        "fields @timestamp, event, cluster, bmc, status, gpuTemperatureMaxC, hottestGpu, gpu, temperatureC, throttleReasons.0, eccUncorrectable, fan, chassis, headroomPercent",
        `filter bmc like /${NODE_PATTERN}/ and event like /^fleetwatch\\.(snapshot|gpu|fan|power_cap|bmc)$/`,
        "sort @timestamp desc",
        "limit 200",
      ].join("\n| "),
      ["@timestamp", "event", "cluster", "bmc", "status", "gpuTemperatureMaxC", "hottestGpu", "gpu", "temperatureC", "throttleReasons.0"],
      24,
      7,
    ),
  ];
}

/** Per deployment: latency percentiles against its P99 SLO (from config; the alarm reads % of it, below). */
function latencyWidget(c: Context, d: Context["deployments"][number]): WidgetSpec {
  const dims = { Environment: c.env, Deployment: d.name };
  return graph(
    `Latency ${d.name} (P50/P95/P99, SLO ${d.sloP99Ms} ms)`,
    [
      metric("p50", "aoaiLatencyP50Ms", dims, "Average", "P50"),
      metric("p95", "aoaiLatencyP95Ms", dims, "Average", "P95"),
      metric("p99", "aoaiLatencyP99Ms", dims, "Maximum", "P99"),
      metric("ttft", "aoaiTimeToFirstTokenMs", dims, "Average", "time to first token (streaming; PTU only)"),
    ],
    {
      width: 8,
      thresholds: [{ value: d.sloP99Ms, label: `P99 SLO ${d.sloP99Ms} ms`, severity: "target" }],
      yAxis: { min: 0, label: "ms" },
    },
  );
}

function azureRows(c: Context): WidgetSpec[][] {
  if (!c.deployments.length) return [];
  const config = c.config;
  const requests = perDeployment(c, "r", "aoaiRequests", "Sum", (d) => d, false);
  const tokens = perDeployment(c, "k", "aoaiTokens", "Sum", (d) => d, false);
  const rate = (title: string, prefix: string, key: "aoai4xxRatePercent" | "aoai5xxRatePercent") =>
    graph(
      title,
      perDeployment(c, prefix, key, "Average", (d) => d),
      { width: 6, yAxis: { min: 0, label: "%" } },
    );
  return [
    [
      text(
        `## Azure OpenAI deployments\nLatency percentiles come from Log Analytics; rates from Azure Monitor metrics, per minute.`,
        24,
        1,
      ),
    ],
    c.deployments.map((d) => latencyWidget(c, d)),
    [
      signalGraph(config, "Successful requests (% of requests, 100 when idle)", [{ signalId: "aoai-zero-success", fill: "below" }], {
        width: 6,
        yAxis: { min: 0, max: 100, label: "%" },
      }),
      signalGraph(config, "HTTP 429 rate (%)", [{ signalId: "aoai-429-rate", fill: "above" }], { width: 6, yAxis: { min: 0, label: "%" } }),
      rate("HTTP 4xx rate (%, 429 included)", "u", "aoai4xxRatePercent"),
      rate("HTTP 5xx rate (%)", "v", "aoai5xxRatePercent"),
    ],
    [
      signalGraph(config, "P99 latency (% of each deployment's SLO)", [{ signalId: "aoai-p99-latency", fill: "above" }], {
        width: 8,
        yAxis: { min: 0, label: "% of SLO" },
      }),
      graph("Requests per second", [...requests, ...c.deployments.map((d, i) => expr(`rps${i}`, `r${i} / PERIOD(r${i})`, d.name))], {
        width: 8,
        yAxis: { min: 0, label: "req/s" },
      }),
      graph("Tokens per second", [...tokens, ...c.deployments.map((d, i) => expr(`tps${i}`, `k${i} / PERIOD(k${i})`, d.name))], {
        width: 8,
        yAxis: { min: 0, label: "tokens/s" },
      }),
    ],
  ];
}

/** Monitoring the monitor: ingest, poller and Azure reader health. */
function pipelineRow(c: Context): WidgetSpec[] {
  const config = c.config;
  return [
    text("## Pipeline health (monitoring the monitor)", 24, 1),
    signalGraph(
      config,
      "Snapshots ingested, rejected, undelivered (per 5 min)",
      [
        { signalId: "sink-rejections", label: () => "sink rejected" },
        { signalId: "poller-undelivered", label: () => "undelivered to Kinesis" },
      ],
      { width: 8, extraQueries: perNode(c, "snapshotsIngested", "Sum", "si", "ingested"), yAxis: { min: 0 } },
    ),
    signalGraph(
      config,
      "Poller sweep duration (ms)",
      [{ signalId: "poller-sweep-duration", label: (cl) => `${cl} sweep`, fill: "above" }],
      {
        width: 8,
        yAxis: { min: 0, label: "ms" },
      },
    ),
    signalGraph(
      config,
      "Azure telemetry staleness and poll errors",
      [{ signalId: "azure-telemetry-stale", label: () => "staleness (s)", fill: "above" }],
      { width: 8, extraQueries: [envMetric(c, "aerr", "azurePollErrors", "Sum", "poll errors")], yAxis: { min: 0 } },
    ),
  ];
}

export function engineeringDashboard(config: EnvironmentConfig): DashboardSpec {
  const c = context(config);
  return dashboard(
    c,
    "engineering",
    `Fleet aggregates per cluster (1-minute, real time), the hottest and most throttled GPUs from the ingest logs, and a node drill-down: type a BMC into the **Node** variable. Saved queries: Logs Insights → Queries → FleetWatch-${c.env}.`,
    ...gpuRows(c),
    chassisRow(c),
    bmcRow(c),
    drillDownRow(),
    ...engineeringIncidentRows(),
    ...azureRows(c),
    pipelineRow(c),
  );
}
