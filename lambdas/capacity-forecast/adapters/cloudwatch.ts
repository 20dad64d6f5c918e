/**
 * CloudWatch adapters: GetMetricData for daily history (period 86,400 s, at most 500 queries
 * per request, paged by NextToken) and PutMetricData for the forecasts (at most 1,000 datums
 * per request), per the CloudWatch API reference. Forecast datums are timestamped now (the
 * timestamp policy in lambdas/shared/emf.ts).
 */
import {
  CloudWatchClient,
  type CloudWatchClientConfig,
  GetMetricDataCommand,
  type MetricDataQuery,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { METRIC_NAMESPACE, METRICS } from "../../../core/metric-registry";
import type { DailySeriesQuery, Datum, MetricHistory, MetricSink } from "../ports";
import type { DailyPoint } from "../trend";

const DAY_MS = 86_400_000;
const MAX_QUERIES = 500;
const MAX_DATUMS = 1000;

export class CloudWatchMetrics implements MetricHistory, MetricSink {
  private readonly client: CloudWatchClient;
  constructor(config: CloudWatchClientConfig = {}) {
    this.client = new CloudWatchClient(config);
  }

  async daily(queries: readonly DailySeriesQuery[], from: Date, to: Date): Promise<Map<string, DailyPoint[]>> {
    const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
    const out = new Map<string, DailyPoint[]>();
    for (const q of queries) {
      out.set(
        q.id,
        Array.from({ length: days }, (_, i) => ({ day: from.getTime() + i * DAY_MS, value: Number.NaN })),
      );
    }
    for (let i = 0; i < queries.length; i += MAX_QUERIES) {
      const batch: MetricDataQuery[] = queries.slice(i, i + MAX_QUERIES).map((q) => ({
        Id: q.id,
        MetricStat: {
          Metric: {
            Namespace: METRIC_NAMESPACE,
            MetricName: METRICS[q.metric].name,
            Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: 86_400,
          Stat: q.stat,
        },
        ReturnData: true,
      }));
      let nextToken: string | undefined;
      do {
        const page = await this.client.send(
          new GetMetricDataCommand({
            MetricDataQueries: batch,
            StartTime: from,
            EndTime: to,
            ScanBy: "TimestampAscending",
            NextToken: nextToken,
          }),
        );
        for (const r of page.MetricDataResults ?? []) {
          const series = out.get(r.Id ?? "");
          if (!series) continue;
          (r.Timestamps ?? []).forEach((ts, k) => {
            const idx = Math.round((ts.getTime() - from.getTime()) / DAY_MS);
            if (idx >= 0 && idx < series.length) series[idx] = { day: series[idx]!.day, value: r.Values?.[k] ?? Number.NaN };
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return out;
  }

  async publish(data: readonly Datum[]): Promise<void> {
    const datums = data.map((d) => ({
      MetricName: METRICS[d.metric].name,
      Unit: METRICS[d.metric].unit,
      Value: d.value,
      Timestamp: d.timestamp,
      Dimensions: Object.entries(d.dimensions).map(([Name, Value]) => ({ Name, Value })),
    }));
    for (let i = 0; i < datums.length; i += MAX_DATUMS) {
      await this.client.send(new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: datums.slice(i, i + MAX_DATUMS) }));
    }
  }
}
