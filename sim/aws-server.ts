/**
 * The simulator's CloudWatch PutMetricData / Secrets Manager endpoint: the same local fake the
 * Azure poller's tests use (dev-support/aws-fake.ts, which enforces
 * PutMetricData's documented limits), with every accepted datum streamed into the metric store
 * at its arrival time.
 */
import { AwsFake } from "../dev-support/aws-fake";
import type { MetricStore } from "./metric-store";

export interface AwsServer {
  readonly endpoint: string;
  readonly secrets: Map<string, string>;
  readonly rejected: number;
  close(): Promise<void>;
}

export async function startAwsServer(store: MetricStore): Promise<AwsServer> {
  const fake = await new AwsFake({
    onDatum: (d, receivedAt) =>
      store.add({
        namespace: d.namespace,
        name: d.name,
        dimensions: d.dimensions,
        timestamp: d.timestamp,
        value: d.value,
        receivedAt,
        via: "put-metric-data",
      }),
  }).start();
  return {
    endpoint: fake.endpoint,
    secrets: fake.secrets,
    get rejected() {
      return fake.rejected;
    },
    close: () => fake.stop(),
  };
}
