/**
 * Dashboard definitions as plain data. The CDK construct (lib/dashboards) turns these into
 * CloudWatch dashboard bodies and the preview (scripts/dashboards-preview.ts) into HTML, so
 * what a reviewer sees in the preview is what `cdk deploy` creates.
 *
 * Pure module: no CDK, no SDK.
 */
import type { Tier } from "../core/catalog/types";
import type { MetricDimension, MetricKey } from "../core/metric-registry";

export type DashboardId = "executive" | "engineering" | "capacity";

/** A FleetWatch metric from core/metric-registry.ts, with its dimension values. */
export interface MetricQuery {
  readonly kind: "metric";
  /** Metric-math id: lower-case letter first, then letters, digits, underscore. */
  readonly id: string;
  readonly metric: MetricKey;
  /** Exactly the metric's dimension set (checked in the tests). */
  readonly dimensions: Readonly<Partial<Record<MetricDimension, string>>>;
  readonly stat: string;
  readonly label: string;
  /** Hidden metrics only feed expressions. */
  readonly visible: boolean;
}

/** A CloudWatch metric-math expression over the ids of the same widget. */
export interface ExpressionQuery {
  readonly kind: "expression";
  readonly id: string;
  readonly expression: string;
  readonly label: string;
  readonly visible: boolean;
}

export type Query = MetricQuery | ExpressionQuery;

export interface Threshold {
  readonly value: number;
  readonly label: string;
  /** Drives the colour: warn amber, critical red, target/budget blue. */
  readonly severity: "warn" | "critical" | "target" | "budget";
  /** Shade the area above or below the line (CloudWatch annotation fill). */
  readonly fill?: "above" | "below";
  /** The catalog signal level this line is (checked against the catalog in the tests). */
  readonly signal?: { readonly id: string; readonly level: "warn" | "critical" };
}

interface WidgetBase {
  readonly title: string;
  /** Grid units; CloudWatch dashboards are 24 units wide. */
  readonly width: number;
  readonly height: number;
}

export interface GraphWidgetSpec extends WidgetBase {
  readonly type: "graph";
  readonly view: "timeSeries" | "bar" | "singleValue" | "gauge";
  readonly stacked?: boolean;
  readonly periodSeconds: number;
  readonly queries: readonly Query[];
  readonly thresholds: readonly Threshold[];
  readonly yAxis?: { readonly min?: number; readonly max?: number; readonly label?: string };
  /** Widget-specific time range (ISO 8601 duration back from now), e.g. "-P30D". */
  readonly start?: string;
  /** singleValue: aggregate over the whole time range instead of showing the latest period. */
  readonly setPeriodToTimeRange?: boolean;
}

/** Logical log groups; the construct maps them to real log group names. */
export type LogSource =
  | "telemetry-ingest"
  | "redfish-poller"
  | "azure-openai-poller"
  | "p1-enricher"
  | "incident-recorder"
  | "capacity-forecast";

export interface LogsWidgetSpec extends WidgetBase {
  readonly type: "logs";
  readonly sources: readonly LogSource[];
  /** Logs Insights query without the SOURCE prefix. */
  readonly query: string;
  readonly view: "table" | "bar" | "timeSeries";
  /** Column names the query yields (for the preview's sample rows). */
  readonly columns: readonly string[];
}

export interface AlarmsWidgetSpec extends WidgetBase {
  readonly type: "alarms";
  readonly tiers: readonly Tier[];
}

export interface TextWidgetSpec extends WidgetBase {
  readonly type: "text";
  readonly markdown: string;
}

export type WidgetSpec = GraphWidgetSpec | LogsWidgetSpec | AlarmsWidgetSpec | TextWidgetSpec;

/** A CloudWatch "pattern" dashboard variable: replaces `pattern` everywhere in the body. */
export interface PatternVariableSpec {
  readonly id: string;
  readonly label: string;
  readonly pattern: string;
  readonly defaultValue: string;
}

export interface DashboardSpec {
  readonly id: DashboardId;
  /** CloudWatch dashboard name: FleetWatch-<env>-<id>. */
  readonly name: string;
  readonly title: string;
  /** The one question this dashboard answers. */
  readonly question: string;
  /** Default time range, e.g. "-P90D". */
  readonly start: string;
  readonly periodSeconds: number;
  readonly variables: readonly PatternVariableSpec[];
  /** Widgets in rows; each row is laid out left to right. */
  readonly rows: readonly (readonly WidgetSpec[])[];
}

export function dashboardName(environment: string, id: DashboardId): string {
  return `FleetWatch-${environment}-${id}`;
}

export function allWidgets(spec: DashboardSpec): WidgetSpec[] {
  return spec.rows.flat();
}

/** Every FleetWatch metric a dashboard reads, for cross-checks against the registry. */
export function metricQueries(spec: DashboardSpec): MetricQuery[] {
  return allWidgets(spec).flatMap((w) => (w.type === "graph" ? w.queries.filter((x): x is MetricQuery => x.kind === "metric") : []));
}
