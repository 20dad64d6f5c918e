/**
 * The poller's health metrics as EMF through Powertools: one document per dimension set, with
 * exactly the dimensions metric-names.ts declares (no implicit "service" dimension).
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { METRIC_NAMESPACE, METRICS } from "../../core/metric-registry";
import type { MetricSink } from "./run-shard";

/** `createMetrics` lets a caller own where EMF goes (the simulator captures it); Lambda's stdout by default. */
export function emfMetricSink(environment: string, createMetrics = () => new Metrics({ namespace: METRIC_NAMESPACE })): MetricSink {
  const publish = (dimensions: Record<string, string>, values: Partial<Record<keyof typeof METRICS, number>>) => {
    const metrics = createMetrics();
    metrics.clearDefaultDimensions();
    metrics.addDimensions(dimensions);
    for (const [key, value] of Object.entries(values)) {
      const spec = METRICS[key as keyof typeof METRICS];
      metrics.addMetric(spec.name, MetricUnit[spec.unit as keyof typeof MetricUnit], value);
    }
    metrics.publishStoredMetrics();
  };
  return {
    cluster: (cluster, values) => publish({ Environment: environment, Cluster: cluster }, values),
    environment: (values) => publish({ Environment: environment }, values),
  };
}
