/**
 * Service level objectives and their multiwindow, multi-burn-rate alerts, as data. Pure: the
 * alarm factory (lib/alarms/burn-rate-alarms.ts), the dashboards, the README table and the
 * tests all read this.
 *
 * The method is the one of the Google SRE workbook, chapter "Alerting on SLOs"
 * (https://sre.google/workbook/alerting-on-slos/), recommended table of its section 6
 * ("Multiwindow, multi-burn-rate alerts"): over a 30-day SLO period, page when 2 % of the error
 * budget is spent in 1 hour (burn rate 14.4) or 5 % in 6 hours (6), open a ticket when 10 % is
 * spent in 3 days (1); each long window is paired with a short window of 1/12 its length that
 * must burn too, so the alert stops soon after the burn stops. docs/alarms.md explains it.
 *
 * CloudWatch mapping: one alarm per window whose period IS the window (a sliding window, the
 * default: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation-window.html),
 * whose metric math turns the window's sums into the share of bad events (%), compared with
 * factor × (100 - target). A composite alarm ANDs the long and the short window and carries the
 * ALARM and OK actions of the tier.
 */

import { ConfigError } from "../config/config-error";
import type { EnvironmentConfig } from "../config/schema";
import { AZURE_PUBLISH_LAG_PERIODS } from "../metric-registry";
import { alarmNamePrefix } from "./alarm-names";
import type { EvaluableAlarm } from "./evaluate";
import type { AlarmSpec, MathMetricSource, ScopeInstance, SloId, Tier } from "./types";

/** Error budgets are counted over a rolling 30 days, as in the workbook's table. */
export const SLO_PERIOD_DAYS = 30;
const PERIOD_SECONDS = SLO_PERIOD_DAYS * 86_400;

/** One row of the workbook's recommended table: a burn rate, its two windows, and who is told. */
export interface BurnRatePolicy {
  readonly tier: Tier;
  /** Burn rate: 1 spends exactly the budget in 30 days; 14.4 spends it in 30 / 14.4 = 2.08 days. */
  readonly factor: number;
  readonly longWindowSeconds: number;
  /** 1/12 of the long window: the alert resets soon after the burn stops. */
  readonly shortWindowSeconds: number;
}

export const BURN_RATE_POLICIES: readonly BurnRatePolicy[] = [
  // Page: 2 % of the 30-day budget in 1 h.
  { tier: "P1", factor: 14.4, longWindowSeconds: 3600, shortWindowSeconds: 300 },
  // Page, less urgent: 5 % in 6 h.
  { tier: "P2", factor: 6, longWindowSeconds: 6 * 3600, shortWindowSeconds: 1800 },
  // Ticket: 10 % in 3 days.
  { tier: "P3", factor: 1, longWindowSeconds: 3 * 86_400, shortWindowSeconds: 6 * 3600 },
];

/** Share (%) of the 30-day budget a policy's long window has spent when it fires: factor × long window / period. */
export function budgetSpentPercent(p: BurnRatePolicy): number {
  return round((100 * p.factor * p.longWindowSeconds) / PERIOD_SECONDS);
}

/** The error-ratio threshold (% of bad events) for a target and a burn rate: factor × (100 - target). */
export function burnThresholdPercent(targetPercent: number, factor: number): number {
  return round(factor * (100 - targetPercent));
}

/** Hides binary floating point (100 - 99.9 = 0.0999...) from thresholds and tables. */
function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

export function windowLabel(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${seconds / 60}m`;
}

/** One resolved SLO: which objective, for which cluster or deployment, with which target. */
export interface SloInstance {
  readonly slo: SloId;
  readonly instance: ScopeInstance;
  /** The cluster or deployment name. */
  readonly name: string;
  readonly targetPercent: number;
  /** aoai-latency only: a minute is good when its P99 is at or under this. */
  readonly thresholdMs?: number;
}

export interface SloDefinition {
  readonly id: SloId;
  readonly title: string;
  readonly scope: "cluster" | "deployment";
  readonly requiresAzure: boolean;
  /** Good events / valid events, in words (README table, runbooks). */
  readonly sli: string;
  /** What the budget is counted in. */
  readonly eventUnit: string;
  /**
   * Minutes between a minute ending and its data being in CloudWatch. A window mostly made of
   * minutes not published yet would be judged on its few published minutes, so each alarm's period
   * is the policy's window plus this lag (see alarmPeriodSeconds).
   */
  readonly publishLagMinutes: number;
  /** The share (%) of bad events in one window, as metric math over that window. */
  readonly badShare: (slo: SloInstance) => MathMetricSource;
  readonly lookAt: string;
  readonly runbook: string;
  /**
   * An environment-wide catalog signal whose ALARM explains this SLO's burn: the composites get
   * it as their actions suppressor (one cause, one page), as suppressed catalog signals do.
   */
  readonly suppressedBy?: string;
}

export const SLOS: readonly SloDefinition[] = [
  {
    id: "aoai-availability",
    title: "Azure OpenAI availability",
    scope: "deployment",
    requiresAzure: true,
    sli: "requests not answered 429 or 5xx / all requests (AoaiUnavailableRequests, AoaiRequests)",
    eventUnit: "requests",
    // Platform metrics are published once settled: 3 minutes plus one poll.
    publishLagMinutes: AZURE_PUBLISH_LAG_PERIODS.metrics,
    // Counts summed over the window, so the ratio is weighted by traffic (a per-minute rate averaged
    // over a window is not). A window without requests spends no budget.
    badShare: () => ({
      kind: "math",
      expression: "IF(total > 0, 100 * FILL(bad, 0) / total, 0)",
      label: "requests answered 429 or 5xx (%)",
      inputs: { bad: { metric: "aoaiUnavailableRequests", statistic: "Sum" }, total: { metric: "aoaiRequests", statistic: "Sum" } },
    }),
    lookAt: 'Executive dashboard > Error budget; Engineering dashboard > 4xx/5xx/429 rates; KQL saved search "aoai-failed-requests"',
    runbook:
      "Read the result codes: 429 -> quota or a retry storm (raise quota, move load); 5xx -> Azure incident (check Azure status, fail over to another region or deployment).",
  },
  {
    id: "aoai-latency",
    title: "Azure OpenAI latency",
    scope: "deployment",
    requiresAzure: true,
    // Azure exposes per-request DurationMs only in Log Analytics; the poller publishes per-minute
    // percentiles, not counts under a threshold. A minute whose P99 is under the threshold had at
    // least 99 % of its requests under it, so the SLI is the share of such minutes (a time-slice
    // SLI; docs/alarms.md states the approximation).
    sli: "minutes with traffic whose P99 latency (AoaiLatencyP99Ms) is at or under the threshold / minutes with traffic",
    eventUnit: "minutes with traffic",
    publishLagMinutes: AZURE_PUBLISH_LAG_PERIODS.logs,
    // CloudWatch's percentile rank PR(:T): the share (%) of datapoints at or under T in the window.
    badShare: (slo) => ({
      kind: "math",
      expression: "100 - good",
      label: `minutes with P99 over ${slo.thresholdMs} ms (%)`,
      inputs: { good: { metric: "aoaiLatencyP99Ms", statistic: `PR(:${slo.thresholdMs ?? 0})` } },
    }),
    lookAt: 'Engineering dashboard > Latency P50/P95/P99 with SLO lines; KQL saved search "aoai-slow-requests"',
    runbook: "Compare time to first token and output length; check 429s and the region's status; shift traffic if the region is degraded.",
  },
  {
    id: "gpu-fleet",
    title: "GPU fleet health",
    scope: "cluster",
    requiresAzure: false,
    sli: "healthy GPU-minutes (reporting, not over the critical temperature, not throttled) / expected GPU-minutes (GpusHealthy, GpusExpected)",
    eventUnit: "GPU-minutes",
    // The ingest publishes EMF within a minute of the poll.
    publishLagMinutes: 1,
    badShare: () => ({
      kind: "math",
      expression: "IF(expected > 0, 100 * (expected - FILL(healthy, 0)) / expected, 0)",
      label: "GPU-minutes not healthy (%)",
      inputs: { expected: { metric: "gpusExpected", statistic: "Sum" }, healthy: { metric: "gpusHealthy", statistic: "Sum" } },
    }),
    lookAt:
      'Engineering dashboard > Fleet health, GPU temperature top-N, Throttling; Logs Insights queries "gpu-hotspots", "unreachable-bmcs"',
    runbook:
      "Find what the unhealthy GPU-minutes are: hot or throttled GPUs (cooling, power cap) or silent BMCs (network, credentials); drain the worst nodes first.",
    // Every BMC dark at once burns every cluster's budget; the network outage is paged once, by itself.
    suppressedBy: "bmc-network-outage",
  },
];

export function sloById(id: SloId): SloDefinition {
  const slo = SLOS.find((s) => s.id === id);
  if (!slo) throw new Error(`unknown SLO ${id}`);
  return slo;
}

export class SloConfigError extends ConfigError {
  override name = "SloConfigError";
}

/** True when the config turns this SLO on and the environment has what it measures. */
export function isSloActive(config: EnvironmentConfig, id: SloId): boolean {
  const def = sloById(id);
  if (def.requiresAzure && !config.azure) return false;
  const c = config.slos;
  return id === "aoai-availability" ? c.aoaiAvailability.enabled : id === "aoai-latency" ? c.aoaiLatency.enabled : c.gpuFleet.enabled;
}

/** The environment's deployments by name (the Deployment dimension is the name alone); same names keep the strictest P99. */
function deploymentsByName(config: EnvironmentConfig): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of (config.azure?.accounts ?? []).flatMap((a) => a.deployments)) {
    const prev = out.get(d.name);
    if (prev === undefined || d.sloP99Ms < prev) out.set(d.name, d.sloP99Ms);
  }
  return out;
}

/**
 * Every SLO instance of one environment. Per-instance keys in config.slos that name no cluster
 * or deployment fail synth, naming the field and the valid names.
 */
export function resolveSlos(config: EnvironmentConfig): SloInstance[] {
  const clusters = config.redfish.clusters.map((c) => c.name);
  const deployments = deploymentsByName(config);
  const problems: string[] = [];
  const unknown = (field: string, names: Iterable<string>, valid: readonly string[], what: string) => {
    for (const n of names) {
      if (!valid.includes(n)) {
        problems.push(
          `${field}.${n}: no ${what} named ${JSON.stringify(n)} in this environment; ${what}s: ${valid.join(", ") || "(none)"}`,
        );
      }
    }
  };
  const s = config.slos;
  unknown("slos.aoaiAvailability.deployments", Object.keys(s.aoaiAvailability.deployments), [...deployments.keys()], "deployment");
  unknown("slos.aoaiLatency.deployments", Object.keys(s.aoaiLatency.deployments), [...deployments.keys()], "deployment");
  unknown("slos.gpuFleet.clusters", Object.keys(s.gpuFleet.clusters), clusters, "cluster");
  if (problems.length > 0) {
    throw new SloConfigError(`Invalid SLOs in config.slos:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }

  const out: SloInstance[] = [];
  if (isSloActive(config, "aoai-availability")) {
    for (const name of deployments.keys()) {
      out.push({
        slo: "aoai-availability",
        instance: { deployment: name },
        name,
        targetPercent: s.aoaiAvailability.deployments[name] ?? s.aoaiAvailability.target,
      });
    }
  }
  if (isSloActive(config, "aoai-latency")) {
    for (const [name, sloP99Ms] of deployments) {
      const own = s.aoaiLatency.deployments[name];
      out.push({
        slo: "aoai-latency",
        instance: { deployment: name },
        name,
        targetPercent: own?.target ?? s.aoaiLatency.target,
        thresholdMs: own?.thresholdMs ?? sloP99Ms,
      });
    }
  }
  if (isSloActive(config, "gpu-fleet")) {
    for (const name of clusters) {
      out.push({ slo: "gpu-fleet", instance: { cluster: name }, name, targetPercent: s.gpuFleet.clusters[name] ?? s.gpuFleet.target });
    }
  }
  return out;
}

/** One window of one burn-rate policy of one SLO instance: a CloudWatch metric alarm without actions. */
export interface BurnRateWindowAlarm extends EvaluableAlarm {
  readonly name: string;
  readonly slo: SloInstance;
  readonly tier: Tier;
  readonly role: "long" | "short";
  readonly windowSeconds: number;
  readonly factor: number;
  readonly source: MathMetricSource;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly description: string;
}

/** Long AND short window: the alarm that pages, with ALARM and OK actions on its tier. */
export interface BurnRateComposite {
  readonly name: string;
  readonly slo: SloInstance;
  readonly tier: Tier;
  readonly factor: number;
  readonly long: BurnRateWindowAlarm;
  readonly short: BurnRateWindowAlarm;
  readonly description: string;
}

export interface BurnRateAlarms {
  readonly slos: readonly SloInstance[];
  readonly windows: readonly BurnRateWindowAlarm[];
  readonly composites: readonly BurnRateComposite[];
}

/** CloudWatch limits the alarms must respect (PutMetricAlarm, PutCompositeAlarm API references). */
export const CLOUDWATCH_ALARM_LIMITS = {
  metricsPerExpression: 10,
  /** Period × EvaluationPeriods for periods under one hour. */
  rangeUnderOneHourSeconds: 86_400,
  /** Period × EvaluationPeriods otherwise. */
  rangeSeconds: 604_800,
  compositeRuleChars: 10_240,
  alarmNameChars: 255,
  descriptionChars: 1024,
} as const;

/**
 * The alarm period of a policy window: the window plus the SLO's publish lag. The newest `lag`
 * minutes of any window are not in CloudWatch yet, so a 5-minute window over Azure metrics (4
 * minutes late) would hold one published minute, and one bad minute would look like a 20 % burn;
 * over Log Analytics data (11 minutes late) it would always be empty and the fast burn could
 * never page. With the lag added, every window holds the policy's length of published data.
 * (The simulator showed it: evaluating the windows before a partial one instead, 1 of N, paged
 * again after repaired outages on single noisy minutes.)
 */
export function alarmPeriodSeconds(windowSeconds: number, publishLagMinutes: number): number {
  return windowSeconds + publishLagMinutes * 60;
}

/** FleetWatch/<env>/<slo>/burn-<tier>[-<window>]/<cluster or deployment>. */
export function burnRateAlarmName(environment: string, slo: SloInstance, tier: Tier, windowSeconds?: number): string {
  const level = `burn-${tier.toLowerCase()}${windowSeconds === undefined ? "" : `-${windowLabel(windowSeconds)}`}`;
  return `${alarmNamePrefix(environment)}${[slo.slo, level, slo.name].join("/")}`;
}

function dimensionsOf(environment: string, slo: SloInstance): Record<string, string> {
  return {
    Environment: environment,
    ...(slo.instance.cluster ? { Cluster: slo.instance.cluster } : {}),
    ...(slo.instance.deployment ? { Deployment: slo.instance.deployment } : {}),
  };
}

function days(v: number): string {
  return v >= 1 ? `${round(Math.round(v * 10) / 10)} days` : `${Math.round(v * 24)} h`;
}

function describe(environment: string, def: SloDefinition, slo: SloInstance, p: BurnRatePolicy, role?: "long" | "short"): string {
  const where = slo.instance.cluster ? `cluster ${slo.name}` : `deployment ${slo.name}`;
  const budgetGone = days(SLO_PERIOD_DAYS / p.factor);
  const windows = `${windowLabel(p.longWindowSeconds)} and ${windowLabel(p.shortWindowSeconds)}`;
  const head =
    role === undefined
      ? `[${p.tier}] ${def.title} SLO of ${where} (target ${slo.targetPercent} % over ${SLO_PERIOD_DAYS} days) is burning its error budget at ${p.factor}x or more over both ${windows}: ${budgetSpentPercent(p)} % of the budget went in the last ${windowLabel(p.longWindowSeconds)}, and at this rate all of it goes in ${budgetGone}.`
      : `${def.title} SLO of ${where}: ${role} window (${windowLabel(role === "long" ? p.longWindowSeconds : p.shortWindowSeconds)}) of the ${p.tier} burn-rate alert, no actions; the composite ${burnRateAlarmName(environment, slo, p.tier)} pages.`;
  const text = `${head} SLI: ${def.sli}. Alarm when bad > ${burnThresholdPercent(slo.targetPercent, p.factor)} %. Look at: ${def.lookAt}. Do: ${def.runbook} (runbook docs/alarms.md#slos-and-burn-rate-alerts)`;
  return text.length <= CLOUDWATCH_ALARM_LIMITS.descriptionChars ? text : `${text.slice(0, CLOUDWATCH_ALARM_LIMITS.descriptionChars - 1)}…`;
}

/** Every burn-rate alarm of one environment: per SLO instance, per policy, a long and a short window and their composite. */
export function resolveBurnRateAlarms(config: EnvironmentConfig): BurnRateAlarms {
  const slos = resolveSlos(config);
  const windows: BurnRateWindowAlarm[] = [];
  const composites: BurnRateComposite[] = [];
  for (const slo of slos) {
    const def = sloById(slo.slo);
    const source = def.badShare(slo);
    const metrics = Object.keys(source.inputs).length;
    if (metrics > CLOUDWATCH_ALARM_LIMITS.metricsPerExpression) {
      throw new Error(
        `SLO ${slo.slo}: ${metrics} metrics in one expression; CloudWatch allows ${CLOUDWATCH_ALARM_LIMITS.metricsPerExpression}`,
      );
    }
    for (const p of BURN_RATE_POLICIES) {
      const pair = (["long", "short"] as const).map((role): BurnRateWindowAlarm => {
        const windowSeconds = role === "long" ? p.longWindowSeconds : p.shortWindowSeconds;
        // One datapoint, 1 of 1: the period is the window (plus the publish lag).
        const periodSeconds = alarmPeriodSeconds(windowSeconds, def.publishLagMinutes);
        const limit = periodSeconds < 3600 ? CLOUDWATCH_ALARM_LIMITS.rangeUnderOneHourSeconds : CLOUDWATCH_ALARM_LIMITS.rangeSeconds;
        if (periodSeconds > limit) throw new Error(`SLO ${slo.slo}: a ${periodSeconds} s period exceeds ${limit} s`);
        return {
          name: burnRateAlarmName(config.name, slo, p.tier, windowSeconds),
          slo,
          tier: p.tier,
          role,
          windowSeconds,
          factor: p.factor,
          source,
          dimensions: dimensionsOf(config.name, slo),
          statistic: "Sum",
          periodSeconds,
          comparison: "GreaterThanThreshold",
          threshold: burnThresholdPercent(slo.targetPercent, p.factor),
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          // No traffic (or no telemetry) in a window spends no budget; staleness alarms cover silence.
          treatMissingData: "notBreaching",
          description: describe(config.name, def, slo, p, role),
        };
      });
      const [long, short] = pair as [BurnRateWindowAlarm, BurnRateWindowAlarm];
      windows.push(long, short);
      composites.push({
        name: burnRateAlarmName(config.name, slo, p.tier),
        slo,
        tier: p.tier,
        factor: p.factor,
        long,
        short,
        description: describe(config.name, def, slo, p),
      });
    }
  }
  return { slos, windows, composites };
}

/** The composite's rule as CloudWatch stores it (alarm ARNs), to check the 10,240-character limit at synth. */
export function compositeRule(config: Pick<EnvironmentConfig, "account" | "region">, c: BurnRateComposite): string {
  const partition = config.region.startsWith("cn-") ? "aws-cn" : config.region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  const arn = (name: string) => `arn:${partition}:cloudwatch:${config.region}:${config.account}:alarm:${name}`;
  return `(ALARM("${arn(c.long.name)}") AND ALARM("${arn(c.short.name)}"))`;
}

/** Signals an active SLO retires or demotes in this environment. */
export function activeSloIds(config: EnvironmentConfig): Set<SloId> {
  return new Set(SLOS.filter((s) => isSloActive(config, s.id)).map((s) => s.id));
}

/** One state change of an alarm (what a simulator or a test records per window alarm). */
export interface WindowStateChange {
  readonly at: number;
  readonly to: "OK" | "ALARM" | "INSUFFICIENT_DATA";
}

/**
 * The composite's ALARM and OK actions from its two windows' state changes: ALARM while both
 * are in ALARM, OK when it leaves ALARM (a composite with missing or insufficient children is
 * not in ALARM). For simulators and tests; CloudWatch computes this itself.
 */
export function burnRateCompositeActions(
  long: readonly WindowStateChange[],
  short: readonly WindowStateChange[],
): { readonly at: number; readonly kind: "ALARM" | "OK" }[] {
  const events = [...long.map((c) => ({ ...c, w: 0 })), ...short.map((c) => ({ ...c, w: 1 }))].sort((a, b) => a.at - b.at);
  const state: [string, string] = ["INSUFFICIENT_DATA", "INSUFFICIENT_DATA"];
  let alarm = false;
  const out: { at: number; kind: "ALARM" | "OK" }[] = [];
  for (const e of events) {
    state[e.w] = e.to;
    const now = state[0] === "ALARM" && state[1] === "ALARM";
    if (now !== alarm) out.push({ at: e.at, kind: now ? "ALARM" : "OK" });
    alarm = now;
  }
  return out;
}

/**
 * The burn-rate alarms as catalog AlarmSpecs, for code that evaluates and scores AlarmSpecs (the
 * simulator): the signal id is `<slo>/burn-<tier>` (as in the alarm names), the level "critical"
 * for the P1 policy and "warn" for P2/P3, and each window's pagingAlarmName is its composite. `composites` holds one spec per
 * composite (its long window's values under the composite's name), the alarm that pages.
 */
export function burnRateAlarmSpecs(b: BurnRateAlarms): { readonly windows: AlarmSpec[]; readonly composites: AlarmSpec[] } {
  const spec = (w: BurnRateWindowAlarm, name: string, composite: BurnRateComposite): AlarmSpec => ({
    name,
    signalId: `${w.slo.slo}/burn-${w.tier.toLowerCase()}`,
    level: w.tier === "P1" ? "critical" : "warn",
    tier: w.tier,
    instance: w.slo.instance,
    source: w.source,
    dimensions: w.dimensions,
    statistic: w.statistic,
    periodSeconds: w.periodSeconds,
    comparison: w.comparison,
    threshold: w.threshold,
    datapointsToAlarm: w.datapointsToAlarm,
    evaluationPeriods: w.evaluationPeriods,
    treatMissingData: w.treatMissingData,
    description: name === composite.name ? composite.description : w.description,
    pagingAlarmName: composite.name,
  });
  return {
    windows: b.composites.flatMap((c) => [spec(c.long, c.long.name, c), spec(c.short, c.short.name, c)]),
    composites: b.composites.map((c) => spec(c.long, c.name, c)),
  };
}
