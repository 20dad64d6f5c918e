/**
 * The local Timestream Write server refuses what the service documents it refuses
 * (Developer Guide "Quotas" / "Naming constraints", API reference WriteRecords and
 * RejectedRecord), checked with the real @aws-sdk/client-timestream-write client.
 */
import { TimestreamWriteClient, WriteRecordsCommand, type WriteRecordsCommandInput } from "@aws-sdk/client-timestream-write";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTimestreamWriteServer, type TimestreamWriteServer } from "../../dev-support/timestream-write-server";

let server: TimestreamWriteServer;
let client: TimestreamWriteClient;
const NOW = Date.parse("2026-11-22T10:00:00.000Z");

beforeAll(async () => {
  server = await startTimestreamWriteServer();
  server.now = () => NOW;
  server.createTable("fw", "t", { memoryStoreHours: 24, magneticStoreDays: 365, magneticStoreWrites: true });
  server.createTable("fw", "memory_only", { memoryStoreHours: 24, magneticStoreDays: 365, magneticStoreWrites: false });
  // An explicit endpoint: the SDK skips Timestream endpoint discovery (no DescribeEndpoints call).
  client = new TimestreamWriteClient({
    endpoint: server.endpoint,
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

const common = { Dimensions: [{ Name: "cluster", Value: "train-a" }], MeasureValueType: "MULTI", TimeUnit: "MILLISECONDS" } as const;

function record(bmc: string, overrides: Record<string, unknown> = {}) {
  return {
    Dimensions: [{ Name: "bmc", Value: bmc }],
    MeasureName: "gpu",
    MeasureValues: [{ Name: "temperature_c", Value: "61", Type: "DOUBLE" }],
    Time: String(NOW - 60_000),
    Version: 1,
    ...overrides,
  };
}

async function write(
  records: unknown[],
  table = "t",
): Promise<
  | { ok: true; total?: number }
  | { ok: false; name: string; status?: number; rejected: Array<{ RecordIndex?: number; Reason?: string; ExistingVersion?: number }> }
> {
  try {
    const out = await client.send(
      new WriteRecordsCommand({
        DatabaseName: "fw",
        TableName: table,
        CommonAttributes: common,
        Records: records,
      } as unknown as WriteRecordsCommandInput),
    );
    return { ok: true, total: out.RecordsIngested?.Total };
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number }; RejectedRecords?: [] };
    return { ok: false, name: e.name, status: e.$metadata?.httpStatusCode, rejected: e.RejectedRecords ?? [] };
  }
}

describe("Timestream Write server, through the real SDK client", () => {
  test("stores a valid multi-measure batch, CommonAttributes merged, without endpoint discovery", async () => {
    const before = server.stats.requests;
    const out = await write([record("10.0.0.1"), record("10.0.0.2")]);
    expect(out).toEqual({ ok: true, total: 2 });
    expect(server.stats.requests - before).toBe(1); // no DescribeEndpoints round trip
    const stored = server.records("fw", "t").find((r) => r.dimensions.bmc === "10.0.0.1");
    expect(stored?.dimensions).toEqual({ bmc: "10.0.0.1", cluster: "train-a" });
    expect(stored?.values).toEqual({ temperature_c: "DOUBLE:61" });
  });

  test("more than 100 records in one WriteRecords is a ValidationException; 100 is fine", async () => {
    const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => record(`${prefix}-${i}`));
    expect(await write(many(101, "over"))).toMatchObject({ ok: false, name: "ValidationException", status: 400 });
    expect(await write(many(100, "limit"))).toEqual({ ok: true, total: 100 });
    expect(await write([])).toMatchObject({ ok: false, name: "ValidationException" });
  });

  test("a record over 2 KB is rejected with its index and reason; the others are stored", async () => {
    const big = record("10.0.1.1", { MeasureValues: [{ Name: "note", Value: "x".repeat(2100), Type: "VARCHAR" }] });
    const out = await write([record("10.0.1.2"), big]);
    expect(out).toMatchObject({ ok: false, name: "RejectedRecordsException", status: 419 });
    if (out.ok) return;
    expect(out.rejected).toHaveLength(1);
    expect(out.rejected[0]?.RecordIndex).toBe(1);
    expect(out.rejected[0]?.Reason).toMatch(/2048-byte limit/);
    expect(server.records("fw", "t").some((r) => r.dimensions.bmc === "10.0.1.2")).toBe(true);
    expect(server.records("fw", "t").some((r) => r.dimensions.bmc === "10.0.1.1")).toBe(false);
  });

  test.each([
    ["a dimension named time", { Dimensions: [{ Name: "time", Value: "x" }] }, /reserved name/],
    ["a dimension named measure_name", { Dimensions: [{ Name: "measure_name", Value: "x" }] }, /reserved name/],
    ["a dimension with the ts_ prefix", { Dimensions: [{ Name: "ts_host", Value: "x" }] }, /reserved prefix/],
    ["a dimension with the measure_value prefix", { Dimensions: [{ Name: "measure_value_x", Value: "x" }] }, /reserved prefix/],
    ["a dimension name with a colon", { Dimensions: [{ Name: "gpu:id", Value: "x" }] }, /':'/],
    ["a dimension name over 60 bytes", { Dimensions: [{ Name: "d".repeat(61), Value: "x" }] }, /60 bytes/],
    ["a measure value named time", { MeasureValues: [{ Name: "time", Value: "1", Type: "DOUBLE" }] }, /reserved name/],
    ["a measure name over 256 bytes", { MeasureName: "m".repeat(257) }, /256 bytes/],
    ["an empty dimension value", { Dimensions: [{ Name: "bmc", Value: "" }] }, /empty value/],
    ["a DOUBLE that is not a number", { MeasureValues: [{ Name: "t", Value: "hot", Type: "DOUBLE" }] }, /not a valid DOUBLE/],
    ["a timestamp 16 minutes in the future", { Time: String(NOW + 16 * 60_000) }, /future/],
    ["a timestamp older than magnetic retention", { Time: String(NOW - 366 * 86_400_000) }, /outside the time range/],
  ])("rejects %s", async (_what, overrides, reason) => {
    const out = await write([record("10.0.2.1", overrides)]);
    expect(out).toMatchObject({ ok: false, name: "RejectedRecordsException" });
    if (!out.ok) expect(out.rejected[0]?.Reason).toMatch(reason);
  });

  test("late data: outside the memory store is rejected unless magnetic store writes are on", async () => {
    const late = record("10.0.3.1", { Time: String(NOW - 48 * 3_600_000) });
    expect(await write([late], "memory_only")).toMatchObject({ ok: false, name: "RejectedRecordsException" });
    expect(await write([late], "t")).toEqual({ ok: true, total: 1 });
  });

  test("versions: same values are an idempotent upsert; different values need a higher version", async () => {
    const r = record("10.0.4.1", { Version: 5 });
    expect(await write([r])).toEqual({ ok: true, total: 1 });
    expect(await write([r])).toEqual({ ok: true, total: 1 }); // replay: accepted, nothing changes
    const changed = { ...r, MeasureValues: [{ Name: "temperature_c", Value: "70", Type: "DOUBLE" }] };
    const conflict = await write([changed]);
    expect(conflict).toMatchObject({ ok: false, name: "RejectedRecordsException" });
    if (!conflict.ok) expect(conflict.rejected[0]?.ExistingVersion).toBe(5);
    expect(await write([{ ...changed, Version: 6 }])).toEqual({ ok: true, total: 1 });
    const rows = server.records("fw", "t").filter((x) => x.dimensions.bmc === "10.0.4.1");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: 6, values: { temperature_c: "DOUBLE:70" } });
  });

  test("malformed requests are ValidationExceptions; unknown tables ResourceNotFoundException", async () => {
    expect(await write([record("10.0.5.1", { Time: "yesterday" })])).toMatchObject({ ok: false, name: "ValidationException" });
    expect(await write([record("10.0.5.1", { MeasureValues: [{ Name: "t", Value: "1", Type: "FLOAT" }] })])).toMatchObject({
      ok: false,
      name: "ValidationException",
    });
    expect(await write([record("10.0.5.1")], "nope")).toMatchObject({ ok: false, name: "ResourceNotFoundException", status: 404 });
  });

  test("injected throttling and internal errors reach the client as ThrottlingException (429) / InternalServerException (500)", async () => {
    server.inject = () => "ThrottlingException";
    expect(await write([record("10.0.6.1")])).toMatchObject({ ok: false, name: "ThrottlingException", status: 429 });
    server.inject = () => "InternalServerException";
    expect(await write([record("10.0.6.1")])).toMatchObject({ ok: false, name: "InternalServerException", status: 500 });
    server.inject = () => undefined;
    expect(server.records("fw", "t").some((r) => r.dimensions.bmc === "10.0.6.1")).toBe(false);
  });
});
