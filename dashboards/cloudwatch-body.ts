/**
 * Dashboard spec -> CloudWatch dashboard body JSON ("Dashboard Body Structure and Syntax" in
 * the CloudWatch API reference). Pure, so the tests can check bodies against CloudWatch's
 * limits without synthesising, and the construct and this module cannot drift apart: the
 * construct wraps exactly these widget objects.
 */

import type { Tier } from "../core/catalog/types";
import { METRIC_NAMESPACE, METRICS } from "../core/metric-registry";
import type { DashboardSpec, LogSource, Query, Threshold, WidgetSpec } from "./spec";

export interface BodyContext {
  readonly region: string;
  /** Log group name for a logical source, or undefined when the stack has none (yet). */
  readonly logGroupName: (source: LogSource) => string | undefined;
  /** Alarm ARNs of one paging tier. */
  readonly alarmArns: (tier: Tier) => readonly string[];
}

export interface CloudWatchWidget {
  readonly type: "metric" | "log" | "alarm" | "text";
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

export const THRESHOLD_COLOURS: Record<Threshold["severity"], string> = {
  warn: "#ff7f0e",
  critical: "#d62728",
  target: "#1f77b4",
  budget: "#1f77b4",
};

function metricLine(q: Query): unknown[] {
  if (q.kind === "expression") {
    return [{ expression: q.expression, id: q.id, label: q.label, ...(q.visible ? {} : { visible: false }) }];
  }
  const spec = METRICS[q.metric];
  const dims = spec.dimensions.flatMap((d) => {
    const value = q.dimensions[d];
    if (value === undefined) throw new Error(`dashboard metric ${q.id} (${spec.name}) lacks dimension ${d}`);
    return [d, value];
  });
  return [METRIC_NAMESPACE, spec.name, ...dims, { id: q.id, stat: q.stat, label: q.label, ...(q.visible ? {} : { visible: false }) }];
}

function fallbackText(title: string, why: string): CloudWatchWidget {
  return { type: "text", width: 0, height: 0, properties: { markdown: `### ${title}\n${why}` } };
}

/** One widget's CloudWatch JSON (without x/y: the layout places it). */
export function cloudWatchWidget(w: WidgetSpec, ctx: BodyContext): CloudWatchWidget {
  const size = { width: w.width, height: w.height };
  switch (w.type) {
    case "text":
      return { type: "text", ...size, properties: { markdown: w.markdown } };
    case "graph":
      return {
        type: "metric",
        ...size,
        properties: {
          title: w.title,
          region: ctx.region,
          view: w.view,
          ...(w.stacked ? { stacked: true } : {}),
          period: w.periodSeconds,
          metrics: w.queries.map(metricLine),
          ...(w.thresholds.length && w.view === "timeSeries"
            ? {
                annotations: {
                  horizontal: w.thresholds.map((t) => ({
                    value: t.value,
                    label: t.label,
                    color: THRESHOLD_COLOURS[t.severity],
                    ...(t.fill ? { fill: t.fill } : {}),
                  })),
                },
              }
            : {}),
          ...(w.yAxis
            ? {
                yAxis: {
                  left: {
                    ...(w.yAxis.min !== undefined ? { min: w.yAxis.min } : {}),
                    ...(w.yAxis.max !== undefined ? { max: w.yAxis.max } : {}),
                    ...(w.yAxis.label ? { label: w.yAxis.label, showUnits: false } : {}),
                  },
                },
              }
            : {}),
          ...(w.start ? { start: w.start } : {}),
          ...(w.setPeriodToTimeRange ? { setPeriodToTimeRange: true } : {}),
        },
      };
    case "logs": {
      const groups = w.sources.map((s) => ctx.logGroupName(s));
      if (groups.some((g) => g === undefined)) {
        const missing = w.sources.filter((_, i) => groups[i] === undefined).join(", ");
        return { ...fallbackText(w.title, `Needs the log group of ${missing}, which this stack does not deploy yet.`), ...size };
      }
      const source = groups.map((g) => `SOURCE '${g}'`).join(" | ");
      return { type: "log", ...size, properties: { title: w.title, region: ctx.region, view: w.view, query: `${source} | ${w.query}` } };
    }
    case "alarms": {
      const arns = w.tiers.flatMap((t) => ctx.alarmArns(t));
      if (arns.length === 0)
        return { ...fallbackText(w.title, `No ${w.tiers.join("/")} alarms are wired into this dashboard yet.`), ...size };
      // An alarm status widget lists at most 100 alarms.
      return {
        type: "alarm",
        ...size,
        properties: {
          title: w.title,
          alarms: arns.slice(0, CLOUDWATCH_DASHBOARD_LIMITS.alarmsPerAlarmWidget),
          sortBy: "stateUpdatedTimestamp",
        },
      };
    }
  }
}

export interface PositionedWidget extends CloudWatchWidget {
  readonly x: number;
  readonly y: number;
}

/** Row layout, as CDK's Row/Column place widgets: left to right, rows stacked. */
export function layout(spec: DashboardSpec, ctx: BodyContext): PositionedWidget[] {
  const out: PositionedWidget[] = [];
  let y = 0;
  for (const row of spec.rows) {
    let x = 0;
    let height = 0;
    for (const w of row) {
      out.push({ ...cloudWatchWidget(w, ctx), x, y });
      x += w.width;
      height = Math.max(height, w.height);
    }
    y += height;
  }
  return out;
}

export function dashboardBody(spec: DashboardSpec, ctx: BodyContext): Record<string, unknown> {
  return {
    start: spec.start,
    periodOverride: "inherit",
    widgets: layout(spec, ctx),
    ...(spec.variables.length
      ? {
          variables: spec.variables.map((v) => ({
            type: "pattern",
            pattern: v.pattern,
            inputType: "input",
            id: v.id,
            label: v.label,
            defaultValue: v.defaultValue,
            visible: true,
          })),
        }
      : {}),
  };
}

/**
 * CloudWatch's documented dashboard quotas (CloudWatch service quotas, "Dashboards"):
 * up to 500 widgets per dashboard, 500 metrics per widget, 2,500 metrics per dashboard across
 * all widgets (metrics retrieved for metric math count, expressions included here to be safe).
 * The API reference documents no body size limit; the body is a string in the CloudFormation
 * template, whose limit is 1 MB, so we hold each body to 256 KB (three fit with room to spare).
 */
export const CLOUDWATCH_DASHBOARD_LIMITS = {
  widgetsPerDashboard: 500,
  metricsPerWidget: 500,
  metricsPerDashboard: 2500,
  bodyBytes: 256 * 1024,
  gridWidth: 24,
  alarmsPerAlarmWidget: 100,
} as const;
