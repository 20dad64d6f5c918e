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
import type { BmcSnapshot, Component } from "../../core/snapshot";

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

/** A record in Timestream's WriteRecords wire shape (environment and cluster come as CommonAttributes). */
export interface WireRecord {
  readonly Dimensions: readonly Dimension[];
  readonly MeasureName: string;
  readonly MeasureValues: readonly MeasureValue[];
  readonly Time: string;
  readonly Version: number;
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
  /** Size as accounted by pointBytes (computed once, while shaping). */
  readonly bytes: number;
  /** The same point in the Timestream wire shape, built once while shaping. */
  readonly record: WireRecord;
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

/** UTF-8 length; a plain loop because nearly every value is ASCII and Buffer.byteLength costs a native call. */
function utf8Bytes(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, "utf8");
  return s.length;
}

// Measure builders: a missing reading is omitted, never written as 0. Names are ASCII constants.
function double(list: MeasureValue[], Name: string, value: number | undefined): void {
  if (value !== undefined) list.push({ Name, Value: String(value), Type: "DOUBLE" });
}
function bigint(list: MeasureValue[], Name: string, value: number | undefined): void {
  if (value !== undefined) list.push({ Name, Value: String(Math.trunc(value)), Type: "BIGINT" });
}
function boolean(list: MeasureValue[], Name: string, value: boolean | undefined): void {
  if (value !== undefined) list.push({ Name, Value: value ? "true" : "false", Type: "BOOLEAN" });
}
function varchar(list: MeasureValue[], Name: string, value: string | undefined): void {
  if (value !== undefined && value !== "") list.push({ Name, Value: text(value), Type: "VARCHAR" });
}

/** Measures per component kind. */
function componentMeasures(c: Component): MeasureValue[] {
  const m: MeasureValue[] = [];
  switch (c.kind) {
    case "gpu":
      double(m, "temperature_c", c.temperatureC);
      double(m, "power_w", c.powerW);
      double(m, "power_limit_w", c.powerLimitW);
      boolean(m, "throttled", c.throttled);
      varchar(m, "throttle_reasons", c.throttleReasons?.join(","));
      bigint(m, "ecc_correctable", c.eccCorrectable);
      bigint(m, "ecc_uncorrectable", c.eccUncorrectable);
      varchar(m, "health", c.health);
      break;
    case "fan":
      double(m, "rpm", c.rpm);
      double(m, "percent", c.percent);
      boolean(m, "failed", c.failed);
      varchar(m, "health", c.health);
      break;
    case "temperature":
      double(m, "temperature_c", c.temperatureC);
      double(m, "upper_caution_c", c.upperCautionC);
      double(m, "upper_critical_c", c.upperCriticalC);
      varchar(m, "health", c.health);
      break;
    case "psu":
      double(m, "power_w", c.powerW);
      varchar(m, "health", c.health);
      break;
    case "chassis":
      double(m, "power_w", c.powerW);
      double(m, "power_limit_w", c.powerLimitW);
      boolean(m, "capped", c.capped);
      varchar(m, "health", c.health);
      break;
  }
  return m;
}

/** The Timestream Version of every record of a snapshot: the same on every replay. */
export function snapshotVersion(snapshot: Pick<BmcSnapshot, "collectedAt">): number {
  return Date.parse(snapshot.collectedAt);
}

function measureBytes(measures: readonly MeasureValue[]): number {
  let n = 0;
  for (const m of measures) n += m.Name.length + utf8Bytes(m.Value);
  return n;
}

/** All points of one snapshot. Components without any reading, and repeated ids, are skipped. */
export function shapeSnapshot(snapshot: BmcSnapshot, source: number): SinkPoint[] {
  const timeMs = Date.parse(snapshot.collectedAt);
  const version = snapshotVersion(snapshot);
  const Time = String(timeMs);
  const { environment, cluster, bmc } = snapshot;
  // environment and cluster (names and values), time and version: part of every record's size.
  const sharedBytes = 18 + utf8Bytes(environment) + utf8Bytes(cluster) + 16;
  const bmcDimension: Dimension = { Name: "bmc", Value: bmc };
  const bmcBytes = 3 + utf8Bytes(bmc);
  const point = (
    table: TableKey,
    dimensions: Dimension[],
    dimensionBytes: number,
    measureName: string,
    measures: MeasureValue[],
  ): SinkPoint => ({
    table,
    environment,
    cluster,
    dimensions,
    measureName,
    timeMs,
    version,
    measures,
    source,
    bytes: sharedBytes + dimensionBytes + measureName.length + measureBytes(measures),
    record: { Dimensions: dimensions, MeasureName: measureName, MeasureValues: measures, Time, Version: version },
  });

  const poll: MeasureValue[] = [];
  varchar(poll, "status", snapshot.status);
  double(poll, "duration_ms", snapshot.durationMs);
  bigint(poll, "requests", snapshot.requests);
  bigint(poll, "components", snapshot.components.length);
  bigint(poll, "errors", snapshot.errors.length);
  const points: SinkPoint[] = [point("snapshots", [bmcDimension], bmcBytes, "poll", poll)];

  const seen = new Set<string>();
  for (const c of snapshot.components) {
    const system = "system" in c && typeof c.system === "string" && c.system !== "" ? c.system : undefined;
    const model = c.kind === "gpu" && c.name ? text(c.name) : undefined;
    // Two records with equal dimensions, time and measure name but different values would be
    // rejected by Timestream; the first one of a repeated component wins.
    const key = system === undefined ? `${c.kind}\u0000${c.id}` : `${c.kind}\u0000${c.id}\u0000${system}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const measures = componentMeasures(c);
    if (measures.length === 0) continue;
    const dimensions: Dimension[] = [bmcDimension, { Name: "component", Value: c.id }];
    let dimensionBytes = bmcBytes + 9 + utf8Bytes(c.id);
    if (system) {
      dimensions.push({ Name: "system", Value: system });
      dimensionBytes += 6 + utf8Bytes(system);
    }
    if (model) {
      dimensions.push({ Name: "model", Value: model });
      dimensionBytes += 5 + utf8Bytes(model);
    }
    points.push(point("components", dimensions, dimensionBytes, c.kind, measures));
  }
  return points;
}

/**
 * Size of a record as we account it against the 2 KB limit and the 1 KB write unit: the UTF-8
 * bytes of every dimension name and value (environment and cluster included), the measure
 * name, every measure name and value, plus 8 bytes each for time and version.
 */
export function pointBytes(point: SinkPoint): number {
  return point.bytes;
}

/** A point Timestream would reject for its size: dead-lettered locally, no round trip. */
export function oversizeReason(point: SinkPoint): string | undefined {
  const bytes = point.bytes;
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
  readonly Records: readonly WireRecord[];
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
        Records: chunk.map((p) => p.record),
        points: chunk,
      });
    }
  }
  return requests;
}
