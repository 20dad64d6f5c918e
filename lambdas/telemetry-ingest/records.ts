/**
 * Record shaping: a BMC snapshot -> time-series points, and points -> WriteRecords requests.
 * Pure (no SDK): the request objects have the Timestream WriteRecords wire shape, so the
 * adapter only sends them, and an InfluxDB sink could map the same points to line protocol.
 *
 * Data model (docs/telemetry.md has the table):
 * - table "components": one multi-measure record per component per snapshot; measure name =
 *   component kind (gpu, fan, temperature, psu, chassis); dimensions environment, cluster
 *   (CommonAttributes), bmc, component, and system/model where the snapshot has them.
 * - table "snapshots": one multi-measure record "poll" per snapshot (status, duration, ...).
 * - Time = collectedAt (ms). Version = collectedAt (ms): every replay of a snapshot carries the
 *   same version and the same values, which Timestream accepts as an idempotent upsert.
 */
import type { BmcSnapshot, Component } from "../shared/snapshot";

export const TABLES = { components: "components", snapshots: "snapshots" } as const;
export type TableKey = keyof typeof TABLES;

export type MeasureType = "DOUBLE" | "BIGINT" | "VARCHAR" | "BOOLEAN";

export interface MeasureValue {
  readonly Name: string;
  readonly Value: string;
  readonly Type: MeasureType;
}

export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

/** One time-series point: what any sink stores. `source` is the snapshot's index in the batch. */
export interface SinkPoint {
  readonly table: TableKey;
  readonly environment: string;
  readonly cluster: string;
  readonly dimensions: readonly Dimension[];
  readonly measureName: string;
  readonly timeMs: number;
  readonly version: number;
  readonly measures: readonly MeasureValue[];
  readonly source: number;
}

/** Timestream limits (Developer Guide, "Quotas"). */
export const TIMESTREAM_LIMITS = {
  recordsPerWrite: 100,
  recordBytes: 2048,
  dimensionNameBytes: 60,
  measureNameBytes: 256,
  measuresPerRecord: 256,
} as const;

/** Longest VARCHAR we store (throttle reasons, health): keeps a GPU record far below 1 KiB. */
const MAX_TEXT = 256;

function text(value: string): string {
  return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
}

class Measures {
  readonly list: MeasureValue[] = [];
  double(name: string, value: number | undefined): this {
    if (value !== undefined) this.list.push({ Name: name, Value: String(value), Type: "DOUBLE" });
    return this;
  }
  bigint(name: string, value: number | undefined): this {
    if (value !== undefined) this.list.push({ Name: name, Value: String(Math.trunc(value)), Type: "BIGINT" });
    return this;
  }
  boolean(name: string, value: boolean | undefined): this {
    if (value !== undefined) this.list.push({ Name: name, Value: value ? "true" : "false", Type: "BOOLEAN" });
    return this;
  }
  varchar(name: string, value: string | undefined): this {
    if (value !== undefined && value !== "") this.list.push({ Name: name, Value: text(value), Type: "VARCHAR" });
    return this;
  }
}

/** Measures per component kind. A missing reading is omitted, never written as 0. */
function componentMeasures(c: Component): MeasureValue[] {
  const m = new Measures();
  switch (c.kind) {
    case "gpu":
      m.double("temperature_c", c.temperatureC)
        .double("power_w", c.powerW)
        .double("power_limit_w", c.powerLimitW)
        .boolean("throttled", c.throttled)
        .varchar("throttle_reasons", c.throttleReasons?.join(","))
        .bigint("ecc_correctable", c.eccCorrectable)
        .bigint("ecc_uncorrectable", c.eccUncorrectable)
        .varchar("health", c.health);
      break;
    case "fan":
      m.double("rpm", c.rpm).double("percent", c.percent).boolean("failed", c.failed).varchar("health", c.health);
      break;
    case "temperature":
      m.double("temperature_c", c.temperatureC)
        .double("upper_caution_c", c.upperCautionC)
        .double("upper_critical_c", c.upperCriticalC)
        .varchar("health", c.health);
      break;
    case "psu":
      m.double("power_w", c.powerW).varchar("health", c.health);
      break;
    case "chassis":
      m.double("power_w", c.powerW).double("power_limit_w", c.powerLimitW).boolean("capped", c.capped).varchar("health", c.health);
      break;
  }
  return m.list;
}

/** The Timestream Version of every record of a snapshot: the same on every replay. */
export function snapshotVersion(snapshot: Pick<BmcSnapshot, "collectedAt">): number {
  return Date.parse(snapshot.collectedAt);
}

/** All points of one snapshot. Components without any reading, and repeated ids, are skipped. */
export function shapeSnapshot(snapshot: BmcSnapshot, source: number): SinkPoint[] {
  const timeMs = Date.parse(snapshot.collectedAt);
  const version = snapshotVersion(snapshot);
  const base = { environment: snapshot.environment, cluster: snapshot.cluster, timeMs, version, source };
  const points: SinkPoint[] = [
    {
      ...base,
      table: "snapshots",
      dimensions: [{ Name: "bmc", Value: snapshot.bmc }],
      measureName: "poll",
      measures: new Measures()
        .varchar("status", snapshot.status)
        .double("duration_ms", snapshot.durationMs)
        .bigint("requests", snapshot.requests)
        .bigint("components", snapshot.components.length)
        .bigint("errors", snapshot.errors.length).list,
    },
  ];
  const seen = new Set<string>();
  for (const c of snapshot.components) {
    const system = "system" in c && typeof c.system === "string" && c.system !== "" ? c.system : undefined;
    const model = c.kind === "gpu" && c.name ? text(c.name) : undefined;
    // Two records with equal dimensions, time and measure name but different values would be
    // rejected by Timestream; the first one of a repeated component wins.
    const key = `${c.kind}\u0000${c.id}\u0000${system ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const measures = componentMeasures(c);
    if (measures.length === 0) continue;
    const dimensions: Dimension[] = [
      { Name: "bmc", Value: snapshot.bmc },
      { Name: "component", Value: c.id },
    ];
    if (system) dimensions.push({ Name: "system", Value: system });
    if (model) dimensions.push({ Name: "model", Value: model });
    points.push({ ...base, table: "components", dimensions, measureName: c.kind, measures });
  }
  return points;
}

const utf8 = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * Size of a record as we account it against the 2 KB limit and the 1 KB write unit: the UTF-8
 * bytes of every dimension name and value (shared ones included), the measure name, every
 * measure name and value, plus 8 bytes each for time and version.
 */
export function pointBytes(point: SinkPoint): number {
  let bytes = utf8("environment") + utf8(point.environment) + utf8("cluster") + utf8(point.cluster) + 16;
  for (const d of point.dimensions) bytes += utf8(d.Name) + utf8(d.Value);
  bytes += utf8(point.measureName);
  for (const m of point.measures) bytes += utf8(m.Name) + utf8(m.Value);
  return bytes;
}

/** A point Timestream would reject for its size: dead-lettered locally, no round trip. */
export function oversizeReason(point: SinkPoint): string | undefined {
  const bytes = pointBytes(point);
  return bytes > TIMESTREAM_LIMITS.recordBytes
    ? `record is ${bytes} bytes, over Timestream's ${TIMESTREAM_LIMITS.recordBytes}-byte record limit`
    : undefined;
}

/** WriteRecords input (wire shape) plus the points its records came from, index for index. */
export interface WriteRequest {
  readonly table: TableKey;
  readonly CommonAttributes: {
    readonly Dimensions: readonly Dimension[];
    readonly MeasureValueType: "MULTI";
    readonly TimeUnit: "MILLISECONDS";
  };
  readonly Records: ReadonlyArray<{
    readonly Dimensions: readonly Dimension[];
    readonly MeasureName: string;
    readonly MeasureValues: readonly MeasureValue[];
    readonly Time: string;
    readonly Version: number;
  }>;
  readonly points: readonly SinkPoint[];
}

/**
 * Groups points by (table, environment, cluster) so environment and cluster travel once per
 * request as CommonAttributes, and cuts each group into requests of at most 100 records.
 */
export function buildWriteRequests(points: readonly SinkPoint[]): WriteRequest[] {
  const groups = new Map<string, SinkPoint[]>();
  for (const p of points) {
    const key = `${p.table}\u0000${p.environment}\u0000${p.cluster}`;
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  const requests: WriteRequest[] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += TIMESTREAM_LIMITS.recordsPerWrite) {
      const chunk = group.slice(i, i + TIMESTREAM_LIMITS.recordsPerWrite);
      const first = chunk[0] as SinkPoint;
      requests.push({
        table: first.table,
        CommonAttributes: {
          Dimensions: [
            { Name: "environment", Value: first.environment },
            { Name: "cluster", Value: first.cluster },
          ],
          MeasureValueType: "MULTI",
          TimeUnit: "MILLISECONDS",
        },
        Records: chunk.map((p) => ({
          Dimensions: p.dimensions,
          MeasureName: p.measureName,
          MeasureValues: p.measures,
          Time: String(p.timeMs),
          Version: p.version,
        })),
        points: chunk,
      });
    }
  }
  return requests;
}
