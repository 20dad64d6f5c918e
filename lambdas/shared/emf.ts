/**
 * The one way a FleetWatch Lambda publishes its own metrics to CloudWatch: EMF documents
 * through Powertools Metrics, names and units from core/metric-registry.ts, exactly the
 * dimensions given (Powertools' default "service" dimension is removed).
 *
 * Timestamps, for every FleetWatch metric (EMF here, PutMetricData in the Azure OpenAI poller
 * and capacity-forecast adapters alike):
 *  - A datum carries the time it describes, not the time it is sent: a late backlog lands on
 *    the minute it belongs to. EMF backdates as reliably as PutMetricData: the document's
 *    `_aws.Timestamp` is the datum's timestamp (EMF specification, "Timestamp":
 *    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *  - CloudWatch accepts a timestamp up to two weeks in the past and up to two hours in the
 *    future and drops the rest (MetricDatum.Timestamp:
 *    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html;
 *    EMF events outside it are counted as dropped in AWS/Logs:
 *    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch-Logs-Monitoring-CloudWatch-Metrics.html).
 *    A datum outside that window is not sent; the caller counts it, and the data itself stays
 *    in the telemetry store.
 *  - A measurement of "now" (the poller's own health) leaves the timestamp to the moment of
 *    publishing.
 */
import { Metrics, type MetricUnit } from "@aws-lambda-powertools/metrics";
import { METRIC_NAMESPACE, METRICS, type MetricKey } from "../../core/metric-registry";

/** How far from now CloudWatch accepts a datum's timestamp (see the policy above). */
const CLOUDWATCH_TIMESTAMP_WINDOW = { pastMs: 14 * 86_400_000, futureMs: 2 * 3_600_000 } as const;

export function withinCloudWatchWindow(timestampMs: number, nowMs: number): boolean {
  return timestampMs >= nowMs - CLOUDWATCH_TIMESTAMP_WINDOW.pastMs && timestampMs <= nowMs + CLOUDWATCH_TIMESTAMP_WINDOW.futureMs;
}

/** Registry units are CloudWatch unit names, which are Powertools MetricUnit values. */
const unitOf = (key: MetricKey) => METRICS[key].unit as (typeof MetricUnit)[keyof typeof MetricUnit];

/** A Powertools Metrics in the FleetWatch namespace without the default "service" dimension. */
export function createMetrics(): Metrics {
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE });
  metrics.clearDefaultDimensions();
  return metrics;
}

/**
 * One EMF document: `values` (keyed by registry key) with exactly `dimensions`, at
 * `timestampMs` (the time the values describe) or, without it, at the moment of publishing.
 */
export function publishEmf(
  metrics: Metrics,
  dimensions: Readonly<Record<string, string>>,
  values: Partial<Record<MetricKey, number>>,
  timestampMs?: number,
): void {
  metrics.clearDefaultDimensions();
  metrics.addDimensions(dimensions);
  if (timestampMs !== undefined) metrics.setTimestamp(timestampMs);
  for (const [key, value] of Object.entries(values) as [MetricKey, number][]) {
    metrics.addMetric(METRICS[key].name, unitOf(key), value);
  }
  metrics.publishStoredMetrics();
}
