/**
 * CloudWatch's alarm evaluation rules as a pure function, for the simulator and for tests.
 *
 * The spec is the CloudWatch User Guide page "Configuring how CloudWatch alarms treat missing
 * data" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html,
 * read 2026-12-01), sections "How alarm state is evaluated when data is missing" and "Avoiding
 * premature transitions to alarm state". Its two example tables are the fixture of
 * test/alarms/catalog-evaluate.test.ts:
 * - each evaluation retrieves an *evaluation range* of recent periods, more than N; how many
 *   "depends on the length of the alarm period and whether it is based on a metric with
 *   standard resolution or high resolution" and is not published, so it is a parameter here;
 * - with at least N real datapoints in the range, the most recent N real ones decide and the
 *   missing-data setting is not used;
 * - with fewer, the missing ones are filled with TreatMissingData "as few times as possible",
 *   all real datapoints of the range included; M breaching among the N means ALARM, else OK;
 * - premature-alarm rule: when every real datapoint of the range is breaching (none is
 *   non-breaching) and the oldest breaching one is at least M periods old, the alarm goes to
 *   ALARM with missing data treated as missing, even with fewer than M breaching (rows
 *   `- - X - -`, 3 of 3, and `- - - X -`, 2 of 3); with "ignore" those rows keep the state.
 */
import { COMPARISON_OPERATORS } from "./operators";
import type { ComparisonOperator, Statistic, TreatMissingData } from "./types";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** The parts of an alarm definition evaluation depends on (an AlarmSpec satisfies it). */
export interface EvaluableAlarm {
  readonly comparison: ComparisonOperator;
  readonly threshold: number;
  readonly datapointsToAlarm: number;
  readonly evaluationPeriods: number;
  readonly treatMissingData: TreatMissingData;
  readonly periodSeconds: number;
  readonly statistic: Statistic;
}

/**
 * How many recent periods CloudWatch retrieves per evaluation, as a function of the alarm.
 * AWS documents only that it is more than N and depends on the period and resolution; the
 * documented examples use 5 for N = 3 (N + 2).
 */
export type EvaluationRangeRule = (alarm: Pick<EvaluableAlarm, "evaluationPeriods" | "periodSeconds">) => number;

/** The evaluation ranges the simulator runs (both are reported): the documented example's N + 2, and a wider N + 5. */
export const EVALUATION_RANGES = {
  "n+2": (alarm) => alarm.evaluationPeriods + 2,
  "n+5": (alarm) => alarm.evaluationPeriods + 5,
} as const satisfies Record<string, EvaluationRangeRule>;
export type EvaluationRangeName = keyof typeof EVALUATION_RANGES;

/** The documented examples' range, N + 2. */
export function defaultEvaluationRange(evaluationPeriods: number): number {
  return EVALUATION_RANGES["n+2"]({ evaluationPeriods, periodSeconds: 60 });
}

export function isBreaching(alarm: Pick<EvaluableAlarm, "comparison" | "threshold">, value: number): boolean {
  return COMPARISON_OPERATORS[alarm.comparison].breaches(value, alarm.threshold);
}

/**
 * One evaluation. `range` is the evaluation range, oldest first, one entry per period,
 * `null` for a missing datapoint. `current` is the state before this evaluation (for
 * `ignore`, which keeps it).
 */
export function evaluateRange(
  alarm: Omit<EvaluableAlarm, "periodSeconds" | "statistic">,
  range: readonly (number | null)[],
  current: AlarmState = "INSUFFICIENT_DATA",
): AlarmState {
  const m = alarm.datapointsToAlarm;
  const n = alarm.evaluationPeriods;
  const real = range.filter((v): v is number => v !== null);
  const breaching = (vs: readonly number[]) => vs.filter((v) => isBreaching(alarm, v)).length;

  // Enough real datapoints: the most recent N decide; missing-data treatment is not used.
  if (real.length >= n) return breaching(real.slice(-n)) >= m ? "ALARM" : "OK";

  const fill = n - real.length;
  const realBreaching = breaching(real);
  switch (alarm.treatMissingData) {
    case "breaching":
      return realBreaching + fill >= m ? "ALARM" : "OK";
    case "notBreaching":
      return realBreaching >= m ? "ALARM" : "OK";
    case "ignore":
      if (real.length === 0) return current;
      if (realBreaching >= m) return "ALARM";
      // Premature-alarm rows and "- - - - X" keep the state with "ignore" (both tables, row 5).
      return realBreaching < real.length ? "OK" : current;
    case "missing": {
      if (real.length === 0) return "INSUFFICIENT_DATA";
      if (realBreaching >= m) return "ALARM";
      if (realBreaching < real.length) return "OK";
      // Every real datapoint is breaching but fewer than M: ALARM once the oldest breaching
      // datapoint is at least M periods old (premature-alarm rule), else too early to tell.
      return prematureAlarm(alarm, range) ? "ALARM" : "INSUFFICIENT_DATA";
    }
  }
}

/**
 * "Avoiding premature transitions to alarm state": the oldest breaching datapoint of the range
 * is at least as old as M (counting the newest period as 1) and every more recent datapoint is
 * breaching or missing. The caller has checked that no real datapoint is non-breaching (the
 * 2-of-3 row `0 - X - -` stays OK although its breaching point is old enough).
 */
export function prematureAlarm(
  alarm: Pick<EvaluableAlarm, "comparison" | "threshold" | "datapointsToAlarm">,
  range: readonly (number | null)[],
): boolean {
  const oldest = range.findIndex((v) => v !== null && isBreaching(alarm, v));
  if (oldest < 0) return false;
  const age = range.length - oldest;
  const newerOk = range.slice(oldest + 1).every((v) => v === null || isBreaching(alarm, v));
  return newerOk && age >= alarm.datapointsToAlarm;
}

export interface Sample {
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly value: number;
}

/** Aggregates raw samples into one datapoint per period with the alarm's statistic. */
export function aggregate(samples: readonly Sample[], periodSeconds: number, statistic: Statistic): Map<number, number> {
  const buckets = new Map<number, number[]>();
  const periodMs = periodSeconds * 1000;
  for (const s of samples) {
    const start = Math.floor(s.timestamp / periodMs) * periodMs;
    const bucket = buckets.get(start) ?? [];
    bucket.push(s.value);
    buckets.set(start, bucket);
  }
  const out = new Map<number, number>();
  for (const [start, values] of buckets) out.set(start, applyStatistic(values, statistic));
  return out;
}

export function applyStatistic(values: readonly number[], statistic: Statistic): number {
  switch (statistic) {
    case "Maximum":
      return Math.max(...values);
    case "Minimum":
      return Math.min(...values);
    case "Sum":
      return values.reduce((a, b) => a + b, 0);
    case "Average":
      return values.reduce((a, b) => a + b, 0) / values.length;
    case "SampleCount":
      return values.length;
    default: {
      // Percentile rank PR(:T): the share (%) of values at or under T (CloudWatch statistics definitions).
      const percentileRank = /^PR\(:(-?\d+(?:\.\d+)?)\)$/.exec(statistic);
      if (percentileRank) return (100 * values.filter((v) => v <= Number(percentileRank[1])).length) / values.length;
      const p = Number(statistic.slice(1));
      if (!(p >= 0 && p <= 100)) throw new Error(`unsupported statistic ${statistic}`);
      // Nearest-rank percentile.
      const sorted = [...values].sort((a, b) => a - b);
      const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
      return sorted[rank - 1]!;
    }
  }
}

export interface Transition {
  /** Epoch ms of the end of the period whose evaluation changed the state. */
  readonly at: number;
  readonly from: AlarmState;
  readonly to: AlarmState;
}

export interface SimulationOptions {
  /** Epoch ms; first evaluation at the end of the period containing it. */
  readonly from: number;
  /** Epoch ms; last evaluation at or before it. */
  readonly to: number;
  readonly initialState?: AlarmState;
  /** Periods retrieved per evaluation; defaults to N + 2 as in the documented examples. */
  readonly evaluationRange?: number | EvaluationRangeRule;
}

/**
 * Evaluates the alarm at the end of every period between `from` and `to` over raw samples
 * and returns the state transitions (what would send ALARM and OK notifications).
 */
export function simulateAlarm(alarm: EvaluableAlarm, samples: readonly Sample[], options: SimulationOptions): Transition[] {
  const periodMs = alarm.periodSeconds * 1000;
  const datapoints = aggregate(samples, alarm.periodSeconds, alarm.statistic);
  const rule = options.evaluationRange;
  const rangeSize = typeof rule === "function" ? rule(alarm) : (rule ?? defaultEvaluationRange(alarm.evaluationPeriods));
  let state: AlarmState = options.initialState ?? "INSUFFICIENT_DATA";
  const transitions: Transition[] = [];
  for (let end = Math.floor(options.from / periodMs) * periodMs + periodMs; end <= options.to; end += periodMs) {
    const range: (number | null)[] = [];
    for (let i = rangeSize; i >= 1; i--) range.push(datapoints.get(end - i * periodMs) ?? null);
    const next = evaluateRange(alarm, range, state);
    if (next !== state) transitions.push({ at: end, from: state, to: next });
    state = next;
  }
  return transitions;
}
