import { describe, expect, test } from "vitest";
import { backtest, type DailyPoint, daysUntilCrossing, fitTrend, project } from "../../lambdas/capacity-forecast/trend";

const DAY = 86_400_000;
// 2026-11-02 is a Monday.
const MONDAY = Date.UTC(2026, 10, 2);

function series(n: number, f: (t: number, day: number) => number, start = MONDAY): DailyPoint[] {
  return Array.from({ length: n }, (_, t) => ({ day: start + t * DAY, value: f(t, start + t * DAY) }));
}

describe("least-squares trend with a weekly season", () => {
  test("a straight line is projected exactly: y = 100 + 5t over 28 days -> 100 + 5(27 + h)", () => {
    const model = fitTrend(series(28, (t) => 100 + 5 * t))!;
    expect(model.slope).toBeCloseTo(5, 9);
    for (const s of model.season) expect(s).toBeCloseTo(0, 9);
    expect(project(model, 30)).toBeCloseTo(385, 6);
    expect(project(model, 60)).toBeCloseTo(535, 6);
    expect(project(model, 90)).toBeCloseTo(685, 6);
  });

  test("a line plus a weekly pattern summing to zero is recovered, and the projection lands on the right weekday", () => {
    // Sunday -150, Saturday -100, Monday..Friday +50 (sum 0).
    const offsets = [-150, 50, 50, 50, 50, 50, -100];
    const model = fitTrend(series(28, (t, day) => 1000 + 10 * t + offsets[new Date(day).getUTCDay()]!))!;
    expect(model.slope).toBeCloseTo(10, 9);
    model.season.forEach((s, d) => {
      expect(s, `weekday ${d}`).toBeCloseTo(offsets[d]!, 6);
    });
    // Last day is t = 27 (a Sunday); 30 days later is a Tuesday, 60 a Thursday, 90 a Saturday.
    expect(project(model, 30)).toBeCloseTo(1000 + 10 * 57 + 50, 6);
    expect(project(model, 60)).toBeCloseTo(1000 + 10 * 87 + 50, 6);
    expect(project(model, 90)).toBeCloseTo(1000 + 10 * 117 - 100, 6);
  });

  test("only the last 28 days count: an older regime does not bend the line", () => {
    const s = series(56, (t) => (t < 28 ? 9999 : 200 + 2 * (t - 28)));
    expect(project(fitTrend(s)!, 30)).toBeCloseTo(200 + 2 * 57, 6);
  });

  test("missing days are left out, not read as zeros; a flat series stays flat", () => {
    const s = series(28, (t) => (t % 5 === 3 ? Number.NaN : 42));
    const model = fitTrend(s)!;
    expect(model.points).toBe(28 - 5); // t = 3, 8, 13, 18, 23 are missing
    expect(project(model, 90)).toBeCloseTo(42, 9);
  });

  test("a shrinking series is clamped at zero; fewer than two days give no forecast", () => {
    expect(project(fitTrend(series(28, (t) => 100 - 5 * t))!, 30)).toBe(0);
    expect(fitTrend(series(1, () => 5))).toBeUndefined();
  });

  test("with fewer than 14 days the season is dropped and the trend is still exact", () => {
    const model = fitTrend(series(10, (t) => 7 + 3 * t))!;
    expect(model.season.every((s) => s === 0)).toBe(true);
    expect(project(model, 30)).toBeCloseTo(7 + 3 * 39, 6);
  });

  test("crossing date: y = 100 + 5t is 235 + 5d d days after the last day, so it reaches 502 on day 54 (500 on day 53 is short)", () => {
    const model = fitTrend(series(28, (t) => 100 + 5 * t))!;
    expect(daysUntilCrossing(model, 502)).toBe(54);
    expect(daysUntilCrossing(model, 200)).toBe(0); // already over
    expect(daysUntilCrossing(model, 1e9)).toBeUndefined(); // not within a year
  });
});

describe("backtest", () => {
  test("a series the model describes exactly has zero error", () => {
    const r = backtest(
      series(42, (t) => 100 + 5 * t),
      7,
    )!;
    expect(r.comparisons).toBe(42 - 28 - 7 + 1);
    expect(r.mapePercent).toBeCloseTo(0, 6);
  });

  test("a level shift it cannot foresee: flat 100 for 28 days, then 200 -> the one forecast is 50 % off", () => {
    const r = backtest(
      series(35, (t) => (t < 28 ? 100 : 200)),
      7,
    )!;
    expect(r.comparisons).toBe(1);
    expect(r.mapePercent).toBeCloseTo(50, 6);
  });
});
