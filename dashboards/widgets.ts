import type { EnvironmentConfig } from "../core/config/schema";
import type { MetricDimension, MetricKey } from "../core/metric-registry";
import {
  type DashboardId,
  type DashboardSpec,
  dashboardName,
  type ExpressionQuery,
  type GraphWidgetSpec,
  type LogsWidgetSpec,
  type MetricQuery,
  type Query,
  type WidgetSpec,
} from "./spec";

export const HOUR = 3600;
export const DAY = 86_400;
export const WEEK = 7 * DAY;

/** The node drill-down variable: typed into the dashboard, substituted into log queries. */
export const NODE_PATTERN = "__FW_NODE__";

export interface Context {
  readonly env: string;
  readonly clusters: readonly string[];
  readonly deployments: readonly { readonly name: string; readonly sloP99Ms: number }[];
  readonly intervalSeconds: number;
  readonly budgets: EnvironmentConfig["budgets"];
  readonly config: EnvironmentConfig;
}

export function context(config: EnvironmentConfig): Context {
  const seen = new Map<string, { name: string; sloP99Ms: number }>();
  for (const account of config.azure?.accounts ?? []) {
    for (const d of account.deployments) {
      // The Deployment dimension is the name alone: same-named deployments share a metric, keep the strictest SLO.
      const prev = seen.get(d.name);
      if (!prev || d.sloP99Ms < prev.sloP99Ms) seen.set(d.name, { name: d.name, sloP99Ms: d.sloP99Ms });
    }
  }
  return {
    env: config.name,
    clusters: config.redfish.clusters.map((c) => c.name),
    deployments: [...seen.values()],
    intervalSeconds: config.redfish.intervalSeconds,
    budgets: config.budgets,
    config,
  };
}

// ---------- small builders ----------

export function metric(
  id: string,
  key: MetricKey,
  dims: Partial<Record<MetricDimension, string>>,
  stat: string,
  label: string,
  visible = true,
): MetricQuery {
  return { kind: "metric", id, metric: key, dimensions: dims, stat, label, visible };
}

export function expr(id: string, expression: string, label: string, visible = true): ExpressionQuery {
  return { kind: "expression", id, expression, label, visible };
}

export function graph(
  title: string,
  queries: Query[],
  opts: Partial<Omit<GraphWidgetSpec, "type" | "title" | "queries">> = {},
): GraphWidgetSpec {
  return {
    type: "graph",
    title,
    width: opts.width ?? 12,
    height: opts.height ?? 6,
    view: opts.view ?? "timeSeries",
    periodSeconds: opts.periodSeconds ?? 60,
    queries,
    thresholds: opts.thresholds ?? [],
    ...(opts.stacked !== undefined ? { stacked: opts.stacked } : {}),
    ...(opts.yAxis ? { yAxis: opts.yAxis } : {}),
    ...(opts.start ? { start: opts.start } : {}),
    ...(opts.setPeriodToTimeRange ? { setPeriodToTimeRange: true } : {}),
  };
}

export function text(markdown: string, width = 24, height = 2): WidgetSpec {
  return { type: "text", title: "", width, height, markdown };
}

/** One metric per cluster or per deployment of the environment, ids <prefix><index>. */
function perInstance(
  dimension: "Cluster" | "Deployment",
  names: readonly string[],
  c: Context,
  prefix: string,
  key: MetricKey,
  stat: string,
  label: (name: string) => string,
  visible: boolean,
): MetricQuery[] {
  return names.map((name, i) => metric(`${prefix}${i}`, key, { Environment: c.env, [dimension]: name }, stat, label(name), visible));
}

export function perCluster(c: Context, prefix: string, key: MetricKey, stat: string, label: (cluster: string) => string, visible = true) {
  return perInstance("Cluster", c.clusters, c, prefix, key, stat, label, visible);
}

export function perDeployment(
  c: Context,
  prefix: string,
  key: MetricKey,
  stat: string,
  label: (deployment: string) => string,
  visible = true,
) {
  return perInstance(
    "Deployment",
    c.deployments.map((d) => d.name),
    c,
    prefix,
    key,
    stat,
    label,
    visible,
  );
}

export function envMetric(c: Context, id: string, key: MetricKey, stat: string, label: string): MetricQuery {
  return metric(id, key, { Environment: c.env }, stat, label);
}

export const ids = (qs: readonly Query[]) => qs.map((q) => q.id).join(", ");

export function logsWidget(
  title: string,
  sources: LogsWidgetSpec["sources"],
  query: string,
  columns: string[],
  width = 12,
  height = 6,
): LogsWidgetSpec {
  return { type: "logs", title, width, height, sources, query, view: "table", columns };
}

/** Lay widget groups out in rows no wider than CloudWatch's 24-unit grid; each group starts a new row. */
export function rows(...groups: WidgetSpec[][]): WidgetSpec[][] {
  const out: WidgetSpec[][] = [];
  for (const group of groups) {
    let row: WidgetSpec[] = [];
    let width = 0;
    for (const w of group) {
      if (width + w.width > 24) {
        out.push(row);
        row = [];
        width = 0;
      }
      row.push(w);
      width += w.width;
    }
    if (row.length) out.push(row);
  }
  return out;
}

export function usd(v: number): string {
  return `$${v.toLocaleString("en-US")}`;
}

/** What each dashboard answers, over which default range and period (docs/dashboards.md's table). */
const FRAMES: Readonly<Record<DashboardId, Pick<DashboardSpec, "question" | "start" | "periodSeconds" | "variables">>> = {
  executive: { question: "How is the AI platform doing?", start: "-P90D", periodSeconds: HOUR, variables: [] },
  engineering: {
    question: "What needs my attention?",
    start: "-PT3H",
    periodSeconds: 60,
    variables: [{ id: "node", label: "Node (BMC) for the drill-down, a regex", pattern: NODE_PATTERN, defaultValue: "." }],
  },
  capacity: { question: "When do we need to scale?", start: "-P180D", periodSeconds: DAY, variables: [] },
};

/**
 * A dashboard of this environment: named FleetWatch-<env>-<id>, titled after its id, opened by a
 * heading that asks its question followed by `intro`, rows laid out on the grid.
 */
export function dashboard(c: Context, id: DashboardId, intro: string, ...groups: WidgetSpec[][]): DashboardSpec {
  const frame = FRAMES[id];
  return {
    id,
    name: dashboardName(c.env, id),
    title: `FleetWatch ${c.env} — ${id}`,
    ...frame,
    rows: rows([text(`# ${frame.question} (${c.env})\n${intro}`)], ...groups),
  };
}
