/**
 * Spend and budget panels of the executive and capacity dashboards. Spend in USD per day and
 * days of budget left are views of their own (no alarm reads them); the burn-rate panels ARE
 * the spend alarms' metric (gpu-spend per environment, aoai-spend per deployment) over the
 * critical level's 24-hour period, drawn by signal-graph.ts with that alarm's line.
 */

import { signalGraph } from "./signal-graph";
import type { GraphWidgetSpec, Query } from "./spec";
import { type Context, DAY, expr, graph, type HOUR, ids, metric, perDeployment, usd } from "./widgets";

/** Daily spend in USD as a hidden set of queries and the id of the visible total. */
export interface Spend {
  readonly what: "Token" | "GPU";
  readonly queries: (c: Context) => Query[];
}

const SPEND_ID = "spend";

export const TOKEN_SPEND: Spend = {
  what: "Token",
  queries: (c) => {
    const costs = perDeployment(c, "c", "aoaiEstimatedCostUsd", "Sum", (d) => `${d} spend`, false);
    return [...costs, expr(SPEND_ID, `SUM([${ids(costs)}])`, "Token spend (USD/day)")];
  },
};

export const GPU_SPEND: Spend = {
  what: "GPU",
  // The environment total the gpu-spend alarm reads (one metric at any cluster count).
  queries: (c) => [
    metric("g", "gpusReportingInEnvironment", { Environment: c.env }, "Sum", "GPU readings, all clusters", false),
    expr("gpuh", `g * ${c.intervalSeconds} / 3600`, "GPU-hours", false),
    expr(SPEND_ID, `gpuh * ${c.budgets.gpuHourUsd}`, "GPU spend (USD/day)"),
  ],
};

/** The spend queries with the total hidden, for panels that compute from it. */
function hiddenSpend(c: Context, spend: Spend): Query[] {
  return spend.queries(c).map((q) => (q.id === SPEND_ID ? { ...q, visible: false } : q));
}

export function spendVsDailyBudget(c: Context, spend: Spend, dailyBudget: number, width = 12): GraphWidgetSpec {
  return graph(`${spend.what} spend per day vs daily budget (${usd(dailyBudget)})`, spend.queries(c), {
    width,
    periodSeconds: DAY,
    thresholds: [{ value: dailyBudget, label: "daily budget", severity: "budget", fill: "above" }],
    yAxis: { min: 0, label: "USD" },
  });
}

export function spendLast30Days(c: Context, spend: Spend, monthlyBudget: number): GraphWidgetSpec {
  return graph(
    `${spend.what} spend, last 30 days vs monthly budget (${usd(monthlyBudget)})`,
    [
      ...spend.queries(c).map((q) => (q.id === SPEND_ID ? { ...q, label: `${spend.what} spend (USD)` } : q)),
      expr("pct", `100 * ${SPEND_ID} / ${monthlyBudget}`, "% of monthly budget"),
    ],
    { width: 6, view: "singleValue", periodSeconds: DAY, start: "-P30D", setPeriodToTimeRange: true },
  );
}

export function daysLeft(c: Context, spend: Spend, monthlyBudget: number): GraphWidgetSpec {
  return graph(
    `${spend.what}: days of monthly budget left at the 30-day average burn`,
    [
      ...hiddenSpend(c, spend),
      expr("mtd", `RUNNING_SUM(${SPEND_ID})`, "spent in window (USD)", false),
      expr("left", `(${monthlyBudget} - mtd) / AVG(${SPEND_ID})`, "days of budget left"),
    ],
    { width: 8, view: "singleValue", periodSeconds: DAY, start: "-P30D" },
  );
}

/**
 * The spend alarm's own metric (% of the daily budget, the period's spend projected to a day)
 * with the lines of the levels evaluated over that period: per day the critical level (the last
 * 24 h), per hour the warn level (the last hour's rate).
 */
export function burnRate(c: Context, spend: Spend, periodSeconds: typeof DAY | typeof HOUR = DAY, width = 8): GraphWidgetSpec {
  const gpu = spend.what === "GPU";
  const per = periodSeconds === DAY ? "per day" : "per hour, projected to a day";
  return signalGraph(
    c.config,
    gpu ? `GPU burn rate ${per} (% of the daily GPU budget)` : `Token burn rate ${per}, per deployment (% of its daily budget)`,
    [{ signalId: gpu ? "gpu-spend" : "aoai-spend", fill: "above", ...(gpu ? { label: () => "burn rate (%)" } : {}) }],
    {
      width,
      periodSeconds,
      extraThresholds: [{ value: 100, label: "on budget", severity: "budget" }],
      yAxis: { min: 0, label: "%" },
    },
  );
}
