/**
 * The three FleetWatch dashboards (docs/signal-catalog.md, "Dashboards"), generated from the metric
 * registry (core/metric-registry.ts), the environment's config (clusters, deployments,
 * budgets) and the catalog thresholds. Pure data: see dashboards/spec.ts.
 */

import { BURN_RATE_POLICIES, resolveSlos, SLO_PERIOD_DAYS, SLOS, type SloInstance } from "../core/catalog/slo";
import type { EnvironmentConfig } from "../core/config/schema";
import { METRICS, type MetricKey } from "../core/metric-registry";
import { capacityForecastRows, capacityHeadroomRows, engineeringIncidentRows, executiveIncidentRows } from "./incidents-capacity";
import { logsInsightsQueries, queryText } from "./logs-insights/queries";
import {
  type DashboardSpec,
  dashboardName,
  type GraphWidgetSpec,
  type MetricQuery,
  type Query,
  type Threshold,
  type WidgetSpec,
} from "./spec";
import { catalogLine, catalogThreshold, SLA_TARGET_PERCENT } from "./thresholds";
import {
  type Context,
  context,
  DAY,
  envMetric,
  expr,
  graph,
  HOUR,
  ids,
  logsWidget,
  metric,
  NODE_PATTERN,
  perCluster,
  perDeployment,
  text,
  WEEK,
} from "./widgets";

function rows(...groups: WidgetSpec[][]): WidgetSpec[][] {
  const out: WidgetSpec[][] = [];
  for (const group of groups) {
    let row: WidgetSpec[] = [];
    let width = 0;
    for (const w of group) {
      if (width + w.width > 24) {
        out.push(row);
        row = [];
        width = 0;
      }
      row.push(w);
      width += w.width;
    }
    if (row.length) out.push(row);
  }
  return out;
}

// ---------- budget burn (shared by executive and capacity) ----------

function tokenSpendDaily(c: Context): { queries: Query[]; spendId: string } {
  const costs = perDeployment(c, "c", "aoaiEstimatedCost", "Sum", (d) => `${d} spend`, false);
  return { queries: [...costs, expr("spend", `SUM([${ids(costs)}])`, "Token spend (USD/day)")], spendId: "spend" };
}

function gpuSpendDaily(c: Context): { queries: Query[]; spendId: string } {
  // The environment total the gpu-spend alarm reads (one metric at any cluster count).
  const gpus = metric("g", "gpusReportingInEnvironment", { Environment: c.env }, "Sum", "GPU readings, all clusters", false);
  return {
    queries: [
      gpus,
      expr("gpuh", `g * ${c.intervalSeconds} / 3600`, "GPU-hours", false),
      expr("spend", `gpuh * ${c.budgets.gpuHourUsd}`, "GPU spend (USD/day)"),
    ],
    spendId: "spend",
  };
}

type Spend = (c: Context) => { queries: Query[]; spendId: string };

function spendVsDailyBudget(c: Context, what: string, spend: Spend, dailyBudget: number, width = 12): GraphWidgetSpec {
  const s = spend(c);
  return graph(`${what} spend per day vs daily budget (${usd(dailyBudget)})`, s.queries, {
    width,
    periodSeconds: DAY,

    thresholds: [
      { value: dailyBudget, label: "daily budget", severity: "budget" },
      {
        value: (dailyBudget * spendCritical(c, what)) / 100,
        label: `${spendCritical(c, what)} % of budget (P1)`,
        severity: "critical",
        fill: "above",
      },
    ],
    yAxis: { min: 0, label: "USD" },
  });
}

function spendLast30Days(c: Context, what: string, spend: Spend, monthlyBudget: number): GraphWidgetSpec {
  const s = spend(c);
  return graph(
    `${what} spend, last 30 days vs monthly budget (${usd(monthlyBudget)})`,
    [
      ...s.queries.map((q) => (q.id === s.spendId ? { ...q, label: `${what} spend (USD)` } : q)),
      expr("pct", `100 * ${s.spendId} / ${monthlyBudget}`, "% of monthly budget"),
    ],
    { width: 6, view: "singleValue", periodSeconds: DAY, start: "-P30D", setPeriodToTimeRange: true },
  );
}

function burnRate(c: Context, what: string, spend: Spend, dailyBudget: number): GraphWidgetSpec {
  const s = spend(c);
  return graph(
    `${what} burn rate (% of daily budget)`,
    [
      ...s.queries.map((q) => (q.id === s.spendId ? { ...q, visible: false } : q)),
      expr("burn", `100 * ${s.spendId} / ${dailyBudget}`, "burn rate (%)"),
    ],
    {
      width: 8,
      periodSeconds: DAY,
      thresholds: [{ value: 100, label: "on budget", severity: "budget" }, catalogLine(c.config, spendSignal(what), "critical", "above")],
      yAxis: { min: 0, label: "%" },
    },
  );
}

function daysLeft(c: Context, what: string, spend: Spend, monthlyBudget: number): GraphWidgetSpec {
  const s = spend(c);
  return graph(
    `${what}: days of monthly budget left at the 30-day average burn`,
    [
      ...s.queries.map((q) => (q.id === s.spendId ? { ...q, visible: false } : q)),
      expr("mtd", `RUNNING_SUM(${s.spendId})`, "spent in window (USD)", false),
      expr("left", `(${monthlyBudget} - mtd) / AVG(${s.spendId})`, "days of budget left"),
    ],
    { width: 8, view: "singleValue", periodSeconds: DAY, start: "-P30D" },
  );
}

const spendSignal = (what: string) => (what === "GPU" ? "gpu-spend" : "aoai-spend");
const spendCritical = (c: Context, what: string) => catalogThreshold(c.config, spendSignal(what), "critical");

export function usd(v: number): string {
  return `$${v.toLocaleString("en-US")}`;
}

// ---------- SLO error budgets (executive and capacity) ----------

/** Above this many SLO instances the capacity dashboard shows no days-until-exhausted panels (body size). */
const MAX_SLO_INSTANCES_ON_CAPACITY = 40;

/** Days shown when nothing burns: "more than the whole window". */
const NOT_BURNING_DAYS = 999;

/**
 * Per SLO instance i, the bad and valid event counts of each period as ids b<i> and t<i>
 * (metrics or expressions), the same quantities the burn-rate alarms use (core/catalog/slo.ts).
 * Hidden queries are labelled with their id: at 100 instances the labels alone would cost
 * kilobytes of the 256 KB dashboard body.
 */
function sloCounts(c: Context, slo: SloInstance, i: number): Query[] {
  const dims =
    slo.instance.cluster !== undefined ? { Environment: c.env, Cluster: slo.name } : { Environment: c.env, Deployment: slo.name };
  const hidden = (id: string, key: MetricKey, stat: string) => metric(id, key, dims, stat, id, false);
  switch (slo.slo) {
    case "aoai-availability":
      return [hidden(`b${i}`, "aoaiUnavailableRequests", "Sum"), hidden(`t${i}`, "aoaiRequests", "Sum")];
    case "aoai-latency":
      // Minutes with traffic (SampleCount of the per-minute P99) and the share (%) of them at or under the threshold.
      return [
        hidden(`t${i}`, "aoaiLatencyP99", "SampleCount"),
        hidden(`g${i}`, "aoaiLatencyP99", `PR(:${slo.thresholdMs})`),
        expr(`b${i}`, `t${i} * (100 - g${i}) / 100`, `b${i}`, false),
      ];
    case "gpu-fleet":
      return [
        hidden(`t${i}`, "gpusExpected", "Sum"),
        hidden(`h${i}`, "gpusHealthy", "Sum"),
        expr(`b${i}`, `t${i} - FILL(h${i}, 0)`, `b${i}`, false),
      ];
  }
}

/** Budget of one instance as a fraction of its events: (100 - target) / 100. */
const budgetFraction = (slo: SloInstance) => Math.round((100 - slo.targetPercent) * 1e6) / 1e8;

function sloLabel(slo: SloInstance): string {
  return `${slo.name} (${slo.targetPercent} %)`;
}

/** Executive: error budget left in the last 30 days (%), one value per instance. */
function budgetLeftWidget(c: Context, title: string, slos: readonly SloInstance[]): GraphWidgetSpec {
  const queries = slos.flatMap((slo, i) => [
    ...sloCounts(c, slo, i),
    expr(`left${i}`, `IF(t${i} > 0, 100 * (1 - b${i} / t${i} / ${budgetFraction(slo)}), 100)`, sloLabel(slo)),
  ]);
  return graph(`${title}: error budget left, last ${SLO_PERIOD_DAYS} days (%)`, queries, {
    width: 8,
    view: "singleValue",
    periodSeconds: HOUR,
    start: `-P${SLO_PERIOD_DAYS}D`,
    setPeriodToTimeRange: true,
  });
}

/** Executive: burn rate per hour (1 = exactly the budget in 30 days), with the burn-rate alerts' factors as lines. */
function burnRateWidget(c: Context, title: string, slos: readonly SloInstance[]): GraphWidgetSpec {
  const queries = slos.flatMap((slo, i) => [
    ...sloCounts(c, slo, i),
    expr(`burn${i}`, `IF(t${i} > 0, b${i} / t${i} / ${budgetFraction(slo)}, 0)`, sloLabel(slo)),
  ]);
  const severity = { P1: "critical", P2: "warn", P3: "budget" } as const;
  return graph(`${title}: error budget burn rate per hour (× budget)`, queries, {
    width: 16,
    periodSeconds: HOUR,
    start: "-P7D",
    thresholds: BURN_RATE_POLICIES.map((p) => ({
      value: p.factor,
      label: `${p.factor}× (${p.tier} when the short window burns too)`,
      severity: severity[p.tier],
    })),
    yAxis: { min: 0, label: "× budget" },
  });
}

/**
 * Capacity: per instance, the days until the budget is gone at the last hour's burn: budget left
 * × 30 days / burn, with budget left = 1 - RUNNING_SUM(b) / RUNNING_SUM(t) / budget (the running
 * sums over the 30-day range reach the whole window at the latest hour) and burn = b / t / budget,
 * so left × 30 × t × budget / b. Budget left itself is on the executive dashboard (the body of
 * this one is near CloudWatch's 256 KB at 40 clusters and 60 deployments).
 */
function budgetDaysWidget(c: Context, title: string, slos: readonly SloInstance[]): GraphWidgetSpec {
  const queries = slos.flatMap((slo, i) => {
    const f = budgetFraction(slo);
    const left = `(1 - RUNNING_SUM(b${i}) / RUNNING_SUM(t${i}) / ${f})`;
    return [
      ...sloCounts(c, slo, i),
      expr(
        `days${i}`,
        `IF(${left} <= 0, 0, IF(b${i} > 0, ${left} * ${SLO_PERIOD_DAYS} * t${i} * ${f} / b${i}, ${NOT_BURNING_DAYS}))`,
        sloLabel(slo),
      ),
    ];
  });
  return graph(
    `${title}: days until the 30-day error budget is gone at the last hour's burn (${NOT_BURNING_DAYS} = not burning)`,
    queries,
    {
      width: 24,
      view: "singleValue",
      periodSeconds: HOUR,
      start: `-P${SLO_PERIOD_DAYS}D`,
    },
  );
}

/**
 * The SLO panels: per SLO kind of this environment, budget left and burn rate (executive) or
 * budget left and days until exhausted (capacity). docs/alarms.md, "Error budget on the dashboards".
 */
export function sloBudgetRows(config: EnvironmentConfig, dashboard: "executive" | "capacity"): WidgetSpec[][] {
  const c = context(config);
  const all = resolveSlos(config);
  const out: WidgetSpec[][] = [];
  for (const def of SLOS) {
    const slos = all.filter((s) => s.slo === def.id);
    if (slos.length === 0) continue;
    const title = `${def.title} SLO`;
    if (dashboard === "executive") out.push([budgetLeftWidget(c, title, slos), burnRateWidget(c, title, slos)]);
    // The capacity dashboard's body (forecasts, headroom) leaves room for about 40 instances' worth.
    else if (all.length <= MAX_SLO_INSTANCES_ON_CAPACITY) out.push([budgetDaysWidget(c, title, slos)]);
  }
  if (dashboard === "capacity" && all.length > MAX_SLO_INSTANCES_ON_CAPACITY) {
    out.push([
      text(
        `**Error budgets**: ${all.length} SLO instances are more than this dashboard's 256 KB body holds next to the forecasts: budget left and burn rate per SLO are on the executive dashboard.`,
      ),
    ]);
  }
  return out;
}

// ---------- executive ----------

function slaQueries(c: Context): Query[] {
  // Σ5xx / Σrequests over each period: counts, so busy minutes weigh more than quiet ones
  // (an average 5xx % times the requests would weight them equally).
  const requests = perDeployment(c, "q", "aoaiRequests", "Sum", (d) => `${d} requests`, false);
  const failed = perDeployment(c, "f", "aoai5xxRequests", "Sum", (d) => `${d} 5xx requests`, false);
  return [...requests, ...failed, expr("avail", `100 * (1 - SUM([${ids(failed)}]) / SUM([${ids(requests)}]))`, "availability (%)")];
}

function requestsServed(c: Context): Query[] {
  const requests = perDeployment(c, "q", "aoaiRequests", "Sum", (d) => `${d} requests`, false);
  return [...requests, expr("served", `SUM([${ids(requests)}])`, "requests served")];
}

export function executiveDashboard(config: EnvironmentConfig): DashboardSpec {
  const c = context(config);
  const b = c.budgets;
  const sla: Threshold = { value: SLA_TARGET_PERCENT, label: `SLA target ${SLA_TARGET_PERCENT} %`, severity: "target", fill: "below" };
  const hasAzure = c.deployments.length > 0;
  return {
    id: "executive",
    name: dashboardName(c.env, "executive"),
    title: `FleetWatch ${c.env} — executive`,
    question: "How is the AI platform doing?",
    start: "-P90D",
    periodSeconds: HOUR,
    variables: [],
    rows: rows(
      [
        text(
          `# How is the AI platform doing? (${c.env})\nSLA target ${SLA_TARGET_PERCENT} % · GPU budget ${usd(b.dailyGpuBudgetUsd)}/day, ${usd(b.monthlyGpuBudgetUsd)}/month · token budget ${usd(b.dailyTokenBudgetUsd)}/day, ${usd(b.monthlyTokenBudgetUsd)}/month · hourly, 90 days. Generated by FleetWatch (dashboards/); edits in the console are overwritten on deploy.`,
        ),
      ],
      [
        ...(hasAzure
          ? [
              graph("SLA availability over the range", slaQueries(c), {
                width: 6,
                view: "singleValue",
                periodSeconds: HOUR,
                setPeriodToTimeRange: true,
                thresholds: [sla],
              }),
              graph("Requests served over the range", requestsServed(c), {
                width: 6,
                view: "singleValue",
                periodSeconds: HOUR,
                setPeriodToTimeRange: true,
              }),
              spendLast30Days(c, "Token", tokenSpendDaily, b.monthlyTokenBudgetUsd),
            ]
          : []),
        spendLast30Days(c, "GPU", gpuSpendDaily, b.monthlyGpuBudgetUsd),
      ],
      hasAzure
        ? [
            graph("SLA availability per hour (Azure OpenAI, all deployments)", slaQueries(c), {
              periodSeconds: HOUR,
              thresholds: [sla],
              yAxis: { min: 99, max: 100, label: "%" },
            }),
            graph("Requests served per hour", requestsServed(c), { periodSeconds: HOUR, yAxis: { min: 0 } }),
          ]
        : [],
      ...sloBudgetRows(config, "executive"),
      [
        ...(hasAzure ? [spendVsDailyBudget(c, "Token", tokenSpendDaily, b.dailyTokenBudgetUsd)] : []),
        spendVsDailyBudget(c, "GPU", gpuSpendDaily, b.dailyGpuBudgetUsd, hasAzure ? 12 : 24),
      ],
      ...executiveIncidentRows(c),
      [
        { type: "alarms", title: "Open P1 alarms (page: PagerDuty, 5 min)", width: 12, height: 4, tiers: ["P1"] },
        { type: "alarms", title: "Open P2 alarms (Slack/Teams, 30 min)", width: 12, height: 4, tiers: ["P2"] },
      ],
    ),
  };
}

// ---------- engineering ----------

export function engineeringDashboard(config: EnvironmentConfig): DashboardSpec {
  const c = context(config);
  const q = logsInsightsQueries();
  const byId = (id: string) => q.find((x) => x.id === id)!;
  const perNode = (metricKey: MetricKey, stat: string, prefix: string, what: string, visible = true) =>
    perCluster(c, prefix, metricKey, stat, (cl) => `${cl} ${what}`, visible);
  const tempLines: Threshold[] = [
    catalogLine(config, "gpu-temperature", "warn"),
    catalogLine(config, "gpu-temperature", "critical", "above"),
  ];
  const latency = c.deployments.map((d) =>
    graph(
      `Latency ${d.name} (P50/P95/P99, SLO ${d.sloP99Ms} ms)`,
      [
        metric("p50", "aoaiLatencyP50", { Environment: c.env, Deployment: d.name }, "Average", "P50"),
        metric("p95", "aoaiLatencyP95", { Environment: c.env, Deployment: d.name }, "Average", "P95"),
        metric("p99", "aoaiLatencyP99", { Environment: c.env, Deployment: d.name }, "Maximum", "P99"),
        metric(
          "ttft",
          "aoaiTimeToFirstToken",
          { Environment: c.env, Deployment: d.name },
          "Average",
          "time to first token (streaming; PTU only)",
        ),
      ],
      {
        width: 8,
        thresholds: [
          {
            value: (d.sloP99Ms * catalogThreshold(config, "aoai-p99-latency", "warn")) / 100,
            label: `P99 SLO ${d.sloP99Ms} ms (P2 after 15 min)`,
            severity: "warn",
            fill: "above",
          },
        ],
        yAxis: { min: 0, label: "ms" },
      },
    ),
  );
  const requests = perDeployment(c, "r", "aoaiRequests", "Sum", (d) => d, false);
  const tokens = perDeployment(c, "k", "aoaiTokens", "Sum", (d) => d, false);
  const azure: WidgetSpec[][] = c.deployments.length
    ? [
        [
          text(
            `## Azure OpenAI deployments\nLatency percentiles come from Log Analytics; rates from Azure Monitor metrics, per minute.`,
            24,
            1,
          ),
        ],
        latency,
        [
          graph(
            "Successful requests (% of requests)",
            [
              ...perDeployment(c, "ok", "aoaiSuccessfulRequests", "Sum", (d) => `${d} ok`, false),
              ...perDeployment(c, "rq", "aoaiRequests", "Sum", (d) => `${d} requests`, false),
              ...c.deployments.map((d, i) => expr(`sr${i}`, `100 * ok${i} / rq${i}`, d.name)),
            ],
            {
              width: 6,
              thresholds: [catalogLine(config, "aoai-zero-success", "critical", "below")],
              yAxis: { min: 0, max: 100, label: "%" },
            },
          ),
          graph(
            "HTTP 429 rate (%)",
            perDeployment(c, "t", "aoai429Rate", "Average", (d) => d),
            {
              width: 6,
              thresholds: [catalogLine(config, "aoai-429-rate", "warn", "above")],
              yAxis: { min: 0, label: "%" },
            },
          ),
          graph(
            "HTTP 4xx rate (%, 429 included)",
            perDeployment(c, "u", "aoai4xxRate", "Average", (d) => d),
            { width: 6, yAxis: { min: 0, label: "%" } },
          ),
          graph(
            "HTTP 5xx rate (%)",
            perDeployment(c, "v", "aoai5xxRate", "Average", (d) => d),
            { width: 6, yAxis: { min: 0, label: "%" } },
          ),
        ],
        [
          graph("Requests per second", [...requests, ...c.deployments.map((d, i) => expr(`rps${i}`, `r${i} / PERIOD(r${i})`, d.name))], {
            yAxis: { min: 0, label: "req/s" },
          }),
          graph("Tokens per second", [...tokens, ...c.deployments.map((d, i) => expr(`tps${i}`, `k${i} / PERIOD(k${i})`, d.name))], {
            yAxis: { min: 0, label: "tokens/s" },
          }),
        ],
      ]
    : [];

  return {
    id: "engineering",
    name: dashboardName(c.env, "engineering"),
    title: `FleetWatch ${c.env} — engineering`,
    question: "What needs my attention?",
    start: "-PT3H",
    periodSeconds: 60,
    variables: [{ id: "node", label: "Node (BMC) for the drill-down, a regex", pattern: NODE_PATTERN, defaultValue: "." }],
    rows: rows(
      [
        text(
          `# What needs my attention? (${c.env})\nFleet aggregates per cluster (1-minute, real time), the hottest and most throttled GPUs from the ingest logs, and a node drill-down: type a BMC into the **Node** variable. Saved queries: Logs Insights → Queries → FleetWatch-${c.env}.`,
        ),
      ],
      [
        graph("Hottest GPU per cluster (°C)", perNode("gpuTemperatureMax", "Maximum", "h", "max °C"), {
          thresholds: tempLines,
          yAxis: { min: 20, label: "°C" },
        }),
        graph(
          "GPUs hot, critical, throttled",
          [
            ...perNode("gpusOverWarnTemperature", "Maximum", "w", "over warn"),
            ...perNode("gpusOverCriticalTemperature", "Maximum", "x", "over critical"),
            ...perNode("gpusThrottled", "Maximum", "y", "throttled"),
          ],
          { yAxis: { min: 0, label: "GPUs" } },
        ),
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
      [
        graph(
          "Failed fans",
          [
            ...perNode("fansFailed", "Maximum", "f", "failed fans"),
            ...perNode("maxFansFailedPerChassis", "Maximum", "fc", "max in one chassis"),
          ],
          {
            width: 8,
            thresholds: [catalogLine(config, "fan-failed", "warn"), catalogLine(config, "fans-failed-per-chassis", "critical", "above")],
            yAxis: { min: 0, label: "fans" },
          },
        ),
        graph("Chassis within 5 % of their power cap", perNode("chassisAtPowerCap", "Maximum", "pc", "at cap"), {
          width: 8,
          thresholds: [catalogLine(config, "power-cap", "warn", "above")],
          yAxis: { min: 0, label: "chassis" },
        }),
        graph("GPUs with new uncorrectable ECC errors", perNode("gpusNewUncorrectableEcc", "Sum", "ecc", "new ECC"), {
          width: 8,
          thresholds: [catalogLine(config, "gpu-uncorrectable-ecc", "critical", "above")],
          yAxis: { min: 0, label: "GPUs" },
        }),
      ],
      [
        graph(
          "BMCs unreachable (% of cluster)",
          [
            ...perNode("bmcsUnreachable", "Sum", "bu", "unreachable", false),
            ...perNode("snapshotsIngested", "Sum", "bs", "snapshots", false),
            ...c.clusters.map((cl, i) => expr(`bp${i}`, `100 * bu${i} / bs${i}`, `${cl} unreachable %`)),
          ],
          {
            width: 8,
            thresholds: [catalogLine(config, "bmc-unreachable-share", "critical", "above")],
            yAxis: { min: 0, max: 100, label: "%" },
          },
        ),
        graph(
          "BMCs the poller could not reach (% of polled, network view)",
          [
            // The environment totals the bmc-network-outage alarm reads.
            metric("pu", "pollerBmcsUnreachableInEnvironment", { Environment: c.env }, "Sum", "unreachable", false),
            metric("pp", "pollerBmcsPolledInEnvironment", { Environment: c.env }, "Sum", "polled", false),
            expr("reach", "100 * pu / pp", "unreachable (% of polled)"),
          ],
          {
            width: 8,
            thresholds: [catalogLine(config, "bmc-network-outage", "critical", "above")],
            yAxis: { min: 0, max: 100, label: "%" },
          },
        ),
        graph(
          "BMCs unreachable, stale, auth failures",
          [
            ...perNode("bmcsUnreachable", "Maximum", "un", "unreachable"),
            ...perNode("bmcsStale", "Maximum", "st", "stale"),
            ...perNode("pollerAuthFailures", "Sum", "af", "auth failures"),
          ],
          { width: 8, yAxis: { min: 0, label: "BMCs" } },
        ),
        logsWidget(
          "Failing BMCs and why",
          byId("unreachable-bmcs").sources,
          queryText(byId("unreachable-bmcs")),
          [...byId("unreachable-bmcs").columns],
          8,
        ),
      ],
      [
        logsWidget(
          `Node drill-down (Node variable = ${NODE_PATTERN}): snapshots and findings of the matching BMCs`,
          ["telemetry-ingest"],
          [
            "fields @timestamp, event, cluster, bmc, status, gpuTemperatureMaxC, hottestGpu, gpu, temperatureC, throttleReasons.0, eccUncorrectable, fan, chassis, headroomPercent",
            `filter bmc like /${NODE_PATTERN}/ and event like /^fleetwatch\\.(snapshot|gpu|fan|power_cap|bmc)$/`,
            "sort @timestamp desc",
            "limit 200",
          ].join("\n| "),
          [
            "@timestamp",
            "event",
            "cluster",
            "bmc",
            "status",
            "gpuTemperatureMaxC",
            "hottestGpu",
            "gpu",
            "temperatureC",
            "throttleReasons.0",
          ],
          24,
          7,
        ),
      ],
      ...engineeringIncidentRows(),
      ...azure,
      [
        text("## Pipeline health (monitoring the monitor)", 24, 1),
        graph(
          "Snapshots ingested, rejected, undelivered",
          [
            ...perNode("snapshotsIngested", "Sum", "si", "ingested"),
            envMetric(c, "rej", "sinkRecordsRejected", "Sum", "sink rejected"),
            envMetric(c, "und", "pollerSnapshotsUndelivered", "Sum", "undelivered to Kinesis"),
          ],
          { width: 8, yAxis: { min: 0 } },
        ),
        graph("Poller sweep duration (ms)", perNode("pollerSweepDuration", "Maximum", "sw", "sweep"), {
          width: 8,
          thresholds: [catalogLine(config, "poller-sweep-duration", "warn", "above")],
          yAxis: { min: 0, label: "ms" },
        }),
        graph(
          "Azure telemetry staleness and poll errors",
          [
            envMetric(c, "stale", "azureTelemetryStaleness", "Maximum", "staleness (s)"),
            envMetric(c, "aerr", "azurePollErrors", "Sum", "poll errors"),
          ],
          { width: 8, thresholds: [catalogLine(config, "azure-telemetry-stale", "warn", "above")], yAxis: { min: 0 } },
        ),
      ],
    ),
  };
}

// ---------- capacity ----------

export function capacityDashboard(config: EnvironmentConfig): DashboardSpec {
  const c = context(config);
  const b = c.budgets;
  const tpm = perDeployment(c, "m", "aoaiTpmUtilization", "Maximum", (d) => d);
  const quotaLine: Threshold = catalogLine(config, "aoai-tpm-quota", "warn", "above");
  const weekly = perDeployment(c, "wk", "aoaiTokens", "Sum", (d) => d, false);
  const gpusAvg = perCluster(c, "g", "gpusReporting", "Sum", (cl) => cl, false);
  const azure: WidgetSpec[][] = c.deployments.length
    ? [
        [
          graph("TPM usage vs quota per deployment (%)", tpm, {
            periodSeconds: HOUR,
            thresholds: [quotaLine],
            yAxis: { min: 0, max: 100, label: "%" },
          }),
          graph(
            "RPM usage vs quota per deployment (%)",
            perDeployment(c, "n", "aoaiRpmUtilization", "Maximum", (d) => d),
            {
              periodSeconds: HOUR,
              thresholds: [quotaLine],
              yAxis: { min: 0, max: 100, label: "%" },
            },
          ),
        ],
        [
          graph(
            "TPM headroom per deployment (% of quota left at the busiest minute)",
            [...tpm.map((x) => ({ ...x, visible: false })), ...c.deployments.map((d, i) => expr(`hr${i}`, `100 - m${i}`, d.name))],
            {
              periodSeconds: DAY,
              thresholds: [{ value: 100 - quotaLine.value, label: "plan capacity below this headroom", severity: "warn", fill: "below" }],
              yAxis: { min: 0, max: 100, label: "%" },
            },
          ),
          graph(
            "Tokens per day per deployment",
            perDeployment(c, "tk", "aoaiTokens", "Sum", (d) => d),
            { periodSeconds: DAY, stacked: true, yAxis: { min: 0, label: "tokens" } },
          ),
        ],
        [
          burnRate(c, "Token", tokenSpendDaily, b.dailyTokenBudgetUsd),
          daysLeft(c, "Token", tokenSpendDaily, b.monthlyTokenBudgetUsd),
          graph(
            "Token growth, week over week (%)",
            [
              ...weekly,
              expr("week", `SUM([${ids(weekly)}])`, "tokens per week", false),
              expr("growth", "100 * DIFF(week) / (week - DIFF(week))", "week-over-week growth (%)"),
            ],
            { width: 8, periodSeconds: WEEK, yAxis: { label: "%" } },
          ),
        ],
      ]
    : [];
  return {
    id: "capacity",
    name: dashboardName(c.env, "capacity"),
    title: `FleetWatch ${c.env} — capacity`,
    question: "When do we need to scale?",
    start: "-P180D",
    periodSeconds: DAY,
    variables: [],
    rows: rows(
      [
        text(
          `# When do we need to scale? (${c.env})\nQuota usage and headroom per deployment, budget burn and days of budget left, growth. Daily, 180 days. Budgets: tokens ${usd(b.dailyTokenBudgetUsd)}/day and ${usd(b.monthlyTokenBudgetUsd)}/month; GPUs ${usd(b.dailyGpuBudgetUsd)}/day and ${usd(b.monthlyGpuBudgetUsd)}/month at ${usd(b.gpuHourUsd)}/GPU-hour.`,
        ),
      ],
      ...azure,
      ...capacityHeadroomRows(c),
      ...sloBudgetRows(config, "capacity"),
      [
        burnRate(c, "GPU", gpuSpendDaily, b.dailyGpuBudgetUsd),
        daysLeft(c, "GPU", gpuSpendDaily, b.monthlyGpuBudgetUsd),
        graph(
          "GPUs reporting per cluster (daily average)",
          [...gpusAvg, ...c.clusters.map((cl, i) => expr(`ga${i}`, `g${i} / (PERIOD(g${i}) / ${c.intervalSeconds})`, cl))],
          { width: 8, periodSeconds: DAY, yAxis: { min: 0, label: "GPUs" } },
        ),
      ],
      ...capacityForecastRows(c),
    ),
  };
}

export function fleetWatchDashboards(config: EnvironmentConfig): DashboardSpec[] {
  return [executiveDashboard(config), engineeringDashboard(config), capacityDashboard(config)];
}

/** Every FleetWatch metric the dashboards read, for cross-checks against the registry. */
export function metricQueries(spec: DashboardSpec): MetricQuery[] {
  return spec.rows.flat().flatMap((w) => (w.type === "graph" ? w.queries.filter((x): x is MetricQuery => x.kind === "metric") : []));
}

export { METRICS };
