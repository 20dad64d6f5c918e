/**
 * The graph of one or more catalog signals, drawn from the same definition their alarms use
 * (as cdk-monitoring-constructs draws an alarm's annotation on the graph of its own metric):
 * per scope instance, exactly the metric or metric math of core/catalog's resolved signal
 * (signalMetrics, metricQueryOf), and one threshold line per alarm level at the resolved
 * alarm's threshold and tier (resolveAlarms, with this environment's config.thresholds). A
 * signal whose alarms are off (retired by an SLO, disabled in config) keeps its graph, without lines.
 */
import {
  type AlarmSpec,
  conditionText,
  type LevelName,
  metricQueryOf,
  resolveAlarms,
  type SignalMetric,
  signalById,
  signalMetrics,
} from "../core/catalog";
import type { EnvironmentConfig } from "../core/config/schema";
import type { GraphWidgetSpec, Query, Threshold } from "./spec";
import { expr, graph, metric } from "./widgets";

/** One signal on a graph. */
export interface SignalSeries {
  readonly signalId: string;
  /** Label of a visible series from its cluster or deployment (undefined environment-wide). @default the instance name, or the metric's label */
  readonly label?: (instanceName: string | undefined) => string;
  /** Shade beyond the line of the signal's most severe level. @default none */
  readonly fill?: Threshold["fill"];
}

export interface SignalGraphOptions extends Partial<Omit<GraphWidgetSpec, "type" | "title" | "queries" | "thresholds">> {
  /** Queries that are not a catalog signal, drawn beside the signals' own. @default none */
  readonly extraQueries?: readonly Query[];
  /** Lines that are not an alarm threshold (a budget, a target), drawn first. @default none */
  readonly extraThresholds?: readonly Threshold[];
}

const alarmsByConfig = new WeakMap<EnvironmentConfig, readonly AlarmSpec[]>();

/** The environment's resolved alarms, resolved once per config object. */
export function environmentAlarms(config: EnvironmentConfig): readonly AlarmSpec[] {
  let alarms = alarmsByConfig.get(config);
  if (!alarms) {
    alarms = resolveAlarms(config);
    alarmsByConfig.set(config, alarms);
  }
  return alarms;
}

/** The resolved alarm threshold of one level of a signal, when that alarm exists in this environment. */
export function alarmThreshold(config: EnvironmentConfig, signalId: string, level: LevelName): number | undefined {
  return environmentAlarms(config).find((a) => a.signalId === signalId && a.level === level)?.threshold;
}

/** Metric-math ids of one signal's series on a widget: "s<k>_<i>", its inputs "s<k>_<i><input id>". */
const seriesId = (k: number, i: number) => `s${k}_${i}`;

/** Renames the input ids of a catalog expression to the widget's ids (functions are upper case, ids lower case). */
export function renameIds(expression: string, ids: Readonly<Record<string, string>>): string {
  return expression.replace(/\b[a-z][a-zA-Z0-9_]*\b/g, (id) => ids[id] ?? id);
}

function instanceName(m: SignalMetric): string | undefined {
  return m.instance.cluster ?? m.instance.deployment;
}

/** The queries of one signal metric: its metric, or its hidden inputs and the expression over them. */
function signalQueries(m: SignalMetric, id: string, label: string): Query[] {
  const query = metricQueryOf(m);
  if (!query) throw new Error(`dashboards: signal ${m.signalId} reads an AWS resource metric, which a dashboard cannot name`);
  if (query.expression === undefined) {
    const single = query.inputs.m!;
    return [metric(id, single.metric, single.dimensions, single.statistic, label)];
  }
  const ids = Object.fromEntries(Object.keys(query.inputs).map((k) => [k, `${id}${k}`]));
  return [
    ...Object.entries(query.inputs).map(([k, input]) => metric(ids[k]!, input.metric, input.dimensions, input.statistic, ids[k]!, false)),
    expr(id, renameIds(query.expression, ids), label),
  ];
}

/** The alarm lines of one signal on a graph of the given period: one per level whose alarms evaluate that period. */
function signalLines(config: EnvironmentConfig, series: SignalSeries, periodSeconds: number): Threshold[] {
  const signal = signalById(series.signalId)!;
  const alarms = environmentAlarms(config).filter((a) => a.signalId === series.signalId && a.periodSeconds === periodSeconds);
  const levels = (["warn", "critical"] as const).filter((l) => alarms.some((a) => a.level === l));
  return levels.flatMap((level) => {
    // Overrides are per signal, so every instance of a level has the same threshold and tier.
    const seen = new Map<string, Threshold>();
    for (const a of alarms.filter((x) => x.level === level)) {
      const key = `${a.threshold}/${a.tier}`;
      if (seen.has(key)) continue;
      seen.set(key, {
        value: a.threshold,
        label: `${conditionText(a.comparison, a.threshold, signal.unit)} (${a.tier})`,
        severity: level,
        ...(series.fill && level === levels.at(-1) ? { fill: series.fill } : {}),
        signal: { id: signal.id, level },
      });
    }
    return [...seen.values()];
  });
}

/** A graph of catalog signals: their resolved queries and their alarms' threshold lines. */
export function signalGraph(
  config: EnvironmentConfig,
  title: string,
  signals: readonly (string | SignalSeries)[],
  opts: SignalGraphOptions = {},
): GraphWidgetSpec {
  const series = signals.map((s) => (typeof s === "string" ? { signalId: s } : s));
  const periods = new Set(series.map((s) => signalById(s.signalId)?.periodSeconds));
  if (periods.has(undefined)) throw new Error(`dashboards: unknown catalog signal in ${JSON.stringify(signals)}`);
  if (opts.periodSeconds === undefined && periods.size > 1)
    throw new Error(`dashboards: ${title} mixes signal periods; give periodSeconds`);
  const periodSeconds = opts.periodSeconds ?? [...periods][0]!;
  const queries: Query[] = [
    ...series
      .flatMap((s, k) =>
        signalMetrics(config, s.signalId).map((m, i) => {
          const name = instanceName(m);
          const source = m.source.kind === "math" ? m.source.label : signalById(s.signalId)!.title;
          return signalQueries(m, seriesId(k, i), s.label ? s.label(name) : (name ?? source));
        }),
      )
      .flat(),
    ...(opts.extraQueries ?? []),
  ];
  const { extraQueries: _q, extraThresholds, ...graphOpts } = opts;
  return graph(title, queries, {
    ...graphOpts,
    periodSeconds,
    thresholds: [...(extraThresholds ?? []), ...series.flatMap((s) => signalLines(config, s, periodSeconds))],
  });
}
