/**
 * Types of the signal catalog. Pure: no aws-cdk-lib, no SDK, so the alarm factory, the
 * dashboards, the simulator and the README generator all read the same definitions.
 */
import type { MetricKey } from "../metric-registry";

export type Tier = "P1" | "P2" | "P3";
export type LevelName = "warn" | "critical";
export type TreatMissingData = "missing" | "notBreaching" | "breaching" | "ignore";
export type ComparisonOperator =
  | "GreaterThanThreshold"
  | "GreaterThanOrEqualToThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";
/** CloudWatch statistics the catalog uses (percentiles as "pNN"). */
export type Statistic = "Maximum" | "Minimum" | "Sum" | "Average" | "SampleCount" | `p${number}` | PercentileRank;
/** CloudWatch's percentile rank: the share (%) of datapoints at or under the value (SLO time slices). */
export type PercentileRank = `PR(:${number})`;

/** The service level objectives of core/catalog/slo.ts. */
export type SloId = "aoai-availability" | "aoai-latency" | "gpu-fleet";

/**
 * What an enabled SLO does to a threshold signal it makes redundant: retire it (no alarm unless
 * config.thresholds.<id>.enabled is true) or demote it to a lower tier. With the SLO disabled
 * in config.slos, the signal pages as before.
 */
export type SupersededBy =
  | { readonly slo: SloId; readonly action: "retire"; readonly why: string }
  | { readonly slo: SloId; readonly action: "demote"; readonly tier: Tier; readonly why: string };

/** What an alarm is evaluated per: the environment, one cluster, or one Azure OpenAI deployment. */
export type SignalScope = "environment" | "cluster" | "deployment";

/** AWS resources whose built-in metrics a pipeline signal watches. The alarm exists only when the resource does. */
export type PipelineResource =
  | "redfishPollerFunction"
  | "ingestFunction"
  | "azurePollerFunction"
  | "deadLetterQueue"
  | "p1EnricherFunction"
  | "pagingDeliveryFailures";

/** A FleetWatch custom metric (core/metric-registry.ts), with the scope's dimensions. */
export interface FleetWatchMetricSource {
  readonly kind: "fleetwatch";
  readonly metric: MetricKey;
}

/** A built-in AWS metric of a pipeline resource (AWS/Lambda Errors, AWS/SQS queue depth...). */
export interface ResourceMetricSource {
  readonly kind: "resource";
  readonly resource: PipelineResource;
  readonly namespace: "AWS/Lambda" | "AWS/SQS";
  readonly metricName: string;
}

/** One input of a metric-math expression. */
export interface MathInput {
  readonly metric: MetricKey;
  readonly statistic: Statistic;
  /** Dimension values; omitted ones come from the alarm's scope. */
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** Metric math over FleetWatch metrics: `expression` refers to the keys of `inputs`. */
export interface MathMetricSource {
  readonly kind: "math";
  readonly expression: string;
  readonly label: string;
  readonly inputs: Readonly<Record<string, MathInput>>;
}

export type MetricSource = FleetWatchMetricSource | ResourceMetricSource | MathMetricSource;

/** One threshold of a signal and the tier it pages. */
export interface LevelDefinition {
  readonly threshold: number;
  readonly tier: Tier;
  /** M: breaching datapoints needed among the last N. */
  readonly datapointsToAlarm: number;
  /** N: datapoints evaluated. */
  readonly evaluationPeriods: number;
  /** Overrides the signal's period for this level (e.g. daily spend). */
  readonly periodSeconds?: number;
}

/** Facts the catalog derives per-instance values from (SLOs, budgets, clusters). */
export interface CatalogContext {
  readonly environment: string;
  readonly clusters: readonly string[];
  readonly deployments: readonly { readonly name: string; readonly sloP99Ms: number; readonly dailyBudgetUsd: number }[];
  readonly pollIntervalSeconds: number;
  readonly gpuHourUsd: number;
  readonly dailyGpuBudgetUsd: number;
}

/** The one instance an alarm is for: nothing (environment), a cluster, or a deployment. */
export interface ScopeInstance {
  readonly cluster?: string;
  readonly deployment?: string;
}

export interface SignalDefinition {
  /** Stable id; config.thresholds keys refer to it. kebab-case. */
  readonly id: string;
  readonly title: string;
  /** The row of the signal catalog in docs/signal-catalog.md that this signal implements. */
  readonly catalogRow: string;
  readonly scope: SignalScope;
  /** The metric or expression, per scope instance (expressions may embed an SLO or a budget). */
  readonly source: (ctx: CatalogContext, instance: ScopeInstance) => MetricSource;
  /** Human-readable metric for the README table. */
  readonly metricText: string;
  readonly unit: string;
  readonly statistic: Statistic;
  readonly periodSeconds: number;
  readonly comparison: ComparisonOperator;
  readonly levels: Partial<Record<LevelName, LevelDefinition>>;
  /** Always explicit: why this choice is in the runbook. */
  readonly treatMissingData: TreatMissingData;
  /** What happened (first sentence of the alarm description). */
  readonly what: string;
  /** Where to look: dashboard and saved query. */
  readonly lookAt: string;
  /** What to do. */
  readonly runbook: string;
  /** Another signal whose ALARM explains this one: a composite alarm pages instead, suppressed by it. */
  readonly suppressedBy?: string;
  /** Only when the Azure section is configured. */
  readonly requiresAzure?: boolean;
  /** An SLO burn-rate alarm that makes this threshold alarm redundant (docs/alarms.md, "Retired and demoted"). */
  readonly supersededBy?: SupersededBy;
  /** The P1 enricher can name the node/GPU for this signal from BMC snapshots. */
  readonly offenders?: "gpu-temperature" | "gpu-ecc" | "fans" | "bmc-status";
}

/**
 * The metric of one signal for one scope instance, resolved for one environment: the one
 * definition its alarms evaluate and its dashboard widget draws.
 */
export interface SignalMetric {
  readonly signalId: string;
  readonly instance: ScopeInstance;
  readonly source: MetricSource;
  /** The scope's dimension values (Environment, and Cluster or Deployment). */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  /** The signal's period; an alarm level may evaluate it over a longer one (AlarmSpec.periodSeconds). */
  readonly periodSeconds: number;
}

/** One CloudWatch alarm the catalog asks for, with every value resolved: one level over one SignalMetric. */
export interface AlarmSpec extends SignalMetric {
  readonly name: string;
  readonly level: LevelName;
  readonly tier: Tier;
  readonly comparison: ComparisonOperator;
  readonly threshold: number;
  readonly datapointsToAlarm: number;
  readonly evaluationPeriods: number;
  readonly treatMissingData: TreatMissingData;
  readonly description: string;
  /** Name of the alarm whose ALARM suppresses this one's pages (via a composite alarm). */
  readonly suppressedByAlarm?: string;
  /** The composite alarm that carries the actions, when suppressed. */
  readonly pagingAlarmName: string;
}
