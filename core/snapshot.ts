/**
 * The BMC snapshot contract (docs/snapshot-contract.md): one document per BMC per poll.
 * It is the Kinesis record the redfish-poller writes, the input of telemetry-ingest and the
 * output of `fleetwatch probe --json`. Field names are the contract: add fields, never rename.
 *
 * Pure module: zod only, no SDK.
 */
import { z } from "zod";

export const SNAPSHOT_SCHEMA_ID = "fleetwatch.bmc-snapshot.v1";

export const HealthSchema = z.enum(["OK", "Warning", "Critical"]);
export type Health = z.infer<typeof HealthSchema>;

export const SnapshotStatusSchema = z.enum(["ok", "partial", "unreachable", "auth_failed", "error"]);
export type SnapshotStatus = z.infer<typeof SnapshotStatusSchema>;

const finite = z.number().finite();
const count = z.number().int().nonnegative();

export const GpuComponentSchema = z.looseObject({
  kind: z.literal("gpu"),
  id: z.string().min(1),
  system: z.string().optional(),
  name: z.string().optional(),
  health: HealthSchema.optional(),
  temperatureC: finite.optional(),
  powerW: finite.nonnegative().optional(),
  powerLimitW: finite.positive().optional(),
  throttled: z.boolean().optional(),
  throttleReasons: z.array(z.string()).optional(),
  eccCorrectable: count.optional(),
  eccUncorrectable: count.optional(),
  /** Degrees left before the GPU throttles (a ReadingBasis "Headroom" sensor), not a temperature. */
  thermalHeadroomC: finite.optional(),
  /** NVIDIA: the SRAM ECC error count passed the GPU's retirement threshold. */
  sramEccThresholdExceeded: z.boolean().optional(),
  /** NVIDIA: an HBM row could not be remapped (the GPU needs replacing). */
  rowRemappingFailed: z.boolean().optional(),
  /** NVIDIA: rows remapped because of uncorrectable errors (proves at least that many). */
  rowRemapUncorrectable: count.optional(),
  /** Chassis the GPU was found in (vendor device lists, thermal-only GPUs). */
  chassis: z.string().optional(),
});

export const FanComponentSchema = z.looseObject({
  kind: z.literal("fan"),
  id: z.string().min(1),
  health: HealthSchema.optional(),
  rpm: finite.nonnegative().optional(),
  percent: finite.nonnegative().optional(),
  failed: z.boolean(),
  chassis: z.string().optional(),
});

export const TemperatureComponentSchema = z.looseObject({
  kind: z.literal("temperature"),
  id: z.string().min(1),
  health: HealthSchema.optional(),
  temperatureC: finite,
  upperCautionC: finite.optional(),
  upperCriticalC: finite.optional(),
  physicalContext: z.string().optional(),
  chassis: z.string().optional(),
});

export const PsuComponentSchema = z.looseObject({
  kind: z.literal("psu"),
  id: z.string().min(1),
  health: HealthSchema.optional(),
  powerW: finite.nonnegative().optional(),
  chassis: z.string().optional(),
});

export const ChassisComponentSchema = z.looseObject({
  kind: z.literal("chassis"),
  id: z.string().min(1),
  health: HealthSchema.optional(),
  powerW: finite.nonnegative().optional(),
  powerLimitW: finite.positive().optional(),
  capped: z.boolean().optional(),
});

export const ComponentSchema = z.discriminatedUnion("kind", [
  GpuComponentSchema,
  FanComponentSchema,
  TemperatureComponentSchema,
  PsuComponentSchema,
  ChassisComponentSchema,
]);

export const BmcSnapshotSchema = z.looseObject({
  schema: z.literal(SNAPSHOT_SCHEMA_ID),
  environment: z.string().min(1),
  cluster: z.string().min(1),
  bmc: z.string().min(1),
  collectedAt: z.iso.datetime(),
  durationMs: finite.nonnegative(),
  requests: count,
  status: SnapshotStatusSchema,
  errors: z.array(z.string()),
  components: z.array(ComponentSchema),
  /** What a person should look at, one line each (failed fan, hot GPU, PSU fault, power at cap). */
  problems: z.array(z.string()).optional(),
  /** True when this poll re-read the BMC's resource map (first poll, or the map went stale). */
  discovered: z.boolean().optional(),
  /** TelemetryService metric reports the poll relied on (used) or set aside, and why (docs/redfish.md). */
  metricReports: z.array(z.object({ report: z.string(), used: z.boolean(), reason: z.string().optional() })).optional(),
});

export type GpuComponent = z.infer<typeof GpuComponentSchema>;
export type FanComponent = z.infer<typeof FanComponentSchema>;
export type TemperatureComponent = z.infer<typeof TemperatureComponentSchema>;
export type PsuComponent = z.infer<typeof PsuComponentSchema>;
export type ChassisComponent = z.infer<typeof ChassisComponentSchema>;
export type Component = z.infer<typeof ComponentSchema>;
export type BmcSnapshot = z.infer<typeof BmcSnapshotSchema>;
