/**
 * The metric port of the Lambdas that publish with PutMetricData (Azure OpenAI poller, capacity
 * forecast), and its one adapter. Datums name a core/metric-registry.ts key, so the name and
 * unit come from the registry; each carries the time it describes (the timestamp policy in
 * lambdas/shared/emf.ts).
 */
import {
  CloudWatchClient,
  type CloudWatchClientConfig,
  type MetricDatum as CloudWatchDatum,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { METRIC_NAMESPACE, METRICS, type MetricKey } from "../../core/metric-registry";

export interface MetricDatum {
  readonly metric: MetricKey;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
  /** The time the value describes. */
  readonly timestamp: Date;
}

export interface MetricSink {
  publish(data: readonly MetricDatum[]): Promise<void>;
}

/** PutMetricData accepts at most 1,000 datums per request (CloudWatch API reference, PutMetricData). */
const MAX_DATUMS_PER_REQUEST = 1000;

export class PutMetricDataSink implements MetricSink {
  private readonly client: CloudWatchClient;
  constructor(config: CloudWatchClientConfig = {}) {
    this.client = new CloudWatchClient(config);
  }

  async publish(data: readonly MetricDatum[]): Promise<void> {
    const datums: CloudWatchDatum[] = data.map((d) => ({
      MetricName: METRICS[d.metric].name,
      Unit: METRICS[d.metric].unit,
      Timestamp: d.timestamp,
      Value: d.value,
      StorageResolution: 60,
      Dimensions: Object.entries(d.dimensions).map(([Name, Value]) => ({ Name, Value })),
    }));
    for (let i = 0; i < datums.length; i += MAX_DATUMS_PER_REQUEST) {
      await this.client.send(
        new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: datums.slice(i, i + MAX_DATUMS_PER_REQUEST) }),
      );
    }
  }
}
