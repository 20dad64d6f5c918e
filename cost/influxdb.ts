/**
 * The Timestream for InfluxDB option of the telemetry store, priced apart from the LiveAnalytics
 * lines of the cost model (cost/model.ts) so either can change on its own. Pure: the points
 * come from the ingest's own shaping (records.ts) of the model's representative snapshot.
 *
 * Priced: instance-hours of the smallest class that holds the write rate with headroom, and
 * provisioned storage (InfluxIOIncludedT1, at least the 20 GiB CloudFormation allows). Not
 * priced: data transfer inside the VPC (none billed within one AZ), backups (included).
 */

import type { InfluxDbInstanceType } from "../core/config/telemetry-store";
import { INFLUXDB_INSTANCE_TYPES } from "../core/config/telemetry-store";
import { type SinkPoint, shapeSnapshot } from "../lambdas/telemetry-ingest/records";
import type { LineItem } from "./model";
import { HOURS_PER_MONTH, PRICE_PAGES } from "./prices";

/**
 * US East (N. Virginia), Single-AZ, on demand. The price page's InfluxDB rate table did not
 * render through the project's document search on 2026-12-01, so these are the rates as we
 * know them, marked "re-check" in every output: confirm them on the page before a purchase
 * decision. What the sizing guide (Timestream for InfluxDB Well-Architected, cost optimization:
 * https://docs.aws.amazon.com/prescriptive-guidance/latest/timestream-for-influxdb-well-architected-framework/cost-optimization.html)
 * does state, and the model relies on: instance cost scales linearly with the class
 * (2xlarge = 2 x xlarge), and a Multi-AZ standby is billed like a second instance.
 */
export const INFLUXDB_PRICES = {
  checked: "2026-12-01",
  verified: "re-check" as const,
  source: PRICE_PAGES.timestream,
  /** db.influx.medium instance-hour; larger classes scale linearly (the sizing guide). */
  mediumInstanceHourUsd: 0.125,
  /** InfluxIOIncludedT1 (3,000 IOPS included) per GiB-month. */
  storageGbMonthUsd: 0.2,
} as const;

/** vCPU multiples of db.influx.medium per class (1, 2, 4, 8, ... vCPUs). */
const CLASS_SIZE: Record<InfluxDbInstanceType, number> = {
  "db.influx.medium": 1,
  "db.influx.large": 2,
  "db.influx.xlarge": 4,
  "db.influx.2xlarge": 8,
  "db.influx.4xlarge": 16,
  "db.influx.8xlarge": 32,
  "db.influx.12xlarge": 48,
  "db.influx.16xlarge": 64,
  "db.influx.24xlarge": 96,
};

export interface InfluxDbAssumptions {
  /** Field values per second db.influx.medium sustains; larger classes scale with their size. The sizing guide gives 50,000 to 500,000+ writes/s across classes. */
  readonly mediumFieldValuesPerSecond: number;
  /** Keep the write rate below this share of the class's capacity (queries, compactions). */
  readonly headroom: number;
  /** TSM storage per field value after compression, plus series index (InfluxDB's own guidance: a few bytes per value). */
  readonly storedBytesPerFieldValue: number;
  /** Bucket retention priced (per-GPU history; CloudWatch keeps the aggregates 15 months). */
  readonly retentionDays: number;
  readonly multiAzStandby: boolean;
}

export const DEFAULT_INFLUXDB_ASSUMPTIONS: InfluxDbAssumptions = {
  mediumFieldValuesPerSecond: 50_000,
  headroom: 0.5,
  storedBytesPerFieldValue: 3,
  retentionDays: 90,
  multiAzStandby: false,
};

export interface InfluxDbEstimate {
  readonly instanceType: InfluxDbInstanceType;
  readonly linesPerSecond: number;
  readonly fieldValuesPerSecond: number;
  readonly storageGiB: number;
  readonly items: LineItem[];
  readonly totalUsd: number;
}

/** The Timestream for InfluxDB bill for a fleet writing `snapshotsPerSecond` snapshots shaped like `points`. */
export function influxDbEstimate(
  pointsPerSnapshot: readonly SinkPoint[],
  snapshotsPerSecond: number,
  a: InfluxDbAssumptions = DEFAULT_INFLUXDB_ASSUMPTIONS,
): InfluxDbEstimate {
  const linesPerSecond = pointsPerSnapshot.length * snapshotsPerSecond;
  const fieldValuesPerSecond = pointsPerSnapshot.reduce((n, p) => n + p.measures.length, 0) * snapshotsPerSecond;
  const instanceType =
    INFLUXDB_INSTANCE_TYPES.find((t) => fieldValuesPerSecond <= a.mediumFieldValuesPerSecond * CLASS_SIZE[t] * a.headroom) ??
    "db.influx.24xlarge";
  const instances = a.multiAzStandby ? 2 : 1;
  const instanceHours = HOURS_PER_MONTH * instances;
  const instanceUsd = instanceHours * INFLUXDB_PRICES.mediumInstanceHourUsd * CLASS_SIZE[instanceType];
  const storedBytes = fieldValuesPerSecond * 86_400 * a.retentionDays * a.storedBytesPerFieldValue;
  const storageGiB = Math.max(20, Math.ceil((storedBytes / 1024 ** 3) * 1.2));
  const storageUsd = storageGiB * INFLUXDB_PRICES.storageGbMonthUsd * instances;
  const items: LineItem[] = [
    {
      service: "Timestream for InfluxDB",
      item: `${instanceType} ${a.multiAzStandby ? "+ Multi-AZ standby" : "Single-AZ"} (${Math.round(fieldValuesPerSecond)} values/s)`,
      quantity: instanceHours,
      unit: "instance-hours",
      usd: instanceUsd,
    },
    {
      service: "Timestream for InfluxDB",
      item: `InfluxIOIncludedT1 storage, ${a.retentionDays} d retention`,
      quantity: storageGiB * instances,
      unit: "GiB-months",
      usd: storageUsd,
    },
  ];
  return { instanceType, linesPerSecond, fieldValuesPerSecond, storageGiB, items, totalUsd: instanceUsd + storageUsd };
}

/** Points per snapshot as the ingest shapes them. */
export function pointsOf(snapshot: Parameters<typeof shapeSnapshot>[0]): SinkPoint[] {
  return shapeSnapshot(snapshot, 0);
}
