/**
 * The poller's health metrics as EMF (lambdas/shared/emf.ts): one document per dimension set,
 * with exactly the dimensions core/metric-registry.ts declares, timestamped when published
 * (they measure the sweep that just ended).
 */
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { createMetrics, publishEmf } from "../shared/emf";
import type { MetricSink } from "./run-shard";

/** `newMetrics` lets a caller own where EMF goes (the simulator captures it); Lambda's stdout by default. */
export function emfMetricSink(environment: string, newMetrics: () => Metrics = createMetrics): MetricSink {
  return {
    cluster: (cluster, values) => publishEmf(newMetrics(), { Environment: environment, Cluster: cluster }, values),
    environment: (values) => publishEmf(newMetrics(), { Environment: environment }, values),
  };
}
