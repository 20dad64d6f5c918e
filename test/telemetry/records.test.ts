import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type BmcSnapshot, BmcSnapshotSchema } from "../../core/snapshot";
import { snapshotFor } from "../../dev-support/snapshot-fleet";
import { decodeSnapshot } from "../../lambdas/telemetry-ingest/decode";
import { dedupeSnapshots } from "../../lambdas/telemetry-ingest/dedupe";
import { buildWriteRequests, pointBytes, shapeSnapshot, snapshotVersion } from "../../lambdas/telemetry-ingest/records";

const example = BmcSnapshotSchema.parse(
  JSON.parse(readFileSync(new URL("./fixtures/snapshot-design-example.json", import.meta.url), "utf8")),
);
const RESERVED = /^(time|measure_name|measure_value)$|^ts_|^measure_value|:/;

describe("record shaping", () => {
  const points = shapeSnapshot(example, 0);

  test("one record per component plus one per snapshot, at collectedAt, versioned by the snapshot", () => {
    expect(points).toHaveLength(example.components.length + 1);
    const t = Date.parse("2026-11-22T10:00:00.000Z");
    for (const p of points) {
      expect(p.timeMs).toBe(t);
      expect(p.version).toBe(t);
    }
    expect(snapshotVersion(example)).toBe(snapshotVersion({ collectedAt: "2026-11-22T10:00:00Z" }));
  });

  test("the GPU record carries the snapshot's readings under legal names", () => {
    const gpu = points.find((p) => p.measureName === "gpu");
    expect(gpu?.table).toBe("components");
    expect(Object.fromEntries(gpu?.dimensions.map((d) => [d.Name, d.Value]) ?? [])).toEqual({
      bmc: "10.1.2.3",
      component: "GPU_SXM_1",
      system: "HGX_Baseboard_0",
      model: "NVIDIA B200",
    });
    expect(Object.fromEntries(gpu?.measures.map((m) => [m.Name, `${m.Type}:${m.Value}`]) ?? [])).toEqual({
      temperature_c: "DOUBLE:61",
      power_w: "DOUBLE:690",
      power_limit_w: "DOUBLE:1000",
      throttled: "BOOLEAN:false",
      ecc_correctable: "BIGINT:0",
      ecc_uncorrectable: "BIGINT:0",
      health: "VARCHAR:OK",
    });
  });

  test("a missing reading is omitted, never written as 0", () => {
    const s: BmcSnapshot = {
      ...example,
      components: [
        { kind: "gpu", id: "GPU0", temperatureC: 70 },
        { kind: "psu", id: "PSU9" },
      ],
    };
    const shaped = shapeSnapshot(s, 0);
    const gpu = shaped.find((p) => p.measureName === "gpu");
    expect(gpu?.measures.map((m) => m.Name)).toEqual(["temperature_c"]);
    // A PSU with no reading at all has nothing to store.
    expect(shaped.some((p) => p.measureName === "psu")).toBe(false);
  });

  test("an 8-GPU HGX snapshot: every GPU record is under 1 KiB (one write unit)", () => {
    const gpuPoints = shapeSnapshot(snapshotFor(7, "2026-11-22T10:00:00.000Z"), 0).filter((p) => p.measureName === "gpu");
    expect(gpuPoints).toHaveLength(8);
    for (const p of gpuPoints) expect(pointBytes(p)).toBeLessThanOrEqual(1024);
  });

  test("write requests: at most 100 records, environment and cluster as CommonAttributes", () => {
    const all = Array.from({ length: 30 }, (_, i) =>
      shapeSnapshot(snapshotFor(i, "2026-11-22T10:00:00.000Z", { clusters: ["a", "b"] }), i),
    ).flat();
    const requests = buildWriteRequests(all);
    expect(requests.reduce((n, r) => n + r.Records.length, 0)).toBe(all.length);
    for (const r of requests) {
      expect(r.Records.length).toBeGreaterThan(0);
      expect(r.Records.length).toBeLessThanOrEqual(100);
      const cluster = r.CommonAttributes.Dimensions.find((d) => d.Name === "cluster")?.Value;
      expect(r.points.every((p) => p.cluster === cluster && p.table === r.table)).toBe(true);
    }
  });

  test("property: any contract-valid snapshot shapes into legal, well-typed records", () => {
    const component = fc.oneof(
      fc.record({
        kind: fc.constant("gpu" as const),
        id: fc.string({ minLength: 1, maxLength: 20 }),
        temperatureC: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
        throttled: fc.option(fc.boolean(), { nil: undefined }),
        eccUncorrectable: fc.option(fc.nat(), { nil: undefined }),
      }),
      fc.record({
        kind: fc.constant("fan" as const),
        id: fc.string({ minLength: 1, maxLength: 20 }),
        failed: fc.boolean(),
        rpm: fc.option(fc.nat(20_000), { nil: undefined }),
      }),
      fc.record({
        kind: fc.constant("chassis" as const),
        id: fc.string({ minLength: 1, maxLength: 20 }),
        powerW: fc.option(fc.nat(10_000), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(fc.array(component, { maxLength: 40 }), (components) => {
        const snapshot = BmcSnapshotSchema.parse({ ...example, components });
        for (const p of shapeSnapshot(snapshot, 0)) {
          expect(p.measures.length).toBeGreaterThan(0);
          for (const d of p.dimensions) expect(d.Name).not.toMatch(RESERVED);
          for (const m of p.measures) {
            expect(m.Name).not.toMatch(RESERVED);
            if (m.Type === "DOUBLE") expect(Number.isFinite(Number(m.Value))).toBe(true);
            if (m.Type === "BIGINT") expect(m.Value).toMatch(/^-?\d+$/);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("decode and in-batch dedupe", () => {
  const rec = (data: string, sequenceNumber = "1") => ({
    sequenceNumber,
    partitionKey: "k",
    data: Buffer.from(data).toString("base64"),
    shardId: "shardId-0",
    approximateArrivalTimestamp: 0,
  });

  test("not JSON, and JSON that breaks the contract, are poison with a reason", () => {
    const notJson = decodeSnapshot(rec("{oops"));
    expect(notJson.ok).toBe(false);
    if (!notJson.ok) expect(notJson.reason).toMatch(/^not JSON/);
    const wrong = decodeSnapshot(rec(JSON.stringify({ ...example, collectedAt: "yesterday" })));
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.reason).toMatch(/collectedAt/);
  });

  test("the same (bmc, collectedAt) twice in a batch is kept once, whatever the timestamp spelling", () => {
    const a = decodeSnapshot(rec(JSON.stringify(example), "1"));
    const b = decodeSnapshot(rec(JSON.stringify({ ...example, collectedAt: "2026-11-22T10:00:00Z" }), "2"));
    const c = decodeSnapshot(rec(JSON.stringify({ ...example, bmc: "10.1.2.4" }), "3"));
    const good = [a, b, c].filter((d) => d.ok);
    const { unique, duplicates } = dedupeSnapshots(good as Extract<typeof a, { ok: true }>[]);
    expect(unique.map((u) => u.record.sequenceNumber)).toEqual(["1", "3"]);
    expect(duplicates.map((u) => u.record.sequenceNumber)).toEqual(["2"]);
  });
});
