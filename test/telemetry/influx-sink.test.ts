/**
 * InfluxSink (InfluxData's client) against the local InfluxDB v2 write endpoint
 * (dev-support/influx-write-server.ts) for the answers real databases do not give on demand.
 * The real databases (VictoriaMetrics, InfluxDB 1.x) are in influx-real-databases.test.ts.
 */
import { afterEach, describe, expect, test } from "vitest";
import { type InfluxWriteServer, type InfluxWriteServerOptions, parseLine } from "../../dev-support/influx-write-server";
import { snapshotFor } from "../../dev-support/snapshot-fleet";
import { INFLUX, startInfluxStore } from "../../dev-support/telemetry-harness";
import { type InfluxRetryPolicy, InfluxSink, quotedLines } from "../../lambdas/telemetry-ingest/influx-sink";
import { toLine } from "../../lambdas/telemetry-ingest/line-protocol";
import { type SinkPoint, shapeSnapshot } from "../../lambdas/telemetry-ingest/records";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const AT = new Date(NOW - 60_000).toISOString();
const AUTH = INFLUX;

let server: InfluxWriteServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(options: Partial<InfluxWriteServerOptions> = {}, retry: Partial<InfluxRetryPolicy> = {}) {
  const store = await startInfluxStore({ server: { now: () => NOW, ...options }, retry: { delayMs: () => 7, ...retry } });
  server = store.influx;
  return { server, sink: store.sink, sleeps: store.sleeps };
}

function points(snapshots: number, at = AT): SinkPoint[] {
  return Array.from({ length: snapshots }, (_, i) => shapeSnapshot(snapshotFor(i, at), i)).flat();
}

describe("line protocol", () => {
  test("a GPU point: measurement gpu, bounded tags, typed fields, ms timestamp; the strict parser reads back the same values", () => {
    const gpu = points(1).find((p) => p.measureName === "gpu") as SinkPoint;
    const line = toLine(gpu);
    const parsed = parseLine(line);
    expect(parsed.measurement).toBe("gpu");
    expect(parsed.tags).toEqual({
      environment: "dev",
      cluster: "train-a",
      bmc: gpu.dimensions.find((d) => d.Name === "bmc")?.Value,
      component: "GPU_SXM_1",
      system: "HGX_Baseboard_0",
      model: "NVIDIA B200",
    });
    expect(parsed.timeMs).toBe(Date.parse(AT));
    // Types from the Timestream model: DOUBLE -> float, BIGINT -> integer, BOOLEAN -> boolean, VARCHAR -> string.
    expect(parsed.fields.power_limit_w).toEqual({ type: "float", value: 1000 });
    expect(parsed.fields.ecc_uncorrectable).toEqual({ type: "integer", value: 0 });
    expect(parsed.fields.throttled?.type).toBe("boolean");
    expect(parsed.fields.health).toEqual({ type: "string", value: "OK" });
    // No status, health, time or error text in a tag: series = components x BMCs.
    expect(Object.keys(parsed.tags).sort()).toEqual(["bmc", "cluster", "component", "environment", "model", "system"]);
  });

  test("the same point always gives the same line (a redelivery is the same series and timestamp)", () => {
    const a = points(3).map(toLine);
    const b = points(3).map(toLine);
    expect(a).toEqual(b);
  });

  test("quotedLines finds the line a 400 names, and only lines of the request", () => {
    const lines = ["gpu,a=b x=1 1", "gpu,a=c x=2 2"];
    expect([...quotedLines("400: unable to parse 'gpu,a=c x=2 2': bad", lines)]).toEqual(["gpu,a=c x=2 2"]);
    expect(quotedLines("400: unable to parse 'other x=1 1': bad", lines).size).toBe(0);
  });
});

describe("InfluxSink against the local write endpoint", () => {
  test("gzip on every request, at most 5,000 lines per request, everything stored once", async () => {
    const { server, sink } = await setup();
    const all = points(700); // 700 HGX snapshots x 18 points = 12,600 lines -> 3 requests
    const result = await sink.write(all);
    expect(result).toEqual({ written: all.length, rejected: [], failed: [] });
    expect(server.stats.requests).toBe(Math.ceil(all.length / 5000));
    expect(server.stats.gzipRequests).toBe(server.stats.requests);
    expect(server.stats.maxLinesPerRequest).toBeLessThanOrEqual(5000);
    expect(server.pointCount()).toBe(all.length);
  });

  test("one request per UTC day of data: a backlog from yesterday does not share a request with today", async () => {
    const { server, sink } = await setup();
    const today = points(2);
    const yesterday = points(2, new Date(NOW - 86_400_000).toISOString());
    expect((await sink.write([...today, ...yesterday])).written).toBe(today.length + yesterday.length);
    expect(server.stats.requests).toBe(2);
  });

  test("redelivery overwrites: the same points again add no point and change no value", async () => {
    const { server, sink } = await setup();
    const all = points(20);
    await sink.write(all);
    await sink.write(all);
    expect(server.pointCount()).toBe(all.length);
    expect(server.stats.overwritesSameValues).toBe(all.length);
    expect(server.stats.overwritesChangedValues).toBe(0);
  });

  test("429 and 503 are retried after the Retry-After the server sent", async () => {
    const { server, sink, sleeps } = await setup();
    const answers = [{ status: 429 as const, retryAfterSeconds: 2 }, { status: 503 as const, retryAfterSeconds: 1 }, undefined];
    server.inject = () => answers.shift();
    const all = points(2);
    const result = await sink.write(all);
    expect(result.written).toBe(all.length);
    expect(sleeps).toEqual([2000, 1000]);
    expect(server.stats.throttled).toBe(1);
    expect(server.stats.unavailable).toBe(1);
  });

  test("without Retry-After the sink's backoff applies; 500s until the attempts run out fail the points (Kinesis retries them)", async () => {
    const { server, sink, sleeps } = await setup();
    server.inject = () => ({ status: 500 });
    const all = points(1);
    const result = await sink.write(all);
    expect(result.written).toBe(0);
    expect(result.failed).toHaveLength(all.length);
    expect(result.failed[0]?.error).toMatch(/^500: internal error/);
    expect(server.stats.requests).toBe(4);
    expect(sleeps).toEqual([7, 7, 7]);
  });

  test("a Retry-After longer than the invocation can wait is not slept: the points fail at once", async () => {
    const { server, sink, sleeps } = await setup();
    server.inject = () => ({ status: 429, retryAfterSeconds: 60 });
    const result = await sink.write(points(1));
    expect(result.failed.length).toBeGreaterThan(0);
    expect(result.failed[0]?.error).toMatch(/Retry-After 60 s/);
    expect(sleeps).toEqual([]);
    expect(server.stats.requests).toBe(1);
  });

  test("401 (wrong token) and 404 (wrong bucket) are configuration: failed without retries, nothing rejected", async () => {
    const { server } = await setup();
    const misconfigured = (wrong: { token: string } | { bucket: string }) =>
      new InfluxSink({ url: server.url, ...AUTH, ...wrong, retry: { maxAttempts: 4, delayMs: () => 0, maxRetryAfterMs: 0 } });
    const r1 = await misconfigured({ token: "nope" }).write(points(1));
    expect(r1.rejected).toEqual([]);
    expect(r1.failed[0]?.error).toBe("401: unauthorized access");
    const r2 = await misconfigured({ bucket: "other" }).write(points(1));
    expect(r2.failed[0]?.error).toBe('404: bucket "other" not found');
    expect(server.stats.requests).toBe(2);
    // The token never appears in what the sink returns.
    expect(JSON.stringify([r1, r2])).not.toContain(AUTH.token);
  });

  test("413: the request is split until it fits; everything is stored", async () => {
    const { server, sink } = await setup({ maxBodyBytes: 3_000 });
    const all = points(30);
    const result = await sink.write(all);
    expect(result).toEqual({ written: all.length, rejected: [], failed: [] });
    expect(server.stats.refused).toBeGreaterThan(0);
    expect(server.pointCount()).toBe(all.length);
  });

  test("422 outside retention: the old points are rejected with the store's reason, the others stored", async () => {
    const { server, sink } = await setup({ retentionMs: 7 * 86_400_000 });
    const fresh = points(10);
    const old = shapeSnapshot(snapshotFor(99, new Date(NOW - 30 * 86_400_000).toISOString()), 10);
    const result = await sink.write([...fresh.slice(0, 50), ...old, ...fresh.slice(50)]);
    expect(result.failed).toEqual([]);
    expect(result.rejected.map((r) => r.point)).toEqual(old);
    for (const r of result.rejected) expect(r.reason).toMatch(/^422: partial write: points beyond retention policy dropped=\d+$/);
    expect(result.written).toBe(fresh.length);
    expect(server.pointCount()).toBe(fresh.length);
  });

  test("422 field type conflict names the field; 400 names the malformed line: exactly the offending points are rejected", async () => {
    const { sink } = await setup();
    const good = points(5);
    // A field first written as integer, then sent as float: a type conflict in InfluxDB.
    const first = good.find((p) => p.measureName === "gpu") as SinkPoint;
    const asInteger: SinkPoint = {
      ...first,
      timeMs: first.timeMs - 60_000,
      measures: first.measures.map((m) => (m.Name === "temperature_c" ? { ...m, Type: "BIGINT" as const } : m)),
    };
    expect((await sink.write([asInteger])).written).toBe(1);
    // A tag key starting with "_" is refused by the parser (reserved names).
    const reserved: SinkPoint = {
      ...good[1],
      dimensions: [...(good[1] as SinkPoint).dimensions, { Name: "_bad", Value: "x" }],
    } as SinkPoint;
    const result = await sink.write([...good, reserved]);
    const reasons = new Map(result.rejected.map((r) => [r.point, r.reason]));
    expect(reasons.get(reserved)).toMatch(/^400: unable to parse '.*': tag key "_bad" starts with "_"/);
    // Every gpu point conflicts (temperature_c is now an integer field).
    const gpus = good.filter((p) => p.measureName === "gpu");
    for (const g of gpus)
      expect(reasons.get(g)).toMatch(/field type conflict: input field "temperature_c" on measurement "gpu" is type float/);
    expect(result.rejected).toHaveLength(gpus.length + 1);
    expect(result.written).toBe(good.length - gpus.length);
  });

  test("a value line protocol cannot carry is rejected locally, without a request", async () => {
    const { server, sink } = await setup();
    const p = points(1)[0] as SinkPoint;
    const bad: SinkPoint = { ...p, measures: [{ Name: "requests", Value: "NaN", Type: "BIGINT" }] };
    const result = await sink.write([bad]);
    expect(result.rejected[0]?.reason).toMatch(/^not representable in line protocol: invalid integer value for field 'requests'/);
    expect(server.stats.requests).toBe(0);
  });
});
