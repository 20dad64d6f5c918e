/**
 * The forecast method: an ordinary least-squares fit of a linear trend plus a weekly season to
 * the last 28 daily values,
 *
 *     y(t) = a + b·t + s[weekday(t)],   with Σ s = 0 over the seven weekdays,
 *
 * projected h days past the last day and clamped at zero. With fewer than 14 valid days the
 * season is dropped (trend only); with fewer than 2 there is no forecast. Missing days (NaN)
 * are left out of the fit, not treated as zeros. Pure; see docs/dashboards.md, "Forecast".
 */

export const HISTORY_DAYS = 28;
const MIN_DAYS_FOR_SEASON = 14;
export const HORIZONS = [30, 60, 90] as const;
const DAY_MS = 86_400_000;

export interface DailyPoint {
  /** epoch ms of the day's start (UTC midnight). */
  readonly day: number;
  readonly value: number;
}

export interface TrendModel {
  /** Level at t = 0 (the first day of the fit), season excluded. */
  readonly intercept: number;
  /** Change per day. */
  readonly slope: number;
  /** Weekly offsets by UTC weekday (0 = Sunday); all zero without a season. */
  readonly season: readonly number[];
  /** Day 0 of the fit (epoch ms). */
  readonly origin: number;
  /** Last day fitted (epoch ms). */
  readonly lastDay: number;
  readonly points: number;
}

const weekday = (dayMs: number) => new Date(dayMs).getUTCDay();

/** Solves A x = b (n x n) by Gaussian elimination with partial pivoting; undefined when singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-12) return undefined;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Least squares over the given columns: minimises Σ (y - X β)². */
function leastSquares(rows: readonly number[][], y: readonly number[]): number[] | undefined {
  const k = rows[0]!.length;
  const xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  rows.forEach((x, i) => {
    for (let p = 0; p < k; p++) {
      xty[p]! += x[p]! * y[i]!;
      for (let q = 0; q < k; q++) xtx[p]![q]! += x[p]! * x[q]!;
    }
  });
  return solve(xtx, xty);
}

/** Fits the model to the last HISTORY_DAYS of `series` (oldest first). */
export function fitTrend(series: readonly DailyPoint[], historyDays: number = HISTORY_DAYS): TrendModel | undefined {
  const recent = series.slice(-historyDays).filter((p) => Number.isFinite(p.value));
  if (recent.length < 2) return undefined;
  const origin = recent[0]!.day;
  const t = recent.map((p) => (p.day - origin) / DAY_MS);
  const y = recent.map((p) => p.value);
  const weekdays = new Set(recent.map((p) => weekday(p.day)));
  const seasonal = recent.length >= MIN_DAYS_FOR_SEASON && weekdays.size === 7;
  const base = weekday(origin);
  // Dummy columns for the six weekdays other than the origin's (the origin's is the baseline).
  const others = [0, 1, 2, 3, 4, 5, 6].filter((d) => d !== base);
  const rows = recent.map((p, i) => [1, t[i]!, ...(seasonal ? others.map((d) => (weekday(p.day) === d ? 1 : 0)) : [])]);
  const beta = leastSquares(rows, y);
  if (!beta) return undefined;
  const raw = new Array<number>(7).fill(0);
  if (seasonal) {
    others.forEach((d, i) => {
      raw[d] = beta[2 + i]!;
    });
  }
  // Centre the season (Σ s = 0) and move its mean into the level.
  const mean = raw.reduce((s, v) => s + v, 0) / 7;
  return {
    intercept: beta[0]! + mean,
    slope: beta[1]!,
    season: raw.map((v) => (seasonal ? v - mean : 0)),
    origin,
    lastDay: recent.at(-1)!.day,
    points: recent.length,
  };
}

/** The projection `daysAhead` days after the last fitted day (never below zero). */
export function project(model: TrendModel, daysAhead: number): number {
  const day = model.lastDay + daysAhead * DAY_MS;
  const t = (day - model.origin) / DAY_MS;
  return Math.max(0, model.intercept + model.slope * t + model.season[weekday(day)]!);
}

/**
 * First day (1..maxDays after the last fitted day) on which the projection reaches `line`;
 * 0 when the last fitted value is already at or over it, undefined when not within maxDays.
 */
export function daysUntilCrossing(model: TrendModel, line: number, maxDays = 365): number | undefined {
  if (!(line > 0)) return undefined;
  if (project(model, 0) >= line) return 0;
  for (let d = 1; d <= maxDays; d++) if (project(model, d) >= line) return d;
  return undefined;
}

export interface BacktestResult {
  /** Mean absolute percentage error over every origin and horizon tested (%). */
  readonly mapePercent: number;
  /** Forecasts compared with what happened. */
  readonly comparisons: number;
}

/**
 * How wrong the method was on this series' own past: for every origin with a full history
 * window and an actual value `horizon` days later, fit on the window, project, compare.
 * Days whose actual value is zero or missing are skipped (no percentage error exists).
 */
export function backtest(series: readonly DailyPoint[], horizon: number, historyDays: number = HISTORY_DAYS): BacktestResult | undefined {
  let sum = 0;
  let n = 0;
  const byDay = new Map(series.map((p) => [p.day, p.value]));
  for (let end = historyDays; end <= series.length; end++) {
    const window = series.slice(end - historyDays, end);
    const model = fitTrend(window, historyDays);
    if (!model) continue;
    const actual = byDay.get(model.lastDay + horizon * DAY_MS);
    if (actual === undefined || !Number.isFinite(actual) || actual === 0) continue;
    sum += Math.abs(project(model, horizon) - actual) / Math.abs(actual);
    n++;
  }
  return n ? { mapePercent: (100 * sum) / n, comparisons: n } : undefined;
}
