/**
 * CloudWatch's alarm evaluation rules as a pure function, for the simulator and for tests.
 *
 * Reproduces the documented behaviour ("How alarm state is evaluated when data is missing",
 * CloudWatch User Guide): each evaluation looks at an evaluation range of recent periods
 * (more than N); when at least N real datapoints exist the most recent N are used and the
 * missing-data setting does not matter; with fewer, missing datapoints are filled using
 * TreatMissingData as few times as possible; M breaching among N means ALARM, else OK.
 */
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
 * How many recent periods CloudWatch retrieves per evaluation. The documented examples use
 * N + 2 (5 datapoints for N = 3); the exact number is not documented for every period.
 */
export function defaultEvaluationRange(evaluationPeriods: number): number {
  return evaluationPeriods + 2;
}

export function isBreaching(alarm: Pick<EvaluableAlarm, "comparison" | "threshold">, value: number): boolean {
  switch (alarm.comparison) {
    case "GreaterThanThreshold":
      return value > alarm.threshold;
    case "GreaterThanOrEqualToThreshold":
      return value >= alarm.threshold;
    case "LessThanThreshold":
      return value < alarm.threshold;
    case "LessThanOrEqualToThreshold":
      return value <= alarm.threshold;
  }
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
      return realBreaching < real.length ? "OK" : current;
    case "missing": {
      if (real.length === 0) return "INSUFFICIENT_DATA";
      if (realBreaching >= m) return "ALARM";
      if (realBreaching < real.length) return "OK";
      // Only breaching datapoints, fewer than M. The documented examples go to ALARM when the
      // oldest datapoint of the range is a breaching one (the metric stopped while breaching)
      // and to INSUFFICIENT_DATA when it is missing (the metric has only just started).
      return range[0] !== null && range[0] !== undefined ? "ALARM" : "INSUFFICIENT_DATA";
    }
  }
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
  readonly evaluationRange?: number;
}

/**
 * Evaluates the alarm at the end of every period between `from` and `to` over raw samples
 * and returns the state transitions (what would send ALARM and OK notifications).
 */
export function simulateAlarm(alarm: EvaluableAlarm, samples: readonly Sample[], options: SimulationOptions): Transition[] {
  const periodMs = alarm.periodSeconds * 1000;
  const datapoints = aggregate(samples, alarm.periodSeconds, alarm.statistic);
  const rangeSize = options.evaluationRange ?? defaultEvaluationRange(alarm.evaluationPeriods);
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
