/**
 * Aggregates -> CloudWatch through EMF (Powertools Metrics). Names, units and dimension sets
 * come from lambdas/shared/metric-names.ts; Powertools' default "service" dimension is removed
 * so each metric is published with exactly the dimension set listed there.
 */
import { Metrics, type MetricUnit } from "@aws-lambda-powertools/metrics";
import { METRIC_NAMESPACE, METRICS } from "../shared/metric-names";
import type { MetricGroup } from "./aggregates";

/** metric-names.ts units are CloudWatch unit names, which are Powertools MetricUnit values. */
const unit = (name: string) => name as (typeof MetricUnit)[keyof typeof MetricUnit];

export function createMetrics(): Metrics {
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE });
  metrics.clearDefaultDimensions();
  return metrics;
}

export function publishAggregates(metrics: Metrics, groups: readonly MetricGroup[]): void {
  for (const group of groups) {
    metrics.addDimensions({ Environment: group.environment, Cluster: group.cluster });
    // The minute the snapshots describe, so a late backlog lands where it belongs.
    metrics.setTimestamp(group.minuteMs);
    for (const [key, value] of Object.entries(group.values)) {
      const spec = METRICS[key as keyof typeof METRICS];
      metrics.addMetric(spec.name, unit(spec.unit), value);
    }
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
