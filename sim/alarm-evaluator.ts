/**
 * CloudWatch, for the simulation: evaluates every alarm the catalog resolves for the simulated
 * environment, once per minute at the minute boundary (CloudWatch evaluates alarms with periods
 * of a minute or more every minute, over periods that end at the evaluation time), on the
 * datapoints that have *arrived* by then, with core/catalog's rules (statistic, period, M of N,
 * evaluation range, missing-data treatment). Composite paging alarms honour their actions
 * suppressor with its wait and extension periods. Alarms on AWS-namespace metrics (Lambda
 * errors, iterator age, SQS depth) are not evaluated: nothing here produces those metrics.
 */

import {
  type AlarmSpec,
  type AlarmState,
  aggregate,
  compositeActions,
  defaultEvaluationRange,
  evaluateRange,
  type Sample,
  type StateChange,
} from "../core/catalog";
import { METRIC_NAMESPACE, METRICS } from "../core/metric-registry";
import { evaluateExpression, parseExpression } from "../dev-support/metric-math";
import type { MetricStore } from "./metric-store";

export interface Notification {
  readonly kind: "ALARM" | "OK";
  /** The alarm that carries the actions (the composite for suppressed signals). */
  readonly alarm: string;
  readonly spec: AlarmSpec;
  readonly at: number;
  /** When the underlying metric alarm changed state (earlier than `at` when a suppressor wait applied). */
  readonly metricAlarmAt: number;
}

export interface EvaluatorOptions {
  readonly suppressorWaitMs: number;
  readonly suppressorExtensionMs: number;
  /**
   * Periods added to core/catalog's default evaluation range (N + 2). 0 = the catalog's rules; a
   * diagnostic for "would a longer range see late data" (`npm run simulate -- --extra-evaluation-periods 10`).
   */
  readonly extraEvaluationPeriods?: number;
  /**
   * "received" (default): a datapoint counts once it reached CloudWatch, as in AWS. "obtained":
   * once its source poll obtained it — the reference for what the pipeline adds.
   */
  readonly visibility?: "received" | "obtained";
}

interface Tracked {
  readonly spec: AlarmSpec;
  state: AlarmState;
  readonly datapoints: (end: number, visibleAt: number) => (number | null)[];
  /** Composite paging: actions already sent. */
  emitted: number;
}

export class AlarmEvaluator {
  private readonly tracked: Tracked[] = [];
  readonly skipped: AlarmSpec[] = [];
  private readonly stateLog = new Map<string, StateChange[]>();

  constructor(
    specs: readonly AlarmSpec[],
    private readonly store: MetricStore,
    private readonly options: EvaluatorOptions,
  ) {
    for (const spec of specs) {
      const datapoints = this.sourceOf(spec);
      if (!datapoints) this.skipped.push(spec);
      else this.tracked.push({ spec, state: "INSUFFICIENT_DATA", datapoints, emitted: 0 });
    }
  }

  get alarms(): readonly AlarmSpec[] {
    return this.tracked.map((t) => t.spec);
  }

  private samples(metric: keyof typeof METRICS, dimensions: Record<string, string>, from: number, to: number, visibleAt: number): Sample[] {
    const spec = METRICS[metric];
    const dims: Record<string, string> = {};
    for (const d of spec.dimensions) if (dimensions[d] !== undefined) dims[d] = dimensions[d] as string;
    return this.store
      .get(METRIC_NAMESPACE, spec.name, dims)
      .filter((d) => (this.options.visibility === "obtained" ? d.obtainedAt : d.receivedAt) <= visibleAt)
      .filter((d) => d.timestamp >= from && d.timestamp < to)
      .map((d) => ({ timestamp: d.timestamp, value: d.value }));
  }

  /** Returns the evaluation range (oldest first) for the periods ending at `end`. */
  private sourceOf(spec: AlarmSpec): Tracked["datapoints"] | undefined {
    const periodMs = spec.periodSeconds * 1000;
    const rangeSize = defaultEvaluationRange(spec.evaluationPeriods) + (this.options.extraEvaluationPeriods ?? 0);
    const starts = (end: number) => Array.from({ length: rangeSize }, (_, i) => end - (rangeSize - i) * periodMs);
    // Periods end at the evaluation time: bucket on an offset grid (CloudWatch slides long periods by the minute).
    const bucket = (samples: Sample[], end: number) => {
      const offset = end % periodMs;
      return aggregate(
        samples.map((s) => ({ timestamp: s.timestamp - offset, value: s.value })),
        spec.periodSeconds,
        spec.statistic,
      );
    };
    const source = spec.source;
    if (source.kind === "resource") return undefined;
    if (source.kind === "fleetwatch") {
      return (end, visibleAt) => {
        const from = end - rangeSize * periodMs;
        const points = bucket(this.samples(source.metric, spec.dimensions, from, end, visibleAt), end);
        const offset = end % periodMs;
        return starts(end).map((s) => points.get(s - offset) ?? null);
      };
    }
    const expression = parseExpression(source.expression);
    const inputs = Object.entries(source.inputs);
    return (end, visibleAt) => {
      const from = end - rangeSize * periodMs;
      const offset = end % periodMs;
      const perInput = inputs.map(([id, input]) => {
        const dims = { ...spec.dimensions, ...(input.dimensions ?? {}) };
        const samples = this.samples(input.metric, dims, from, end, visibleAt);
        const points = aggregate(
          samples.map((s) => ({ timestamp: s.timestamp - offset, value: s.value })),
          spec.periodSeconds,
          input.statistic,
        );
        return [id, points] as const;
      });
      return starts(end).map((s) => {
        const values: Record<string, number | null> = {};
        for (const [id, points] of perInput) values[id] = points.get(s - offset) ?? null;
        return evaluateExpression(expression, values, spec.periodSeconds);
      });
    };
  }

  stateOf(name: string): AlarmState | undefined {
    return this.tracked.find((t) => t.spec.name === name)?.state;
  }

  /** One evaluation round at `at` (a minute boundary). Returns the notifications it sends. */
  evaluate(at: number): Notification[] {
    const out: Notification[] = [];
    for (const t of this.tracked) {
      const range = t.datapoints(at, at);
      const next = evaluateRange(t.spec, range, t.state);
      if (next !== t.state) {
        const log = this.stateLog.get(t.spec.name) ?? [];
        log.push({ at, to: next });
        this.stateLog.set(t.spec.name, log);
        const previous = t.state;
        t.state = next;
        if (!t.spec.suppressedByAlarm) {
          if (next === "ALARM") out.push({ kind: "ALARM", alarm: t.spec.name, spec: t.spec, at, metricAlarmAt: at });
          else if (previous === "ALARM" && next === "OK") out.push({ kind: "OK", alarm: t.spec.name, spec: t.spec, at, metricAlarmAt: at });
        }
      }
    }
    // Composite paging alarms: core/catalog's documented wait/extension rules over the state logs so far.
    for (const t of this.tracked) {
      if (!t.spec.suppressedByAlarm) continue;
      const actions = compositeActions(
        this.stateLog.get(t.spec.name) ?? [],
        this.stateLog.get(t.spec.suppressedByAlarm) ?? [],
        { waitMs: this.options.suppressorWaitMs, extensionMs: this.options.suppressorExtensionMs },
        at,
      );
      for (const a of actions.slice(t.emitted)) {
        out.push({ kind: a.kind, alarm: t.spec.pagingAlarmName, spec: t.spec, at: a.at, metricAlarmAt: a.childAlarmAt });
      }
      t.emitted = actions.length;
    }
    return out;
  }
}
