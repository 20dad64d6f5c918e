/**
 * Aggregates -> CloudWatch through EMF (Powertools Metrics). Names, units and dimension sets
 * come from core/metric-registry.ts; Powertools' default "service" dimension is removed
 * so each metric is published with exactly the dimension set listed there.
 */
import { Metrics, type MetricUnit } from "@aws-lambda-powertools/metrics";
import { METRIC_NAMESPACE, METRICS } from "../../core/metric-registry";
import type { MetricGroup } from "./aggregates";

/** metric-names.ts units are CloudWatch unit names, which are Powertools MetricUnit values. */
const unit = (name: string) => name as (typeof MetricUnit)[keyof typeof MetricUnit];

export function createMetrics(): Metrics {
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE });
  metrics.clearDefaultDimensions();
  return metrics;
}

/** CloudWatch accepts datapoints from two weeks in the past to two hours in the future, and drops the rest. */
export const CLOUDWATCH_TIMESTAMP_WINDOW = { pastMs: 14 * 86_400_000, futureMs: 2 * 3_600_000 } as const;

/**
 * Publishes each group at the minute its snapshots describe. Groups CloudWatch would drop (a
 * re-driven backlog older than two weeks, a BMC clock far ahead) are not published; the count is
 * returned so the batch log says so, and the data itself is still in the sink.
 */
export function publishAggregates(metrics: Metrics, groups: readonly MetricGroup[], nowMs: number): number {
  let outsideWindow = 0;
  for (const group of groups) {
    if (group.minuteMs < nowMs - CLOUDWATCH_TIMESTAMP_WINDOW.pastMs || group.minuteMs > nowMs + CLOUDWATCH_TIMESTAMP_WINDOW.futureMs) {
      outsideWindow++;
      continue;
    }
    metrics.addDimensions({ Environment: group.environment, Cluster: group.cluster });
    // The minute the snapshots describe, so a late backlog lands where it belongs.
    metrics.setTimestamp(group.minuteMs);
    for (const [key, value] of Object.entries(group.values)) {
      const spec = METRICS[key as keyof typeof METRICS];
      metrics.addMetric(spec.name, unit(spec.unit), value);
    }
    metrics.publishStoredMetrics();
  }
  publishEnvironmentTotals(metrics, groups, nowMs);
  return outsideWindow;
}

/** GpusReporting summed over the clusters of each minute, with {Environment} only (GPU spend reads it). */
function publishEnvironmentTotals(metrics: Metrics, groups: readonly MetricGroup[], nowMs: number): void {
  const totals = new Map<string, { environment: string; minuteMs: number; gpus: number }>();
  for (const group of groups) {
    if (group.minuteMs < nowMs - CLOUDWATCH_TIMESTAMP_WINDOW.pastMs || group.minuteMs > nowMs + CLOUDWATCH_TIMESTAMP_WINDOW.futureMs)
      continue;
    const gpus = group.values.gpusReporting;
    if (gpus === undefined) continue;
    const key = `${group.environment}|${group.minuteMs}`;
    const total = totals.get(key) ?? { environment: group.environment, minuteMs: group.minuteMs, gpus: 0 };
    total.gpus += gpus;
    totals.set(key, total);
  }
  const spec = METRICS.gpusReportingInEnvironment;
  for (const total of totals.values()) {
    metrics.addDimensions({ Environment: total.environment });
    metrics.setTimestamp(total.minuteMs);
    metrics.addMetric(spec.name, unit(spec.unit), total.gpus);
    metrics.publishStoredMetrics();
  }
}

export function publishRejections(metrics: Metrics, environment: string, rejected: number, nowMs: number): void {
  if (rejected === 0) return;
  metrics.addDimensions({ Environment: environment });
  metrics.setTimestamp(nowMs);
  metrics.addMetric(METRICS.sinkRecordsRejected.name, unit(METRICS.sinkRecordsRejected.unit), rejected);
  metrics.publishStoredMetrics();
}
