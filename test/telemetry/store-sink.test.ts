/** The ingest's store choice at cold start: settings per store, the sink built for it, the token secret. */
import { describe, expect, test } from "vitest";
import { InfluxSink } from "../../lambdas/telemetry-ingest/influx-sink";
import { NoStoreSink } from "../../lambdas/telemetry-ingest/no-store-sink";
import { readSettings } from "../../lambdas/telemetry-ingest/settings";
import { createSink, influxToken, WRITE_TOKEN_PLACEHOLDER } from "../../lambdas/telemetry-ingest/store-sink";
import { TimestreamSink } from "../../lambdas/telemetry-ingest/timestream-sink";
import { WRITE_TOKEN_PLACEHOLDER as STACK_PLACEHOLDER } from "../../lib/telemetry/influxdb-store";

const base = {
  FLEETWATCH_ENV: "dev",
  DEAD_LETTER_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/111111111111/dlq",
  GPU_TEMPERATURE_WARN_C: "78",
  GPU_TEMPERATURE_CRITICAL_C: "83",
};
const influx = {
  ...base,
  TELEMETRY_STORE: "influxdb",
  INFLUX_URL: "https://abc.eu-west-1.timestream-influxdb.amazonaws.com:8086",
  INFLUX_ORG: "fleetwatch",
  INFLUX_BUCKET: "gpu-telemetry",
  INFLUX_TOKEN_SECRET: "fleetwatch/dev/influx-write-token",
};

describe("settings", () => {
  test("without TELEMETRY_STORE the ingest is LiveAnalytics (its template is unchanged) and needs the Timestream names", () => {
    expect(() => readSettings(base)).toThrow(/TIMESTREAM_DATABASE: required when TELEMETRY_STORE is timestream-liveanalytics/);
    expect(
      readSettings({
        ...base,
        TIMESTREAM_DATABASE: "fleetwatch_prod",
        TIMESTREAM_TABLE_COMPONENTS: "components",
        TIMESTREAM_TABLE_SNAPSHOTS: "snapshots",
      }).TELEMETRY_STORE,
    ).toBe("timestream-liveanalytics");
  });

  test("influxdb needs URL, organisation, bucket and the token's secret name", () => {
    const { INFLUX_BUCKET: _, ...missing } = influx;
    expect(() => readSettings(missing)).toThrow(/INFLUX_BUCKET: required when TELEMETRY_STORE is influxdb/);
    expect(readSettings({ ...base, TELEMETRY_STORE: "none" }).TELEMETRY_STORE).toBe("none");
  });
});

describe("createSink", () => {
  test("one sink per store; the token comes from the named secret", async () => {
    const asked: string[] = [];
    const read = async (name: string) => {
      asked.push(name);
      return "a-real-token";
    };
    expect(await createSink(readSettings(influx), read)).toBeInstanceOf(InfluxSink);
    expect(asked).toEqual(["fleetwatch/dev/influx-write-token"]);
    expect(await createSink(readSettings({ ...base, TELEMETRY_STORE: "none" }), read)).toBeInstanceOf(NoStoreSink);
    const ts = readSettings({
      ...base,
      TIMESTREAM_DATABASE: "fleetwatch_prod",
      TIMESTREAM_TABLE_COMPONENTS: "components",
      TIMESTREAM_TABLE_SNAPSHOTS: "snapshots",
    });
    expect(await createSink(ts, read)).toBeInstanceOf(TimestreamSink);
  });

  test("the stack's placeholder (or an empty secret) fails the cold start with what to do, never echoing a value", async () => {
    expect(WRITE_TOKEN_PLACEHOLDER).toBe(STACK_PLACEHOLDER);
    await expect(createSink(readSettings(influx), async () => STACK_PLACEHOLDER)).rejects.toThrow(
      /secret fleetwatch\/dev\/influx-write-token holds no InfluxDB write token yet: create one with write permission on the bucket/,
    );
    expect(() => influxToken("s", "  ")).toThrow(/holds no InfluxDB write token/);
    expect(influxToken("s", " tok \n")).toBe("tok");
  });

  test("no store: nothing written, nothing failed", async () => {
    expect(await new NoStoreSink().write([])).toEqual({ written: 0, rejected: [], failed: [] });
  });
});
