/** The Timestream for InfluxDB cost block (cost/influxdb.ts): class sizing, storage floor, Multi-AZ. */
import { expect, test } from "vitest";
import { DEFAULT_INFLUXDB_ASSUMPTIONS as A, INFLUXDB_PRICES, influxDbEstimate, pointsOf } from "../../cost/influxdb";
import { DEFAULT_ASSUMPTIONS, representativeSnapshot } from "../../cost/model";
import { readMeasuredSweep } from "../../cost/poller-sweep";
import { HOURS_PER_MONTH } from "../../cost/prices";
import { loadConfig } from "../../lib/config/load";

const config = loadConfig("prod");
const points = pointsOf(
  representativeSnapshot(
    { ...DEFAULT_ASSUMPTIONS, nodes: 1000, gpusPerNode: 8, intervalSeconds: 60, pollerSweep: readMeasuredSweep() },
    config,
  ),
);
const valuesPerSnapshot = points.reduce((n, p) => n + p.measures.length, 0);

test("1,000 HGX nodes every minute fit db.influx.medium; the bill is its hours plus at least 20 GiB", () => {
  const e = influxDbEstimate(points, 1000 / 60);
  expect(e.instanceType).toBe("db.influx.medium");
  expect(e.linesPerSecond).toBeCloseTo((points.length * 1000) / 60, 6);
  expect(e.items[0]?.usd).toBeCloseTo(HOURS_PER_MONTH * INFLUXDB_PRICES.mediumInstanceHourUsd, 6);
  expect(e.storageGiB).toBeGreaterThanOrEqual(20);
  expect(e.totalUsd).toBeCloseTo(
    HOURS_PER_MONTH * INFLUXDB_PRICES.mediumInstanceHourUsd + e.storageGiB * INFLUXDB_PRICES.storageGbMonthUsd,
    6,
  );
});

test("the class grows with the write rate: the smallest whose capacity x headroom holds it", () => {
  // Just above medium's share (50,000 values/s x 0.5) -> large; 4x that -> 2xlarge (8 x medium).
  const justOverMedium = (A.mediumFieldValuesPerSecond * A.headroom) / valuesPerSnapshot + 1;
  expect(influxDbEstimate(points, justOverMedium).instanceType).toBe("db.influx.large");
  expect(influxDbEstimate(points, justOverMedium * 5).instanceType).toBe("db.influx.2xlarge");
});

test("a Multi-AZ standby is billed as a second instance", () => {
  const single = influxDbEstimate(points, 10);
  const multi = influxDbEstimate(points, 10, { ...A, multiAzStandby: true });
  expect(multi.totalUsd).toBeCloseTo(2 * single.totalUsd, 6);
});
