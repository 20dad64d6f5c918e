/**
 * The daily forecast: read 56 days of daily history, fit the last 28 (trend.ts), publish the
 * 30/60/90-day projections, their share of quota and budget, and the days until each line is
 * crossed; log each series' backtest error over the other 28 days (docs/dashboards.md, "Forecast").
 *
 * Lines: tokens per day against the deployment's capacity (Standard-type SKUs are sized in
 * thousands of TPM, so capacity x 1,000 x 1,440 tokens a day; Provisioned is sized in PTUs and
 * has no token line) and against its daily budget (converted with the cost per token observed
 * over the fitted 28 days); GPUs reporting (all clusters) against the daily GPU budget
 * (dailyGpuBudgetUsd / (24 x gpuHourUsd) GPUs).
 */

import type { CapacitySettings } from "../../core/contracts/capacity-forecast-settings";
import type { MetricKey } from "../../core/metric-registry";
import type { Log } from "../shared/log";
import type { MetricDatum as Datum, MetricSink } from "../shared/put-metric-data";
import type { DailySeriesQuery, MetricHistory } from "./ports";
import { backtest, type DailyPoint, daysUntilCrossing, fitTrend, HISTORY_DAYS, HORIZONS, project, type TrendModel } from "./trend";

const DAY_MS = 86_400_000;
/** Two windows: the last 28 days to fit, the 28 before them to measure the method against. */
export const READ_DAYS = 2 * HISTORY_DAYS;
/** Crossing dates further out than this are not published. */
const CROSSING_HORIZON_DAYS = 365;
/** SKUs whose capacity unit is 1,000 tokens per minute. */
const TPM_SKUS = new Set(["standard", "globalstandard", "datazonestandard"]);
const BACKTEST_HORIZONS = [7, 28] as const;

export interface ForecastInputs {
  /** Deployment -> SKU name and capacity (from ARM), when Azure is configured and readable. */
  readonly capacity?: ReadonlyMap<string, { skuName: string; capacity: number }>;
}

function sum(points: readonly DailyPoint[]): number {
  return points.reduce((s, p) => s + (Number.isFinite(p.value) ? p.value : 0), 0);
}

export async function runForecast(
  s: CapacitySettings,
  ports: { history: MetricHistory; sink: MetricSink; log: Log },
  now: Date,
  inputs: ForecastInputs = {},
): Promise<Datum[]> {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const from = new Date(today - READ_DAYS * DAY_MS);
  const env = s.environment;
  const queries: DailySeriesQuery[] = [
    ...s.deployments.flatMap((d, i) => [
      { id: `req${i}`, metric: "aoaiRequests" as const, dimensions: { Environment: env, Deployment: d.name }, stat: "Sum" as const },
      { id: `tok${i}`, metric: "aoaiTokens" as const, dimensions: { Environment: env, Deployment: d.name }, stat: "Sum" as const },
      {
        id: `usd${i}`,
        metric: "aoaiEstimatedCostUsd" as const,
        dimensions: { Environment: env, Deployment: d.name },
        stat: "Sum" as const,
      },
    ]),
    ...s.clusters.map((c, i) => ({
      id: `gpu${i}`,
      metric: "gpusReporting" as const,
      dimensions: { Environment: env, Cluster: c },
      stat: "Sum" as const,
    })),
  ];
  const history = await ports.history.daily(queries, from, new Date(today));
  const data: Datum[] = [];
  const put = (metric: MetricKey, dimensions: Record<string, string>, value: number) => {
    if (Number.isFinite(value)) data.push({ metric, dimensions, value, timestamp: now });
  };
  const fitted = (id: string, series: readonly DailyPoint[]) => {
    const model = fitTrend(series);
    ports.log.info("forecast", {
      event: "fleetwatch.forecast",
      series: id,
      points: model?.points ?? 0,
      slopePerDay: model?.slope,
      ...Object.fromEntries(BACKTEST_HORIZONS.map((h) => [`backtestMape${h}dPercent`, backtest(series, h)?.mapePercent])),
    });
    return model;
  };
  const perHorizon = (model: TrendModel, f: (projected: number, horizon: string) => void) => {
    for (const h of HORIZONS) f(project(model, h), String(h));
  };

  s.deployments.forEach((d, i) => {
    const dims = { Environment: env, Deployment: d.name };
    const requests = fitted(`${d.name}/requests`, history.get(`req${i}`) ?? []);
    if (requests) perHorizon(requests, (v, h) => put("forecastAoaiRequestsPerDay", { ...dims, HorizonDays: h }, v));
    const tokenSeries = history.get(`tok${i}`) ?? [];
    const tokens = fitted(`${d.name}/tokens`, tokenSeries);
    if (!tokens) return;
    perHorizon(tokens, (v, h) => put("forecastAoaiTokensPerDay", { ...dims, HorizonDays: h }, v));

    const cap = inputs.capacity?.get(d.name);
    if (cap && TPM_SKUS.has(cap.skuName.toLowerCase()) && cap.capacity > 0) {
      const quotaPerDay = cap.capacity * 1000 * 1440;
      perHorizon(tokens, (v, h) => put("forecastAoaiTokensPercentOfQuota", { ...dims, HorizonDays: h }, (100 * v) / quotaPerDay));
      const days = daysUntilCrossing(tokens, quotaPerDay, CROSSING_HORIZON_DAYS);
      if (days !== undefined) put("forecastDaysToQuota", dims, days);
      logCrossing(ports.log, `${d.name}/tokens`, "quota", quotaPerDay, days, today);
    }

    const recentTokens = sum(tokenSeries.slice(-HISTORY_DAYS));
    const recentCost = sum((history.get(`usd${i}`) ?? []).slice(-HISTORY_DAYS));
    if (recentTokens > 0 && recentCost > 0 && d.dailyBudgetUsd > 0) {
      const usdPerToken = recentCost / recentTokens;
      perHorizon(tokens, (v, h) =>
        put("forecastAoaiSpendPercentOfBudget", { ...dims, HorizonDays: h }, (100 * v * usdPerToken) / d.dailyBudgetUsd),
      );
      const budgetTokens = d.dailyBudgetUsd / usdPerToken;
      const days = daysUntilCrossing(tokens, budgetTokens, CROSSING_HORIZON_DAYS);
      if (days !== undefined) put("forecastDaysToBudget", dims, days);
      logCrossing(ports.log, `${d.name}/tokens`, "budget", budgetTokens, days, today);
    }
  });

  // GPUs reporting: the daily Sum of per-poll readings / polls per day = the day's average.
  const pollsPerDay = 86_400 / s.pollIntervalSeconds;
  const gpuDaily = s.clusters.map((_, i) => (history.get(`gpu${i}`) ?? []).map((p) => ({ day: p.day, value: p.value / pollsPerDay })));
  s.clusters.forEach((c, i) => {
    const model = fitted(`${c}/gpus`, gpuDaily[i]!);
    if (model) perHorizon(model, (v, h) => put("forecastGpusReporting", { Environment: env, Cluster: c, HorizonDays: h }, v));
  });
  if (gpuDaily.length && s.gpuHourUsd > 0 && s.dailyGpuBudgetUsd > 0) {
    const fleet = gpuDaily[0]!.map((p, k) => {
      const values = gpuDaily.map((g) => g[k]!.value).filter((v) => Number.isFinite(v));
      return { day: p.day, value: values.length ? values.reduce((a, b) => a + b, 0) : Number.NaN };
    });
    const model = fitted("fleet/gpus", fleet);
    const affordableGpus = s.dailyGpuBudgetUsd / (24 * s.gpuHourUsd);
    if (model) {
      perHorizon(model, (v, h) => put("forecastGpuSpendPercentOfBudget", { Environment: env, HorizonDays: h }, (100 * v) / affordableGpus));
      const days = daysUntilCrossing(model, affordableGpus, CROSSING_HORIZON_DAYS);
      if (days !== undefined) put("forecastGpuDaysToBudget", { Environment: env }, days);
      logCrossing(ports.log, "fleet/gpus", "budget", affordableGpus, days, today);
    }
  }

  await ports.sink.publish(data);
  return data;
}

function logCrossing(log: Log, series: string, line: string, value: number, days: number | undefined, today: number): void {
  log.info("forecast crossing", {
    event: "fleetwatch.forecast_crossing",
    series,
    line,
    lineValue: value,
    daysToCross: days,
    crossesOn:
      days === undefined ? `not within ${CROSSING_HORIZON_DAYS} days` : new Date(today - DAY_MS + days * DAY_MS).toISOString().slice(0, 10),
  });
}
