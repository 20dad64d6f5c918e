/**
 * TelemetryService metric reports as a source of GPU readings (docs/redfish.md, "Metric
 * reports"). A report (DSP0268 MetricReport) lists MetricValues, each naming the property it
 * samples with MetricProperty: a resource URI ("/redfish/v1/Chassis/HGX_GPU_0/Sensors/
 * HGX_GPU_0_TEMP_0", the sensor's Reading) or a URI with a JSON pointer ("…/ProcessorMetrics
 * #/PowerLimitThrottleDuration"). NVIDIA HGX baseboards publish every GPU's temperature, power
 * and throttle counters in one report (HGX_PlatformEnvironmentMetrics_0), where the poller
 * would otherwise read one resource per GPU.
 *
 * A GPU resource is "covered" by a report when every reading the normaliser takes from it (and
 * the resource had at discovery) is in the report. A covered resource is rebuilt from its
 * discovery copy with the report's values. A report is only a reading when it is fresh: its
 * newest timestamp within `maxAgeMs` of now and no covered value flagged stale
 * (Oem.Nvidia.MetricValueStale); otherwise the resources are read directly.
 * Pure module.
 */
import type { Role } from "./links";
import { arr, at, canonicalId, isObject, type JsonObject, str } from "./odata";

export interface ReportValue {
  readonly resource: string;
  /** JSON pointer segments inside the resource; [] = the sensor's Reading. */
  readonly path: readonly string[];
  readonly value?: number | string | boolean;
  readonly timestamp?: number;
  readonly stale: boolean;
}

export interface ParsedReport {
  readonly id: string;
  readonly values: ReportValue[];
  /** Newest timestamp in the report (its Timestamp, else the newest MetricValue's). */
  readonly timestamp?: number;
}

function parseValue(raw: unknown): number | string | boolean | undefined {
  if (typeof raw === "number" || typeof raw === "boolean")
    return Number.isFinite(raw as number) || typeof raw === "boolean" ? raw : undefined;
  const text = str(raw)?.trim();
  if (text === undefined || /^(nan|inf|-inf|null)$/i.test(text)) return undefined;
  const n = Number(text);
  return text !== "" && Number.isFinite(n) ? n : text;
}

export function parseReport(id: string, doc: unknown): ParsedReport {
  const values: ReportValue[] = [];
  let newest = Date.parse(str(at(doc, "Timestamp")) ?? "");
  for (const entry of arr(at(doc, "MetricValues"))) {
    if (!isObject(entry)) continue;
    const property = str(entry.MetricProperty);
    if (!property) continue;
    const hash = property.indexOf("#");
    const resource = canonicalId(hash >= 0 ? property.slice(0, hash) : property);
    const pointer = hash >= 0 ? property.slice(hash + 1) : "";
    const path = pointer.split("/").filter((p) => p !== "");
    const timestamp = Date.parse(str(entry.Timestamp) ?? "");
    if (Number.isFinite(timestamp) && !(newest >= timestamp)) newest = timestamp;
    values.push({
      resource,
      path,
      value: parseValue(entry.MetricValue),
      timestamp: Number.isFinite(timestamp) ? timestamp : undefined,
      stale: at(entry, "Oem", "Nvidia", "MetricValueStale") === true,
    });
  }
  return { id: canonicalId(id), values, timestamp: Number.isFinite(newest) ? newest : undefined };
}

/** The readings the normaliser takes from each GPU resource role (JSON pointer paths). */
const USED: Readonly<Partial<Record<Role, readonly (readonly string[])[]>>> = {
  sensor: [[]],
  environmentMetrics: [
    ["TemperatureCelsius", "Reading"],
    ["PowerWatts", "Reading"],
  ],
  processorMetrics: [
    ["TemperatureCelsius"],
    ["ConsumedPowerWatt"],
    ["Throttled"],
    ["PowerLimitThrottleDuration"],
    ["ThermalLimitThrottleDuration"],
    ["ThrottlingCelsius"],
    ["Oem", "Nvidia", "HardwareViolationThrottleDuration"],
    ["Oem", "Nvidia", "GlobalSoftwareViolationThrottleDuration"],
  ],
};

/** Roles a report may stand in for. */
const REPORTABLE_ROLES: ReadonlySet<Role> = new Set(Object.keys(USED) as Role[]);

const key = (path: readonly string[]) => path.join("/");

/** The paths of `doc` the report must carry for the report to replace reading `doc`. */
function neededPaths(role: Role, doc: JsonObject): string[] {
  const paths = USED[role] ?? [];
  if (role === "sensor") return [""];
  return paths.filter((p) => at(doc, ...p) !== undefined && at(doc, ...p) !== null).map(key);
}

/** Whether `report` carries every reading of the resource `id` (role, discovery copy `doc`). */
export function covers(report: ParsedReport, id: string, role: Role, doc: JsonObject): boolean {
  if (!REPORTABLE_ROLES.has(role)) return false;
  // Only readings the normaliser uses, and only when it would not also need the ones left out.
  if (role === "processorMetrics" && (at(doc, "ThrottleCauses") !== undefined || at(doc, "CacheMetricsTotal") !== undefined)) return false;
  if (role === "processorMetrics" && at(doc, "Oem", "Nvidia", "ThrottleReasons") !== undefined) return false;
  const needed = neededPaths(role, doc);
  if (!needed.length) return false;
  const have = new Set(report.values.filter((v) => v.resource === canonicalId(id)).map((v) => key(v.path)));
  return needed.every((p) => have.has(p) || (role === "sensor" && have.has("Reading")));
}

export type Freshness = { readonly fresh: true } | { readonly fresh: false; readonly reason: string };

/** A report is a reading only when recent and not flagged stale for what it stands in for. */
export function freshness(report: ParsedReport, resources: readonly string[], now: number, maxAgeMs: number): Freshness {
  if (report.timestamp === undefined) return { fresh: false, reason: "no timestamp" };
  if (now - report.timestamp > maxAgeMs) return { fresh: false, reason: `timestamp ${new Date(report.timestamp).toISOString()}` };
  const wanted = new Set(resources.map(canonicalId));
  const stale = report.values.find((v) => wanted.has(v.resource) && (v.stale || v.value === undefined));
  if (stale) return { fresh: false, reason: `value of ${stale.resource} flagged stale or not a number` };
  return { fresh: true };
}

/** The resource rebuilt from its discovery copy with the report's values (the newest per path). */
export function applyReport(report: ParsedReport, id: string, discovery: JsonObject): JsonObject {
  const doc = structuredClone(discovery);
  const latest = new Map<string, ReportValue>();
  for (const v of report.values) {
    if (v.resource !== canonicalId(id)) continue;
    const k = key(v.path.length ? v.path : ["Reading"]);
    const before = latest.get(k);
    if (!before || (v.timestamp ?? 0) >= (before.timestamp ?? 0)) latest.set(k, v);
  }
  for (const [k, v] of latest) {
    const path = k.split("/");
    let target: JsonObject = doc;
    for (const segment of path.slice(0, -1)) {
      if (!isObject(target[segment])) target[segment] = {};
      target = target[segment] as JsonObject;
    }
    target[path[path.length - 1]!] = v.value as JsonObject[string];
  }
  return doc;
}
