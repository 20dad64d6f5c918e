import { describe, expect, test } from "vitest";
import type { CapacitySettings } from "../../core/contracts/capacity-forecast-settings";
import type { DailySeriesQuery, MetricHistory } from "../../lambdas/capacity-forecast/ports";
import { READ_DAYS, runForecast } from "../../lambdas/capacity-forecast/run-forecast";
import type { DailyPoint } from "../../lambdas/capacity-forecast/trend";
import type { MetricDatum } from "../../lambdas/shared/put-metric-data";

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

const DAY = 86_400_000;
const NOW = new Date("2026-11-23T06:00:00Z");
const TODAY = Date.UTC(2026, 10, 23);

/** Daily history whose value on day k (0 = oldest of the 56 read) is f(k). */
function history(fs: Record<string, (k: number) => number>): MetricHistory & { asked: DailySeriesQuery[] } {
  const asked: DailySeriesQuery[] = [];
  return {
    asked,
    daily: async (queries, from, to) => {
      asked.push(...queries);
      expect(from.getTime()).toBe(TODAY - READ_DAYS * DAY);
      expect(to.getTime()).toBe(TODAY);
      return new Map(
        queries.map((q) => [
          q.id,
          Array.from({ length: READ_DAYS }, (_, k): DailyPoint => ({ day: from.getTime() + k * DAY, value: fs[q.id]?.(k) ?? Number.NaN })),
        ]),
      );
    },
  };
}

const settings: CapacitySettings = {
  environment: "dev",
  clusters: ["train-a"],
  pollIntervalSeconds: 60,
  gpuHourUsd: 2,
  dailyGpuBudgetUsd: 4800, // affords 4800 / (24 x 2) = 100 GPUs
  deployments: [{ name: "chat", dailyBudgetUsd: 100 }],
};

describe("daily forecast run", () => {
  test("a linear token series is projected to 30/60/90 days, against capacity and budget, with the crossing days", async () => {
    // Tokens per day on day k: 1.05e6 + 1e5 k. The last day read is k = 55, so h days ahead: 1.05e6 + 1e5 (55 + h).
    const tokens = (k: number) => 1.05e6 + 1e5 * k;
    const published: MetricDatum[] = [];
    await runForecast(
      settings,
      {
        history: history({ tok0: tokens, req0: () => 500, usd0: (k) => tokens(k) * 1e-5, gpu0: () => 80 * 1440 }),
        sink: { publish: async (d) => void published.push(...d) },
        log: quiet,
      },
      NOW,
      // 10 (thousand TPM) Standard: 10 x 1,000 x 1,440 = 14.4 M tokens a day.
      { capacity: new Map([["chat", { skuName: "Standard", capacity: 10 }]]) },
    );
    const value = (metric: string, horizon?: string) =>
      published.find((d) => d.metric === metric && (horizon === undefined || d.dimensions.HorizonDays === horizon))?.value;
    expect(value("forecastAoaiTokensPerDay", "30")).toBeCloseTo(1.05e6 + 1e5 * 85, 3);
    expect(value("forecastAoaiTokensPerDay", "90")).toBeCloseTo(1.05e6 + 1e5 * 145, 3);
    expect(value("forecastAoaiRequestsPerDay", "60")).toBeCloseTo(500, 6);
    expect(value("forecastAoaiTokensPercentOfQuota", "30")).toBeCloseTo((100 * (1.05e6 + 1e5 * 85)) / 14.4e6, 6);
    // 1.05e6 + 1e5 (55 + d) >= 14.4e6  <=>  d >= 78.5, so day 79.
    expect(value("forecastDaysToQuota")).toBe(79);
    // USD per token 1e-5 -> budget $100 = 10 M tokens a day: 1.05e6 + 1e5 (55 + d) >= 1e7 <=> d >= 34.5, so day 35.
    expect(value("forecastAoaiSpendPercentOfBudget", "30")).toBeCloseTo((100 * (1.05e6 + 1e5 * 85) * 1e-5) / 100, 6);
    expect(value("forecastDaysToBudget")).toBe(35);
    // 80 GPUs reporting all day (1,440 one-minute readings each): flat at 80, 80 % of what the budget affords.
    expect(value("forecastGpusReporting", "90")).toBeCloseTo(80, 6);
    expect(value("forecastGpuSpendPercentOfBudget", "30")).toBeCloseTo(80, 6);
    expect(published.some((d) => d.metric === "forecastGpuDaysToBudget")).toBe(false);
    for (const d of published) expect(d.timestamp).toBe(NOW);
  });

  test("a Provisioned deployment (sized in PTUs) gets no token quota line; no history publishes nothing", async () => {
    const published: MetricDatum[] = [];
    await runForecast(settings, { history: history({}), sink: { publish: async (d) => void published.push(...d) }, log: quiet }, NOW, {
      capacity: new Map([["chat", { skuName: "ProvisionedManaged", capacity: 100 }]]),
    });
    expect(published).toEqual([]);
  });
});
