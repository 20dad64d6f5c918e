/**
 * Error-budget panels of the SLOs (core/catalog/slo.ts): budget left and burn rate on the
 * executive dashboard, days until the budget is gone on the capacity dashboard. The bad and
 * valid counts are the quantities the burn-rate alarms use, counted per hour instead of per window.
 * docs/alarms.md, "Error budget on the dashboards".
 */

import { BURN_RATE_POLICIES, resolveSlos, SLO_PERIOD_DAYS, SLOS, type SloInstance } from "../core/catalog/slo";
import type { EnvironmentConfig } from "../core/config/schema";
import type { MetricKey } from "../core/metric-registry";
import type { GraphWidgetSpec, Query, WidgetSpec } from "./spec";
import { type Context, context, expr, graph, HOUR, metric, text } from "./widgets";

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
        hidden(`t${i}`, "aoaiLatencyP99Ms", "SampleCount"),
        hidden(`g${i}`, "aoaiLatencyP99Ms", `PR(:${slo.thresholdMs})`),
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
