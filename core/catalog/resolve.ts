/**
 * Turns the signal catalog plus one environment's config into the exact list of alarms to
 * create: per-environment overrides applied (and validated), one alarm per level per scope
 * instance (cluster or deployment), composite-alarm wiring for suppressed signals. Pure.
 */

import { ConfigError } from "../config/config-error";
import type { EnvironmentConfig } from "../config/schema";
import { METRICS, type MetricKey } from "../metric-registry";
import { ALARM_NAME_ROOT, alarmNamePrefix } from "./alarm-names";
import { conditionText } from "./operators";
import { SIGNALS } from "./signals";
import { activeSloIds } from "./slo";
import type {
  AlarmSpec,
  CatalogContext,
  LevelDefinition,
  LevelName,
  ScopeInstance,
  SignalDefinition,
  SignalMetric,
  SloId,
  Statistic,
  Tier,
} from "./types";

export type ThresholdOverrides = EnvironmentConfig["thresholds"];

/** CloudWatch allows at most 10 metrics in an alarm's math expression. */
export const MAX_ALARM_MATH_METRICS = 10;
/** AlarmDescription is limited to 1024 characters. */
export const MAX_ALARM_DESCRIPTION = 1024;

export class CatalogConfigError extends ConfigError {
  override name = "CatalogConfigError";
}

export function catalogContext(config: EnvironmentConfig): CatalogContext {
  return {
    environment: config.name,
    clusters: config.redfish.clusters.map((c) => c.name),
    deployments: (config.azure?.accounts ?? []).flatMap((a) => a.deployments),
    pollIntervalSeconds: config.redfish.intervalSeconds,
    gpuHourUsd: config.budgets.gpuHourUsd,
    dailyGpuBudgetUsd: config.budgets.dailyGpuBudgetUsd,
  };
}

/**
 * Validates config.thresholds against the catalog: unknown signal ids, levels a signal does
 * not have, and M > N all fail synth with a message naming the field and the allowed values.
 */
export function validateOverrides(overrides: ThresholdOverrides, signals: readonly SignalDefinition[] = SIGNALS): void {
  const problems: string[] = [];
  const valid = signals.map((s) => s.id);
  for (const [id, o] of Object.entries(overrides)) {
    const signal = signals.find((s) => s.id === id);
    if (!signal) {
      problems.push(`thresholds.${id}: unknown signal id ${JSON.stringify(id)}. Valid signal ids: ${valid.join(", ")}`);
      continue;
    }
    const has = Object.keys(signal.levels) as LevelName[];
    for (const level of ["warn", "critical"] as const) {
      if (o[level] !== undefined && !signal.levels[level]) {
        problems.push(`thresholds.${id}.${level}: signal ${id} has no ${level} level; it has: ${has.join(", ")}`);
      }
    }
    for (const level of has) {
      const def = signal.levels[level]!;
      const m = o.datapointsToAlarm ?? def.datapointsToAlarm;
      const n = o.evaluationPeriods ?? def.evaluationPeriods;
      if (m > n) {
        problems.push(`thresholds.${id}: datapointsToAlarm (${m}) must be <= evaluationPeriods (${n}) for the ${level} level`);
      }
      const period = def.periodSeconds ?? signal.periodSeconds;
      if (n * period > 86_400) {
        problems.push(
          `thresholds.${id}.evaluationPeriods: ${n} x ${period} s exceeds CloudWatch's one-day evaluation limit for the ${level} level`,
        );
      }
    }
  }
  if (problems.length > 0) {
    throw new CatalogConfigError(`Invalid signal overrides in config.thresholds:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Applies one signal's override to one level. */
export function effectiveLevel(signal: SignalDefinition, level: LevelName, overrides: ThresholdOverrides): LevelDefinition | undefined {
  const def = signal.levels[level];
  if (!def) return undefined;
  const o = overrides[signal.id] ?? {};
  return {
    ...def,
    threshold: o[level] ?? def.threshold,
    datapointsToAlarm: o.datapointsToAlarm ?? def.datapointsToAlarm,
    evaluationPeriods: o.evaluationPeriods ?? def.evaluationPeriods,
  };
}

export function isEnabled(
  signal: SignalDefinition,
  overrides: ThresholdOverrides,
  hasAzure: boolean,
  activeSlos: ReadonlySet<SloId> = new Set(),
): boolean {
  if (signal.requiresAzure && !hasAzure) return false;
  // Retired by an active SLO: off unless the environment turns it back on explicitly.
  const retired = signal.supersededBy?.action === "retire" && activeSlos.has(signal.supersededBy.slo);
  return overrides[signal.id]?.enabled ?? !retired;
}

/** The tier an active SLO demotes this signal to, if any. */
export function demotedTier(signal: SignalDefinition, activeSlos: ReadonlySet<SloId>): Tier | undefined {
  const s = signal.supersededBy;
  return s?.action === "demote" && activeSlos.has(s.slo) ? s.tier : undefined;
}

/** Alarm names: FleetWatch/<env>/<signal>/<level>[/<cluster or deployment>]. The enricher parses them back. */
export function alarmName(environment: string, signalId: string, level: LevelName, instance: ScopeInstance = {}): string {
  const scope = instance.cluster ?? instance.deployment;
  return `${alarmNamePrefix(environment)}${[signalId, level, ...(scope ? [scope] : [])].join("/")}`;
}

export interface ParsedAlarmName {
  readonly environment: string;
  readonly signalId: string;
  readonly level: LevelName;
  readonly cluster?: string;
  readonly deployment?: string;
  /** True for the composite alarm that pages on behalf of a suppressed metric alarm. */
  readonly composite: boolean;
}

export function parseAlarmName(name: string, signals: readonly SignalDefinition[] = SIGNALS): ParsedAlarmName | undefined {
  const parts = name.split("/");
  if (parts[0] !== ALARM_NAME_ROOT || parts.length < 4) return undefined;
  const [, environment, signalId, level, ...rest] = parts as [string, string, string, string, ...string[]];
  const composite = rest.at(-1) === "paging";
  const scopeParts = composite ? rest.slice(0, -1) : rest;
  if (level !== "warn" && level !== "critical") return undefined;
  const signal = signals.find((s) => s.id === signalId);
  if (!signal) return undefined;
  const scopeValue = scopeParts.join("/");
  return {
    environment,
    signalId,
    level,
    composite,
    ...(signal.scope === "cluster" && scopeValue ? { cluster: scopeValue } : {}),
    ...(signal.scope === "deployment" && scopeValue ? { deployment: scopeValue } : {}),
  };
}

/** The composite alarm that carries a suppressed signal's actions. */
export function pagingAlarmName(metricAlarmName: string): string {
  return `${metricAlarmName}/paging`;
}

function instancesOf(signal: SignalDefinition, ctx: CatalogContext): ScopeInstance[] {
  switch (signal.scope) {
    case "environment":
      return [{}];
    case "cluster":
      return ctx.clusters.map((cluster) => ({ cluster }));
    case "deployment":
      return ctx.deployments.map((d) => ({ deployment: d.name }));
  }
}

function dimensionsOf(ctx: CatalogContext, instance: ScopeInstance): Record<string, string> {
  return {
    Environment: ctx.environment,
    ...(instance.cluster ? { Cluster: instance.cluster } : {}),
    ...(instance.deployment ? { Deployment: instance.deployment } : {}),
  };
}

function describeThreshold(signal: SignalDefinition, level: LevelDefinition, periodSeconds: number): string {
  const condition = conditionText(signal.comparison, level.threshold, signal.unit);
  return `${condition} in ${level.datapointsToAlarm} of ${level.evaluationPeriods} periods of ${periodSeconds / 60} min`;
}

export function alarmDescription(signal: SignalDefinition, level: LevelName, def: LevelDefinition, instance: ScopeInstance): string {
  const period = def.periodSeconds ?? signal.periodSeconds;
  const where = instance.cluster ? ` Cluster: ${instance.cluster}.` : instance.deployment ? ` Deployment: ${instance.deployment}.` : "";
  const text =
    `[${def.tier}] ${signal.what}${where} Condition: ${signal.title} ${describeThreshold(signal, def, period)}.` +
    ` Look at: ${signal.lookAt}. Do: ${signal.runbook} (signal ${signal.id}/${level}; runbook docs/alarms.md#${signal.id})`;
  return text.length <= MAX_ALARM_DESCRIPTION ? text : `${text.slice(0, MAX_ALARM_DESCRIPTION - 1)}…`;
}

/**
 * One signal's metric per scope instance in this environment, whether or not its alarms are on
 * (a retired signal still has a graph). Checks what CloudWatch would reject at deploy time.
 */
function metricsOf(signal: SignalDefinition, ctx: CatalogContext): SignalMetric[] {
  return instancesOf(signal, ctx).map((instance) => {
    const source = signal.source(ctx, instance);
    if (source.kind === "math") {
      const count = Object.keys(source.inputs).length;
      if (count > MAX_ALARM_MATH_METRICS) {
        throw new CatalogConfigError(
          `Signal ${signal.id} needs ${count} metrics in one alarm expression (CloudWatch allows ${MAX_ALARM_MATH_METRICS}); ` +
            `reduce the number of clusters or set thresholds.${signal.id}.enabled to false`,
        );
      }
      for (const input of Object.values(source.inputs)) {
        if (!(input.metric in METRICS)) throw new Error(`signal ${signal.id}: unknown metric ${input.metric}`);
      }
    }
    return {
      signalId: signal.id,
      instance,
      source,
      dimensions: dimensionsOf(ctx, instance),
      statistic: signal.statistic,
      periodSeconds: signal.periodSeconds,
    };
  });
}

/** The metric of one catalog signal per scope instance for this environment (config.thresholds validated). */
export function signalMetrics(config: EnvironmentConfig, signalId: string, signals: readonly SignalDefinition[] = SIGNALS): SignalMetric[] {
  const signal = signals.find((s) => s.id === signalId);
  if (!signal) throw new Error(`signal catalog: unknown signal ${JSON.stringify(signalId)}`);
  if (signal.requiresAzure && config.azure === undefined) return [];
  return metricsOf(signal, catalogContext(config));
}

/** One FleetWatch metric a signal metric reads, with exactly its registered dimensions. */
export interface MetricInput {
  readonly metric: MetricKey;
  readonly statistic: Statistic;
  readonly dimensions: Readonly<Record<string, string>>;
}

/**
 * The CloudWatch query of a signal metric over FleetWatch metrics: its metric-math expression
 * (absent for a single metric, read as input `m`) and its inputs by id. Undefined for the
 * built-in metric of an AWS resource, whose dimensions only the deployed resource knows.
 */
export function metricQueryOf(
  m: Pick<SignalMetric, "signalId" | "source" | "dimensions" | "statistic">,
): { readonly expression?: string; readonly label?: string; readonly inputs: Readonly<Record<string, MetricInput>> } | undefined {
  const input = (metric: MetricKey, statistic: Statistic, own: Readonly<Record<string, string>> = {}): MetricInput => {
    const all = { ...m.dimensions, ...own };
    const dimensions: Record<string, string> = {};
    for (const d of METRICS[metric].dimensions) {
      const v = all[d];
      if (v === undefined)
        throw new Error(`signal ${m.signalId}: metric ${METRICS[metric].name} needs dimension ${d}, which the scope does not give`);
      dimensions[d] = v;
    }
    return { metric, statistic, dimensions };
  };
  switch (m.source.kind) {
    case "resource":
      return undefined;
    case "fleetwatch":
      return { inputs: { m: input(m.source.metric, m.statistic) } };
    case "math": {
      const inputs: Record<string, MetricInput> = {};
      for (const [id, i] of Object.entries(m.source.inputs)) inputs[id] = input(i.metric, i.statistic, i.dimensions);
      return { expression: m.source.expression, label: m.source.label, inputs };
    }
  }
}

/** Every alarm one environment gets, in catalog order. */
export function resolveAlarms(config: EnvironmentConfig, signals: readonly SignalDefinition[] = SIGNALS): AlarmSpec[] {
  validateOverrides(config.thresholds, signals);
  const ctx = catalogContext(config);
  const hasAzure = config.azure !== undefined;
  const slos = activeSloIds(config);
  const enabled = signals.filter((s) => isEnabled(s, config.thresholds, hasAzure, slos));
  const alarms: AlarmSpec[] = [];
  for (const signal of enabled) {
    const suppressor = signal.suppressedBy ? enabled.find((s) => s.id === signal.suppressedBy) : undefined;
    if (suppressor && suppressor.scope !== "environment") {
      throw new Error(`signal catalog: ${signal.id} is suppressed by ${suppressor.id}, which must be environment-wide`);
    }
    for (const metric of metricsOf(signal, ctx)) {
      const { instance } = metric;
      for (const level of ["warn", "critical"] as const) {
        const effective = effectiveLevel(signal, level, config.thresholds);
        if (!effective) continue;
        const demoted = demotedTier(signal, slos);
        const def = demoted ? { ...effective, tier: demoted } : effective;
        const name = alarmName(ctx.environment, signal.id, level, instance);
        const suppressorLevel = suppressor ? (Object.keys(suppressor.levels)[0] as LevelName) : undefined;
        alarms.push({
          ...metric,
          name,
          level,
          tier: def.tier,
          periodSeconds: def.periodSeconds ?? metric.periodSeconds,
          comparison: signal.comparison,
          threshold: def.threshold,
          datapointsToAlarm: def.datapointsToAlarm,
          evaluationPeriods: def.evaluationPeriods,
          treatMissingData: signal.treatMissingData,
          description: alarmDescription(signal, level, def, instance),
          ...(suppressor && suppressorLevel ? { suppressedByAlarm: alarmName(ctx.environment, suppressor.id, suppressorLevel) } : {}),
          pagingAlarmName: suppressor ? pagingAlarmName(name) : name,
        });
      }
    }
  }
  return alarms;
}
