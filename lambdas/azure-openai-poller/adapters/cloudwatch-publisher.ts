/**
 * PutMetricData with an explicit Timestamp per datum. Chosen over EMF because late data must
 * land on the minute it describes (EMF takes the log event's time and cannot backdate
 * reliably), and because each datum is sent exactly once after its watermark claim.
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
