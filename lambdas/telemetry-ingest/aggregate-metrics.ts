/**
 * The ingest's fleet aggregates -> CloudWatch, through the shared EMF helper (lambdas/shared/emf.ts,
 * which also states the timestamp policy): each group at the minute its snapshots describe.
 */
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { publishEmf, withinCloudWatchWindow } from "../shared/emf";
import type { MetricGroup } from "./aggregates";

/**
 * Publishes each group at the minute its snapshots describe. Groups CloudWatch would drop (a
 * re-driven backlog older than two weeks, a BMC clock far ahead) are not published; the count is
 * returned so the batch log says so, and the data itself is still in the sink.
 */
export function publishAggregates(metrics: Metrics, groups: readonly MetricGroup[], nowMs: number): number {
  const inWindow = groups.filter((g) => withinCloudWatchWindow(g.minuteMs, nowMs));
  for (const group of inWindow) {
    publishEmf(metrics, { Environment: group.environment, Cluster: group.cluster }, group.values, group.minuteMs);
  }
  publishEnvironmentTotals(metrics, inWindow);
  return groups.length - inWindow.length;
}

/** GpusReporting summed over the clusters of each minute, with {Environment} only (GPU spend reads it). */
function publishEnvironmentTotals(metrics: Metrics, groups: readonly MetricGroup[]): void {
  const totals = new Map<string, { environment: string; minuteMs: number; gpus: number }>();
  for (const group of groups) {
    const gpus = group.values.gpusReporting;
    if (gpus === undefined) continue;
    const key = `${group.environment}|${group.minuteMs}`;
    const total = totals.get(key) ?? { environment: group.environment, minuteMs: group.minuteMs, gpus: 0 };
    total.gpus += gpus;
    totals.set(key, total);
  }
  for (const total of totals.values()) {
    publishEmf(metrics, { Environment: total.environment }, { gpusReportingInEnvironment: total.gpus }, total.minuteMs);
  }
}

export function publishRejections(metrics: Metrics, environment: string, rejected: number, nowMs: number): void {
  if (rejected === 0) return;
  publishEmf(metrics, { Environment: environment }, { sinkRecordsRejected: rejected }, nowMs);
}
