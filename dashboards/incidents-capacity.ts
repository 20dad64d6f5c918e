/**
 * Panels of issue 18, kept apart from definitions.ts: incident history (executive MTTR and
 * incidents per tier per week, engineering "last incidents"), the 30/60/90-day forecast against
 * quota and budget lines, and regional quota headroom (capacity). Pure data (dashboards/spec.ts).
 */

import type { Tier } from "../core/catalog/types";
import { incidentAndCapacityQueries, queryText } from "./logs-insights/queries";
import { signalGraph } from "./signal-graph";
import type { GraphWidgetSpec, Query, Threshold, WidgetSpec } from "./spec";
import { type Context, DAY, expr, graph, ids, logsWidget, metric, perDeployment, text, WEEK } from "./widgets";

const TIERS: readonly Tier[] = ["P1", "P2", "P3"];
const HORIZONS = ["30", "60", "90"] as const;

function query(id: string) {
  const q = incidentAndCapacityQueries().find((x) => x.id === id);
  if (!q) throw new Error(`dashboards: no Logs Insights query ${id}`);
  return q;
}

function perTier(c: Context, prefix: string, key: "incidentsOpened" | "incidentsResolved" | "incidentResolutionSeconds", visible: boolean) {
  return TIERS.map((tier, i) => metric(`${prefix}${i}`, key, { Environment: c.env, Tier: tier }, "Sum", `${tier}`, visible));
}

/** MTTR = Σ resolution seconds / Σ incidents resolved (flaps counted once: lambdas/incident-recorder/incidents.ts). */
function mttrQueries(c: Context): Query[] {
  return [
    ...perTier(c, "rs", "incidentResolutionSeconds", false),
    ...perTier(c, "rn", "incidentsResolved", false),
    ...TIERS.map((tier, i) => expr(`mttr${i}`, `rs${i} / rn${i} / 60`, `${tier} MTTR (min)`)),
  ];
}

/** Executive: MTTR and incidents per tier per week. */
export function executiveIncidentRows(c: Context): WidgetSpec[][] {
  const opened = perTier(c, "io", "incidentsOpened", true);
  return [
    [
      graph("MTTR over the range, per tier (minutes)", mttrQueries(c), {
        width: 6,
        view: "singleValue",
        periodSeconds: WEEK,
        setPeriodToTimeRange: true,
      }),
      graph("Mean time to resolve per week (minutes)", mttrQueries(c), { width: 9, periodSeconds: WEEK, yAxis: { min: 0, label: "min" } }),
      graph(
        "Incidents per tier per week",
        [...opened.map((q) => ({ ...q, label: `${q.label} incidents` })), expr("itot", `SUM([${ids(opened)}])`, "all tiers", false)],
        { width: 9, view: "bar", stacked: true, periodSeconds: WEEK, yAxis: { min: 0, label: "incidents" } },
      ),
    ],
  ];
}

/** Engineering: the last incidents with their durations (Logs Insights over the recorded changes). */
export function engineeringIncidentRows(): WidgetSpec[][] {
  const q = query("incidents");
  return [[logsWidget("Last incidents and how long they took (flaps counted once)", q.sources, queryText(q), [...q.columns], 24, 6)]];
}

function horizonLines(
  c: Context,
  prefix: string,
  key: "forecastAoaiTokensPercentOfQuota" | "forecastAoaiSpendPercentOfBudget" | "forecastAoaiTokensPerDay" | "forecastAoaiRequestsPerDay",
) {
  return c.deployments.flatMap((d, i) =>
    HORIZONS.map((h) =>
      metric(`${prefix}${i}_${h}`, key, { Environment: c.env, Deployment: d.name, HorizonDays: h }, "Maximum", `${d.name} +${h} d`),
    ),
  );
}

/** One deployment forecast per horizon against the line it may cross. */
function horizonGraph(
  c: Context,
  title: string,
  prefix: string,
  key: "forecastAoaiTokensPercentOfQuota" | "forecastAoaiSpendPercentOfBudget",
  line: Threshold,
  unit: string,
): GraphWidgetSpec {
  return graph(title, horizonLines(c, prefix, key), { periodSeconds: DAY, thresholds: [line], yAxis: { min: 0, label: unit } });
}

/** Capacity: growth projection against quota and budget lines, with the day each line is crossed. */
export function capacityForecastRows(c: Context): WidgetSpec[][] {
  const b = c.budgets;
  const affordableGpus = b.gpuHourUsd > 0 ? b.dailyGpuBudgetUsd / (24 * b.gpuHourUsd) : 0;
  const quota: Threshold = { value: 100, label: "deployment capacity (quota)", severity: "critical", fill: "above" };
  const budget: Threshold = { value: 100, label: "daily budget", severity: "budget", fill: "above" };
  const crossings = query("forecast-crossings");
  const backtest = query("forecast-backtest");
  const gpus = HORIZONS.flatMap((h, k) =>
    c.clusters.map((cl, i) =>
      metric(`gf${k}_${i}`, "forecastGpusReporting", { Environment: c.env, Cluster: cl, HorizonDays: h }, "Maximum", `${cl} +${h} d`),
    ),
  );
  const azure: WidgetSpec[][] = c.deployments.length
    ? [
        [
          horizonGraph(
            c,
            "Tokens per day, projected 30/60/90 days (% of deployment capacity)",
            "tq",
            "forecastAoaiTokensPercentOfQuota",
            quota,
            "% of capacity",
          ),
          horizonGraph(
            c,
            "Token spend per day, projected 30/60/90 days (% of daily budget)",
            "tb",
            "forecastAoaiSpendPercentOfBudget",
            budget,
            "% of budget",
          ),
        ],
        [
          graph("Requests per day, projected 30/60/90 days", horizonLines(c, "rf", "forecastAoaiRequestsPerDay"), {
            width: 8,
            periodSeconds: DAY,
            yAxis: { min: 0, label: "requests/day" },
          }),
          graph(
            "Days until tokens cross capacity / budget",
            [
              ...perDeployment(c, "dq", "forecastDaysToQuota", "Minimum", (d) => `${d}: days to capacity`),
              ...perDeployment(c, "db", "forecastDaysToBudget", "Minimum", (d) => `${d}: days to budget`),
            ],
            { width: 8, view: "singleValue", periodSeconds: DAY, start: "-P2D" },
          ),
          logsWidget("When each projection crosses its line", crossings.sources, queryText(crossings), [...crossings.columns], 8, 6),
        ],
      ]
    : [];
  return [
    [
      text(
        "## Growth projection (30/60/90 days)\nLeast-squares trend with a weekly season over the last 28 days, recomputed daily by capacity-forecast; the backtest table says how wrong it was on each series' own past. No line is drawn where nothing is projected to cross within a year.",
        24,
        1,
      ),
    ],
    ...azure,
    [
      graph(
        `GPUs reporting, projected 30/60/90 days (budget affords ${affordableGpus.toFixed(0)} GPUs)`,
        [
          ...gpus,
          ...HORIZONS.map((h, k) => expr(`gt${k}`, `SUM([${c.clusters.map((_, i) => `gf${k}_${i}`).join(", ")}])`, `all clusters +${h} d`)),
        ],
        {
          width: 8,
          periodSeconds: DAY,
          thresholds:
            affordableGpus > 0
              ? [{ value: affordableGpus, label: "GPUs the daily GPU budget affords", severity: "budget", fill: "above" }]
              : [],
          yAxis: { min: 0, label: "GPUs" },
        },
      ),
      graph(
        "GPU spend per day, projected (% of daily budget), and days until it crosses",
        [
          ...HORIZONS.map((h, k) =>
            metric(`gs${k}`, "forecastGpuSpendPercentOfBudget", { Environment: c.env, HorizonDays: h }, "Maximum", `+${h} d`),
          ),
        ],
        { width: 8, periodSeconds: DAY, thresholds: [budget], yAxis: { min: 0, label: "% of budget" } },
      ),
      logsWidget(
        "Forecast backtest error (MAPE %, 7 and 28 days ahead)",
        backtest.sources,
        queryText(backtest),
        [...backtest.columns],
        8,
        6,
      ),
    ],
  ];
}

/** Capacity: regional quota headroom per region and model, with the P3 line. */
export function capacityHeadroomRows(c: Context): WidgetSpec[][] {
  if (!c.config.azure) return [];
  // One line per region x model: the first configured deployment of each pair carries the row's headroom.
  const seen = new Set<string>();
  const lines: { region: string; model: string; deployment: string }[] = [];
  for (const a of c.config.azure.accounts) {
    for (const d of a.deployments) {
      const key = `${a.region}/${d.model}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push({ region: a.region, model: d.model, deployment: d.name });
    }
  }
  const headroom = query("quota-headroom");
  return [
    [
      signalGraph(
        c.config,
        "Regional quota headroom per region and model (% of the subscription's quota left)",
        [{ signalId: "aoai-regional-headroom", label: () => "lowest row (P3 signal)", fill: "below" }],
        {
          extraQueries: lines.map((l, i) =>
            metric(
              `qh${i}`,
              "azureQuotaHeadroomPercent",
              { Environment: c.env, Deployment: l.deployment },
              "Minimum",
              `${l.region} · ${l.model}`,
            ),
          ),
          yAxis: { min: 0, max: 100, label: "%" },
        },
      ),
      logsWidget(
        "Regional quota rows: quota, used, FleetWatch's deployments",
        headroom.sources,
        queryText(headroom),
        [...headroom.columns],
        12,
        6,
      ),
    ],
  ];
}
