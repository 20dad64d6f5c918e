/** What the capacity-forecast logic needs from the outside world (adapters/ implements them). */
import type { MetricKey } from "../../core/metric-registry";
import type { RegionQuota } from "./headroom";
import type { DailyPoint } from "./trend";

export interface DailySeriesQuery {
  readonly id: string;
  readonly metric: MetricKey;
  readonly dimensions: Readonly<Record<string, string>>;
  /** CloudWatch statistic over each day. */
  readonly stat: "Sum" | "Average" | "Maximum";
}

export interface MetricHistory {
  /** Daily values from `from` (inclusive) to `to` (exclusive), UTC days, oldest first, NaN where missing. */
  daily(queries: readonly DailySeriesQuery[], from: Date, to: Date): Promise<Map<string, DailyPoint[]>>;
}

export interface QuotaReader {
  /** Usages, model usage names and the configured deployments' capacity, per region. */
  read(accounts: readonly { resourceId: string; region: string; deployments: readonly string[] }[]): Promise<RegionQuota[]>;
}
