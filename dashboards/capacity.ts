/**
 * The capacity dashboard: "When do we need to scale?" Quota usage and headroom per deployment,
 * budget burn and days of budget left, growth, error budgets and the 30/60/90-day projections.
 * Daily, 180 days.
 */
import type { EnvironmentConfig } from "../core/config/schema";
import { capacityForecastRows, capacityHeadroomRows } from "./incidents-capacity";
import { alarmThreshold, signalGraph } from "./signal-graph";
import { sloBudgetRows } from "./slo-widgets";
import type { DashboardSpec, WidgetSpec } from "./spec";
import { burnRate, daysLeft, GPU_SPEND, TOKEN_SPEND } from "./spend";
import { type Context, context, DAY, dashboard, expr, graph, HOUR, ids, perCluster, perDeployment, usd, WEEK } from "./widgets";

function quotaRows(c: Context): WidgetSpec[][] {
  if (!c.deployments.length) return [];
  const config = c.config;
  const tpm = perDeployment(c, "m", "aoaiTpmUtilizationPercent", "Maximum", (d) => d, false);
  const weekly = perDeployment(c, "wk", "aoaiTokens", "Sum", (d) => d, false);
  // Headroom is 100 - the quota alarm's metric, so its line is 100 - that alarm's threshold.
  const quotaWarn = alarmThreshold(config, "aoai-tpm-quota", "warn");
  return [
    [
      signalGraph(config, "TPM usage vs quota per deployment (%)", [{ signalId: "aoai-tpm-quota", fill: "above" }], {
        yAxis: { min: 0, max: 100, label: "%" },
      }),
      graph(
        "RPM usage vs quota per deployment (%)",
        perDeployment(c, "n", "aoaiRpmUtilizationPercent", "Maximum", (d) => d),
        { periodSeconds: HOUR, yAxis: { min: 0, max: 100, label: "%" } },
      ),
    ],
    [
      graph(
        "TPM headroom per deployment (% of quota left at the busiest minute)",
        [...tpm, ...c.deployments.map((d, i) => expr(`hr${i}`, `100 - m${i}`, d.name))],
        {
          periodSeconds: DAY,
          thresholds:
            quotaWarn === undefined
              ? []
              : [{ value: 100 - quotaWarn, label: "plan capacity below this headroom", severity: "warn", fill: "below" }],
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
      burnRate(c, TOKEN_SPEND),
      daysLeft(c, TOKEN_SPEND, c.budgets.monthlyTokenBudgetUsd),
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
  ];
}

function gpuRow(c: Context): WidgetSpec[] {
  const gpusAvg = perCluster(c, "g", "gpusReporting", "Sum", (cl) => cl, false);
  return [
    burnRate(c, GPU_SPEND),
    daysLeft(c, GPU_SPEND, c.budgets.monthlyGpuBudgetUsd),
    graph(
      "GPUs reporting per cluster (daily average)",
      [...gpusAvg, ...c.clusters.map((cl, i) => expr(`ga${i}`, `g${i} / (PERIOD(g${i}) / ${c.intervalSeconds})`, cl))],
      { width: 8, periodSeconds: DAY, yAxis: { min: 0, label: "GPUs" } },
    ),
  ];
}

export function capacityDashboard(config: EnvironmentConfig): DashboardSpec {
  const c = context(config);
  const b = c.budgets;
  return dashboard(
    c,
    "capacity",
    `Quota usage and headroom per deployment, budget burn and days of budget left, growth. Daily, 180 days. Budgets: tokens ${usd(b.dailyTokenBudgetUsd)}/day and ${usd(b.monthlyTokenBudgetUsd)}/month; GPUs ${usd(b.dailyGpuBudgetUsd)}/day and ${usd(b.monthlyGpuBudgetUsd)}/month at ${usd(b.gpuHourUsd)}/GPU-hour.`,
    ...quotaRows(c),
    ...capacityHeadroomRows(c),
    ...sloBudgetRows(config, "capacity"),
    gpuRow(c),
    ...capacityForecastRows(c),
  );
}
