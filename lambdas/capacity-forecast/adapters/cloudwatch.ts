/**
 * CloudWatch GetMetricData for daily history (period 86,400 s, at most 500 queries per request,
 * paged by NextToken), per the CloudWatch API reference. The forecasts are published through
 * lambdas/shared/put-metric-data.ts.
 */
import { CloudWatchClient, type CloudWatchClientConfig, GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { METRIC_NAMESPACE, METRICS } from "../../../core/metric-registry";
import type { DailySeriesQuery, MetricHistory } from "../ports";
import type { DailyPoint } from "../trend";

const DAY_MS = 86_400_000;
const MAX_QUERIES = 500;

export class CloudWatchMetricHistory implements MetricHistory {
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
}
