/**
 * PutMetricData with an explicit Timestamp per datum: each minute lands on the minute it
 * describes (the timestamp policy in lambdas/shared/emf.ts; the lookback window keeps every
 * minute inside CloudWatch's two weeks). PutMetricData rather than EMF because each datum is
 * sent exactly once after its watermark claim, and only a synchronous answer tells the poller
 * it was stored (an EMF line on stdout is acknowledged by nobody).
 */
import { CloudWatchClient, type CloudWatchClientConfig, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { METRIC_NAMESPACE } from "../../../core/metric-registry";
import type { MetricPublisher, PublishedDatum } from "../ports";

/** PutMetricData accepts at most 1,000 datums per request. */
export const MAX_DATUMS_PER_REQUEST = 1000;

export class CloudWatchMetricPublisher implements MetricPublisher {
  private readonly client: CloudWatchClient;
  constructor(
    config: CloudWatchClientConfig = {},
    private readonly namespace = METRIC_NAMESPACE,
  ) {
    this.client = new CloudWatchClient(config);
  }

  async publish(data: readonly PublishedDatum[]): Promise<void> {
    const datums: MetricDatum[] = data.map((d) => ({
      MetricName: d.name,
      Unit: d.unit,
      Timestamp: d.timestamp,
      Value: d.value,
      StorageResolution: 60,
      Dimensions: Object.entries(d.dimensions).map(([Name, Value]) => ({ Name, Value })),
    }));
    for (let i = 0; i < datums.length; i += MAX_DATUMS_PER_REQUEST) {
      await this.client.send(
        new PutMetricDataCommand({ Namespace: this.namespace, MetricData: datums.slice(i, i + MAX_DATUMS_PER_REQUEST) }),
      );
    }
  }
}
