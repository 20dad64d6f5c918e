/**
 * Redfish resources -> the components of a BMC snapshot (core/snapshot.ts).
 *
 * Works on a ResourceStore (whatever one poll managed to read), so it never does I/O and never
 * throws on hostile input. The rules of docs/redfish.md ("Normalisation") are enforced here:
 *  - Absent/Disabled/offline sensors are not readings (iLO reports them as 0).
 *  - A missing value is omitted, never 0; a disabled control or a SetPoint <= 0 is "no cap".
 *  - ReadingBasis "Headroom" sensors are margins to throttling, never temperatures.
 *  - One GPU seen under two Systems is reported once; one source per value, in the fixed order
 *    documented in docs/redfish.md (the SOURCE ORDER comments below are that order).
 *  - Both schema generations (Thermal/Power and ThermalSubsystem/PowerSubsystem/Sensors/
 *    Controls/EnvironmentMetrics) and vendor GPU devices are understood.
 */

import { GPU_TEMPERATURE_DEFAULTS_C, POWER_CAP_MARGIN_PERCENT } from "../../../core/constants";
import type { Component, FanComponent, GpuComponent, Health, PsuComponent, TemperatureComponent } from "../../../core/snapshot";
import { firstOfEachDevice } from "./device-identity";
import { durationSeconds } from "./iso-duration";
import { isGpuDevice, isGpuProcessor, memberIds } from "./links";
import { arr, at, canonicalId, isObject, type JsonObject, lastSegment, linkOf, linksOf, num, obj, SERVICE_ROOT, str } from "./odata";
import type { ResourceStore } from "./resource-store";

/** Throttle-duration counters per GPU from the previous poll, to see which ones grew. */
export type ThrottleCounters = Record<string, Record<string, number>>;

export interface NormaliseOptions {
  readonly previousThrottle?: ThrottleCounters;
  /** Share of the power cap at which a chassis counts as capped (default: within POWER_CAP_MARGIN_PERCENT). */
  readonly capThreshold?: number;
  /** GPU temperature above which a problem is listed (default: the catalog's critical level; the poller passes the environment's). */
  readonly gpuHotC?: number;
}

export interface Normalised {
  readonly components: Component[];
  /** What a person should look at: failed fans, hot or throttled GPUs, ECC, PSU faults, power at cap. */
  readonly problems: string[];
  readonly throttleCounters: ThrottleCounters;
}

/** States in which a sensor's value is not a reading (DSP0268 Resource.State). */
const NOT_PRESENT = new Set(["Absent", "Disabled", "UnavailableOffline", "StandbyOffline"]);
/** NVIDIA throttle "reasons" that mean "not throttled". */
const NOT_THROTTLING = new Set(["na", "none", "gpuidle", "applicationsclockssetting", "displayclocksetting", ""]);

export function healthOf(doc: unknown): Health | undefined {
  const h = str(at(doc, "Status", "Health"));
  if (!h) return undefined;
  const key = h.toLowerCase();
  if (key === "ok") return "OK";
  if (key === "warning") return "Warning";
  if (key === "critical") return "Critical";
  return undefined;
}

export function isPresent(doc: unknown): boolean {
  const state = str(at(doc, "Status", "State"));
  return state === undefined || !NOT_PRESENT.has(state);
}

/** A non-negative integer count, or undefined (negative, fractional junk and NaN are not counts). */
function count(value: unknown): number | undefined {
  const n = num(value);
  if (n === undefined || n < 0 || n > Number.MAX_SAFE_INTEGER) return undefined;
  return Math.floor(n);
}

function nonNegative(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n >= 0 ? n : undefined;
}

function positive(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n > 0 ? n : undefined;
}

/** Temperatures outside this range are sensor garbage (e.g. 0x7FFF), not readings. */
function celsius(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n > -100 && n < 250 ? n : undefined;
}

function first<T>(...values: (T | undefined)[]): T | undefined {
  for (const v of values) if (v !== undefined) return v;
  return undefined;
}

function sumDefined(values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? defined.reduce((a, b) => a + b, 0) : undefined;
}

function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- sensors (new generation)

type SensorKind = "temperature" | "headroom" | "power" | "fanPercent" | "fanRpm" | "other";

interface SensorReading {
  readonly id: string;
  readonly uri: string;
  readonly name: string;
  readonly kind: SensorKind;
  readonly reading: number;
  readonly physicalContext?: string;
  readonly health?: Health;
  readonly upperCaution?: number;
  readonly upperCritical?: number;
  readonly lowerCritical?: number;
}

function sensorKind(doc: JsonObject): SensorKind {
  const type = str(doc.ReadingType)?.toLowerCase();
  const units = str(doc.ReadingUnits)?.toLowerCase();
  const temperature = type === "temperature" || (!type && (units === "cel" || units === "°c"));
  if (temperature) return str(doc.ReadingBasis)?.toLowerCase() === "headroom" ? "headroom" : "temperature";
  if (type === "power" || (!type && units === "w")) return "power";
  if (type === "rotational" || (!type && units === "rpm") || units === "rpm") return "fanRpm";
  if (type === "percent" && str(doc.PhysicalContext) === "Fan") return "fanPercent";
  return "other";
}

/** A sensor the normaliser can publish (temperature, headroom, power, fan): the others need not be polled. */
export function isUsedSensor(doc: unknown): boolean {
  return isObject(doc) && sensorKind(doc) !== "other";
}

function thresholdOf(doc: unknown, name: string): number | undefined {
  return num(at(doc, "Thresholds", name, "Reading"));
}

function readSensor(uri: string, doc: JsonObject): SensorReading | undefined {
  if (!isPresent(doc)) return undefined;
  const kind = sensorKind(doc);
  const reading = kind === "temperature" ? celsius(doc.Reading) : num(doc.Reading);
  if (reading === undefined) return undefined;
  const id = str(doc.Id) ?? lastSegment(uri);
  return {
    id,
    uri,
    name: str(doc.Name) ?? id,
    kind,
    reading,
    physicalContext: str(doc.PhysicalContext),
    health: healthOf(doc),
    upperCaution: thresholdOf(doc, "UpperCaution"),
    upperCritical: first(thresholdOf(doc, "UpperCritical"), thresholdOf(doc, "UpperFatal")),
    lowerCritical: first(thresholdOf(doc, "LowerCritical"), thresholdOf(doc, "LowerFatal")),
  };
}

// ---------------------------------------------------------------- GPU index matching

/** "62-GPU 1" -> 1, "gpu0 Temperature" -> 0, "GPU_SXM_3" -> 3; "gpubrd1", "GPU Zone" -> undefined. */
export function gpuIndexInName(name: string): number | undefined {
  const m = /(?:^|[^a-z])gpu(?:[\s_-]*(?:sxm|oam|slot)?[\s_-]*)(\d{1,3})(?!\d)/i.exec(name);
  return m ? Number(m[1]) : undefined;
}

function trailingNumber(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /(\d{1,3})\D*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

// ---------------------------------------------------------------- throttling

interface ThrottleInput {
  readonly key: string;
  readonly processor: JsonObject;
  readonly metrics?: JsonObject;
  readonly headroom?: number;
  readonly previous?: Record<string, number>;
}

interface ThrottleResult {
  readonly throttled?: boolean;
  readonly reasons: string[];
  readonly counters: Record<string, number>;
}

function throttleOf(input: ThrottleInput): ThrottleResult {
  const { processor, metrics, previous } = input;
  const reasons = new Set<string>();
  let evidence = false;
  const explicit = first(processor.Throttled, metrics?.Throttled);
  if (typeof explicit === "boolean") {
    evidence = true;
    if (explicit) reasons.add("Throttled");
  }
  for (const cause of [...arr(processor.ThrottleCauses), ...arr(metrics?.ThrottleCauses)]) {
    const c = str(cause);
    if (c) {
      evidence = true;
      reasons.add(c);
    }
  }
  const nvidiaReasons = first(at(metrics, "Oem", "Nvidia", "ThrottleReasons"), at(processor, "Oem", "Nvidia", "ThrottleReasons"));
  if (Array.isArray(nvidiaReasons)) {
    evidence = true;
    for (const r of nvidiaReasons) {
      const reason = str(r);
      if (reason && !NOT_THROTTLING.has(reason.toLowerCase())) reasons.add(reason);
    }
  }
  const counters: Record<string, number> = {};
  const durations: [string, unknown][] = [
    ["PowerLimit", metrics?.PowerLimitThrottleDuration],
    ["ThermalLimit", metrics?.ThermalLimitThrottleDuration],
    ["HardwareViolation", at(metrics, "Oem", "Nvidia", "HardwareViolationThrottleDuration")],
    ["SoftwareViolation", at(metrics, "Oem", "Nvidia", "GlobalSoftwareViolationThrottleDuration")],
  ];
  for (const [reason, raw] of durations) {
    const seconds = durationSeconds(raw);
    if (seconds === undefined) continue;
    evidence = true;
    counters[reason] = seconds;
    const before = previous?.[reason];
    // A counter that grew since the last poll means throttling happened in between; a reset
    // (smaller value: driver reload, BMC reboot) means nothing.
    if (before !== undefined && seconds > before) reasons.add(reason);
  }
  const margin = num(metrics?.ThrottlingCelsius);
  if (margin !== undefined) {
    evidence = true;
    if (margin <= 0) reasons.add("ThermalMargin");
  }
  if (input.headroom !== undefined) {
    evidence = true;
    if (input.headroom <= 0) reasons.add("ThermalMargin");
  }
  const list = [...reasons].sort(byId);
  return { throttled: evidence ? list.length > 0 : undefined, reasons: list, counters };
}

// ---------------------------------------------------------------- ECC

interface EccCounts {
  correctable?: number;
  uncorrectable?: number;
}

function lifetimeCounts(block: unknown): EccCounts {
  // SOURCE ORDER (ECC): LifeTime counters, else CurrentPeriod.
  const life = obj(at(block, "LifeTime"));
  const current = obj(at(block, "CurrentPeriod"));
  return {
    correctable: first(count(life?.CorrectableECCErrorCount), count(current?.CorrectableECCErrorCount)),
    uncorrectable: first(count(life?.UncorrectableECCErrorCount), count(current?.UncorrectableECCErrorCount)),
  };
}

// ---------------------------------------------------------------- the normaliser

interface GpuDraft {
  component: GpuComponent;
  /** Index used to match chassis-level GPU temperature entries ("GPU 3"). */
  index?: number;
  /** Chassis the GPU belongs to (by link, same id, or the device list it came from). */
  chassis: Set<string>;
}

interface ChassisTemperature {
  readonly id: string;
  readonly reading: number;
  readonly gpuIndex?: number;
  readonly gpuContext: boolean;
  readonly component: TemperatureComponent;
}

export function normaliseBmc(store: ResourceStore, options: NormaliseOptions = {}): Normalised {
  const capThreshold = options.capThreshold ?? 1 - POWER_CAP_MARGIN_PERCENT / 100;
  const gpuHotC = options.gpuHotC ?? GPU_TEMPERATURE_DEFAULTS_C.critical;
  const problems: string[] = [];
  const throttleCounters: ThrottleCounters = {};
  const root = store.get(SERVICE_ROOT);
  const chassisIds = [...new Set(memberIds(store.get(linkOf(at(root, "Chassis"))) ?? {}))].sort(byId);
  const systemIds = [...new Set(memberIds(store.get(linkOf(at(root, "Systems"))) ?? {}))].sort(byId);

  // ---- GPUs: Systems/*/Processors (ProcessorType GPU), then vendor device lists (HPE Chassis/N/Devices).
  // One physical GPU is reported once (device-identity.ts): the same @odata.id (HGX lists the
  // baseboard's GPUs from System_0), or the same real serial/UUID/location. Placeholder or
  // repeated values never merge. First System in id order wins.
  const gpus: GpuDraft[] = [];
  const consumedSensors = new Set<string>();
  type GpuCandidate =
    | { from: "processor"; scope: string; id: string; doc: JsonObject; systemId: string; systemName: string; systemChassis: string[] }
    | { from: "device"; scope: string; id: string; doc: JsonObject; chassisId: string; chassis?: JsonObject };
  const candidates: GpuCandidate[] = [];
  for (const systemId of systemIds) {
    const system = store.get(systemId);
    if (!system) continue;
    const systemName = str(system.Id) ?? lastSegment(systemId);
    const systemChassis = linksOf(at(system, "Links", "Chassis"));
    for (const processorId of memberIds(store.get(linkOf(system.Processors)) ?? {}).sort(byId)) {
      const processor = store.get(processorId);
      if (!processor || !isGpuProcessor(processor) || !isPresent(processor)) continue;
      const id = linkOf(processor) ?? canonicalId(processorId);
      candidates.push({ from: "processor", scope: `system:${systemId}`, id, doc: processor, systemId, systemName, systemChassis });
    }
  }
  for (const chassisId of chassisIds) {
    const chassis = store.get(chassisId);
    const oem = obj(chassis?.Oem);
    if (!oem) continue;
    for (const vendor of Object.values(oem)) {
      const devicesId = linkOf(at(vendor, "Links", "Devices")) ?? linkOf(at(vendor, "Devices"));
      for (const deviceId of memberIds(store.get(devicesId) ?? {}).sort(byId)) {
        const device = store.get(deviceId);
        if (!device || !isGpuDevice(device) || !isPresent(device)) continue;
        candidates.push({ from: "device", scope: `chassis:${chassisId}`, id: linkOf(device) ?? deviceId, doc: device, chassisId, chassis });
      }
    }
  }
  const keep = firstOfEachDevice(candidates.map((c) => [c.scope, c.id, c.doc] as const));
  for (const [i, c] of candidates.entries()) {
    if (!keep[i]) continue;
    if (c.from === "processor") {
      gpus.push(
        gpuFromProcessor(store, c.doc, c.id, c.systemName, c.systemId, c.systemChassis, options, throttleCounters, consumedSensors),
      );
      continue;
    }
    const device = c.doc;
    const location = str(device.Location) ?? str(at(device, "Location", "PartLocation", "ServiceLabel"));
    const slot = location ? /slot\s*(\d+)/i.exec(location) : null;
    const component: GpuComponent = {
      kind: "gpu",
      id: location ?? `Device ${str(device.Id) ?? lastSegment(c.id)}`,
      name: str(device.Name) ?? str(device.Model),
      health: healthOf(device),
      chassis: str(c.chassis?.Id) ?? lastSegment(c.chassisId),
    };
    gpus.push({ component, index: slot ? Number(slot[1]) : trailingNumber(str(device.Id)), chassis: new Set([c.chassisId]) });
  }

  // ---- Chassis: temperatures, fans, PSUs, power against the cap
  const temperatures: TemperatureComponent[] = [];
  const fans: FanComponent[] = [];
  const psus: PsuComponent[] = [];
  const chassisComponents: Component[] = [];
  const thermalOnlyGpus: GpuComponent[] = [];
  for (const chassisId of chassisIds) {
    const chassis = store.get(chassisId);
    if (!chassis) continue;
    const chassisName = str(chassis.Id) ?? lastSegment(chassisId);
    const sensors = sensorsOf(store, chassis).filter((s) => !consumedSensors.has(s.uri));
    const chassisTemps = temperaturesOf(store, chassis, sensors, chassisName);

    // GPU temperature entries at chassis level ("62-GPU 1", "gpu0 Temperature") go to their GPU.
    const linkedSystems = new Set(linksOf(at(chassis, "Links", "ComputerSystems")));
    const candidates = gpus.filter(
      (g) =>
        g.chassis.has(chassisId) || [...linkedSystems].some((s) => g.chassis.has(`system:${s}`)) || g.chassis.has(`name:${chassisName}`),
    );
    const pool = candidates.length
      ? candidates
      : gpus.filter((g) => [...g.chassis].every((c) => c.startsWith("system:") || c.startsWith("name:")));
    for (const t of chassisTemps) {
      if (t.gpuIndex !== undefined || t.gpuContext) {
        const match = t.gpuIndex !== undefined ? pool.find((g) => g.index === t.gpuIndex) : pool.length === 1 ? pool[0] : undefined;
        if (match) {
          // SOURCE ORDER (GPU temperature): the GPU's own resources first; a chassis entry only fills a gap.
          if (match.component.temperatureC === undefined) match.component.temperatureC = t.reading;
          continue;
        }
        if (gpus.length === 0) {
          // This BMC shows GPUs only as thermal entries: each is a GPU we know nothing else about.
          thermalOnlyGpus.push({ kind: "gpu", id: t.id, temperatureC: t.reading, health: t.component.health, chassis: chassisName });
          continue;
        }
      }
      temperatures.push(t.component);
    }
    fans.push(...fansOf(store, chassis, sensors, chassisName, chassisId));
    psus.push(...psusOf(store, chassis, chassisName, chassisId));
    const power = chassisPowerOf(store, chassis, sensors);
    const capped =
      power.powerW !== undefined && power.powerLimitW !== undefined ? power.powerW >= power.powerLimitW * capThreshold : undefined;
    chassisComponents.push({
      kind: "chassis",
      id: chassisName,
      health: healthOf(chassis),
      powerW: power.powerW,
      powerLimitW: power.powerLimitW,
      capped,
    });
    if (capped && power.powerW !== undefined && power.powerLimitW !== undefined) {
      problems.push(`chassis ${chassisName}: drawing ${power.powerW} W of a ${power.powerLimitW} W cap`);
    }
  }

  const uniqueFans = onePerDevice(fans);
  const uniquePsus = onePerDevice(psus);
  const gpuComponents = [...gpus.map((g) => g.component), ...thermalOnlyGpus];
  for (const gpu of gpuComponents) {
    const label = gpu.system ? `${gpu.system}/${gpu.id}` : gpu.id;
    if (gpu.health && gpu.health !== "OK") problems.push(`GPU ${label}: health ${gpu.health}`);
    if (gpu.temperatureC !== undefined && gpu.temperatureC > gpuHotC) problems.push(`GPU ${label}: ${gpu.temperatureC} °C`);
    if (gpu.throttled) problems.push(`GPU ${label}: throttled (${(gpu.throttleReasons ?? []).join(", ")})`);
    if ((gpu.eccUncorrectable ?? 0) > 0) problems.push(`GPU ${label}: ${gpu.eccUncorrectable} uncorrectable ECC error(s)`);
    if (gpu.sramEccThresholdExceeded) problems.push(`GPU ${label}: SRAM ECC error threshold exceeded`);
    if (gpu.rowRemappingFailed) problems.push(`GPU ${label}: HBM row remapping failed`);
  }
  for (const fan of uniqueFans) if (fan.failed) problems.push(`fan ${fan.id}: failed (${describeFan(fan)})`);
  for (const psu of uniquePsus) if (psu.health && psu.health !== "OK") problems.push(`PSU ${psu.id}: health ${psu.health}`);

  const components = uniqueIds([...gpuComponents, ...temperatures, ...uniqueFans, ...uniquePsus, ...chassisComponents]).map(dropUndefined);
  return { components, problems, throttleCounters };
}

function describeFan(fan: FanComponent): string {
  const parts = [fan.health ? `health ${fan.health}` : undefined, fan.rpm !== undefined ? `${fan.rpm} RPM` : undefined];
  if (fan.percent !== undefined) parts.push(`${fan.percent} %`);
  return parts.filter(Boolean).join(", ") || "no reading";
}

/** Ids must be unique per kind within a snapshot: prefix the chassis when two chassis reuse a name. */
function uniqueIds(components: Component[]): Component[] {
  const seen = new Map<string, number>();
  for (const c of components) seen.set(`${c.kind}:${c.id}`, (seen.get(`${c.kind}:${c.id}`) ?? 0) + 1);
  const used = new Set<string>();
  return components.map((c) => {
    let id = c.id;
    const scope = typeof c.chassis === "string" ? c.chassis : typeof c.system === "string" ? c.system : undefined;
    if ((seen.get(`${c.kind}:${c.id}`) ?? 0) > 1 && scope) id = `${scope}/${c.id}`;
    let unique = id;
    for (let n = 2; used.has(`${c.kind}:${unique}`); n++) unique = `${id}#${n}`;
    used.add(`${c.kind}:${unique}`);
    return unique === c.id ? c : { ...c, id: unique };
  });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function gpuFromProcessor(
  store: ResourceStore,
  processor: JsonObject,
  ownId: string,
  systemName: string,
  systemId: string,
  systemChassis: string[],
  options: NormaliseOptions,
  throttleCounters: ThrottleCounters,
  consumedSensors: Set<string>,
): GpuDraft {
  const metrics = store.get(linkOf(processor.Metrics));
  const env = store.get(linkOf(processor.EnvironmentMetrics));
  const summaryMetrics = store.get(linkOf(at(processor, "MemorySummary", "Metrics")));
  const memories = linksOf(at(processor, "Links", "Memory"))
    .map((id) => store.get(id))
    .filter((m): m is JsonObject => m !== undefined && isPresent(m));
  const ownChassisIds = linksOf(at(processor, "Links", "Chassis"));
  // Sensors in the GPU's own chassis (NVIDIA HGX_GPU_n) belong to this GPU when PhysicalContext says GPU.
  const ownSensors = ownChassisIds
    .flatMap((id) => sensorsOf(store, store.get(id)))
    .filter((s) => s.physicalContext === undefined || s.physicalContext === "GPU")
    .sort((a, b) => byId(a.id, b.id));
  const sensorTemp = ownSensors.find((s) => s.kind === "temperature");
  const sensorPower = ownSensors.find((s) => s.kind === "power");
  const headroomSensor = ownSensors.find((s) => s.kind === "headroom");
  for (const s of [sensorTemp, sensorPower, headroomSensor]) if (s) consumedSensors.add(s.uri);
  const ownChassisEnv = ownChassisIds.map((id) => store.get(linkOf(at(store.get(id), "EnvironmentMetrics")))).find((e) => e !== undefined);

  // SOURCE ORDER (GPU temperature): Processor EnvironmentMetrics.TemperatureCelsius ->
  // ProcessorMetrics.TemperatureCelsius -> a non-headroom temperature sensor in the GPU's chassis ->
  // (later) a chassis Thermal entry naming this GPU.
  const temperatureC = first(
    celsius(at(env, "TemperatureCelsius", "Reading")),
    celsius(metrics?.TemperatureCelsius),
    sensorTemp?.reading,
    celsius(at(ownChassisEnv, "TemperatureCelsius", "Reading")),
  );
  // SOURCE ORDER (GPU power): EnvironmentMetrics.PowerWatts -> ProcessorMetrics.ConsumedPowerWatt -> GPU power sensor.
  const powerW = first(
    nonNegative(at(env, "PowerWatts", "Reading")),
    nonNegative(metrics?.ConsumedPowerWatt),
    sensorPower && sensorPower.reading >= 0 ? sensorPower.reading : undefined,
  );
  // SOURCE ORDER (GPU power limit): EnvironmentMetrics.PowerLimitWatts -> a Power control in the GPU's chassis.
  const ownControls = ownChassisIds.flatMap((id) => powerControlsOf(store, store.get(id)));
  const powerLimitW = first(controlSetPoint(at(env, "PowerLimitWatts")), ownControls[0]);

  const key = ownId;
  const throttle = throttleOf({ key, processor, metrics, headroom: headroomSensor?.reading, previous: options.previousThrottle?.[key] });
  if (Object.keys(throttle.counters).length) throttleCounters[key] = throttle.counters;

  // SOURCE ORDER (ECC): DRAM = the GPU's linked Memory MemoryMetrics (summed), else its
  // MemorySummary MemoryMetrics; SRAM = ProcessorMetrics.CacheMetricsTotal. Reported = DRAM + SRAM.
  const dram = memories.map((m) => lifetimeCounts(store.get(linkOf(m.Metrics))));
  const dramCorrectable = dram.length ? sumDefined(dram.map((d) => d.correctable)) : undefined;
  const dramUncorrectable = dram.length ? sumDefined(dram.map((d) => d.uncorrectable)) : undefined;
  const summary = lifetimeCounts(summaryMetrics);
  const sram = lifetimeCounts(at(metrics, "CacheMetricsTotal"));
  const memCorrectable = first(dramCorrectable, summary.correctable);
  const memUncorrectable = first(dramUncorrectable, summary.uncorrectable);
  const rowRemapUncorrectable = sumDefined(
    memories.map((m) => count(at(store.get(linkOf(m.Metrics)), "Oem", "Nvidia", "RowRemapping", "UncorrectableRowRemappingCount"))),
  );
  const eccCorrectable = sumDefined([memCorrectable, sram.correctable]);
  const counted = sumDefined([memUncorrectable, sram.uncorrectable]);
  // A row remapped for an uncorrectable error proves at least that many uncorrectable errors,
  // even when the counter itself was reset.
  const eccUncorrectable =
    counted === undefined && rowRemapUncorrectable === undefined ? undefined : Math.max(counted ?? 0, rowRemapUncorrectable ?? 0);
  const sramFlag = first(
    at(metrics, "Oem", "Nvidia", "SRAMECCErrorThresholdExceeded"),
    at(processor, "Oem", "Nvidia", "SRAMECCErrorThresholdExceeded"),
  );
  const rowRemappingFailed = memories.some((m) => at(m, "Oem", "Nvidia", "RowRemappingFailed") === true);

  const component: GpuComponent = {
    kind: "gpu",
    id: str(processor.Id) ?? lastSegment(ownId),
    system: systemName,
    name: str(processor.Model) ?? str(processor.Name),
    health: healthOf(processor),
    temperatureC,
    powerW,
    powerLimitW,
    throttled: throttle.throttled,
    throttleReasons: throttle.throttled === undefined ? undefined : throttle.reasons,
    eccCorrectable,
    eccUncorrectable,
    thermalHeadroomC: headroomSensor?.reading,
    sramEccThresholdExceeded: typeof sramFlag === "boolean" ? sramFlag : undefined,
    rowRemappingFailed: rowRemappingFailed || undefined,
    rowRemapUncorrectable,
  };
  const chassis = new Set<string>([...ownChassisIds, ...systemChassis, `system:${systemId}`, `name:${systemName}`]);
  return { component, index: trailingNumber(str(processor.Id) ?? lastSegment(ownId)), chassis };
}

function controlSetPoint(control: unknown): number | undefined {
  if (!isObject(control)) return undefined;
  // "Disabled" means no limit is enforced, whatever SetPoint says (often 0).
  if (str(control.ControlMode) === "Disabled") return undefined;
  if (!isPresent(control)) return undefined;
  return positive(control.SetPoint);
}

function powerControlsOf(store: ResourceStore, chassis: JsonObject | undefined): number[] {
  if (!chassis) return [];
  return memberIds(store.get(linkOf(chassis.Controls)) ?? {})
    .sort(byId)
    .map((id) => store.get(id))
    .filter((c): c is JsonObject => c !== undefined && str(c.ControlType) === "Power")
    .map(controlSetPoint)
    .filter((v): v is number => v !== undefined);
}

function sensorsOf(store: ResourceStore, chassis: JsonObject | undefined): SensorReading[] {
  if (!chassis) return [];
  const out: SensorReading[] = [];
  for (const id of memberIds(store.get(linkOf(chassis.Sensors)) ?? {}).sort(byId)) {
    const doc = store.get(id);
    const reading = doc ? readSensor(id, doc) : undefined;
    if (reading) out.push(reading);
  }
  return out;
}

function temperaturesOf(store: ResourceStore, chassis: JsonObject, sensors: SensorReading[], chassisName: string): ChassisTemperature[] {
  // SOURCE ORDER (chassis temperatures): Thermal.Temperatures -> ThermalSubsystem.ThermalMetrics ->
  // temperature Sensors. The first source with any reading is used alone for this chassis:
  // names differ between generations, so merging would double-count disagreeing values.
  const thermal = store.get(linkOf(chassis.Thermal));
  const fromThermal: ChassisTemperature[] = [];
  for (const [i, entry] of arr(thermal?.Temperatures).entries()) {
    if (!isObject(entry) || !isPresent(entry)) continue;
    const reading = celsius(first(entry.ReadingCelsius, entry.Reading));
    if (reading === undefined) continue;
    const id = str(entry.Name) ?? str(entry.MemberId) ?? `Temperature${i}`;
    fromThermal.push(
      chassisTemperature(
        id,
        reading,
        str(entry.PhysicalContext),
        healthOf(entry),
        num(entry.UpperThresholdNonCritical),
        first(num(entry.UpperThresholdCritical), num(entry.UpperThresholdFatal)),
        chassisName,
      ),
    );
  }
  if (fromThermal.length) return fromThermal;

  const thermalMetrics = store.get(linkOf(at(store.get(linkOf(chassis.ThermalSubsystem)), "ThermalMetrics")));
  const fromMetrics: ChassisTemperature[] = [];
  for (const [i, entry] of arr(thermalMetrics?.TemperatureReadingsCelsius).entries()) {
    if (!isObject(entry)) continue;
    const reading = celsius(entry.Reading);
    if (reading === undefined) continue;
    const source =
      typeof entry.DataSourceUri === "string" ? sensors.find((s) => s.uri === canonicalId(entry.DataSourceUri as string)) : undefined;
    if (source?.kind === "headroom") continue;
    const id = str(entry.DeviceName) ?? source?.name ?? `Temperature${i}`;
    fromMetrics.push(
      chassisTemperature(id, reading, source?.physicalContext, source?.health, source?.upperCaution, source?.upperCritical, chassisName),
    );
  }
  if (fromMetrics.length) return fromMetrics;

  return sensors
    .filter((s) => s.kind === "temperature")
    .map((s) => chassisTemperature(s.id, s.reading, s.physicalContext, s.health, s.upperCaution, s.upperCritical, chassisName, s.name));
}

function chassisTemperature(
  id: string,
  reading: number,
  physicalContext: string | undefined,
  health: Health | undefined,
  upperCautionC: number | undefined,
  upperCriticalC: number | undefined,
  chassis: string,
  name?: string,
): ChassisTemperature {
  const gpuIndex = gpuIndexInName(name ?? id) ?? (name ? gpuIndexInName(id) : undefined);
  return {
    id,
    reading,
    gpuIndex,
    gpuContext: physicalContext === "GPU",
    component: { kind: "temperature", id, health, temperatureC: reading, upperCautionC, upperCriticalC, physicalContext, chassis },
  };
}

function fanFailed(
  health: Health | undefined,
  rpm: number | undefined,
  percent: number | undefined,
  lowerCritical: number | undefined,
  unitIsRpm: boolean,
): boolean {
  if (health === "Warning" || health === "Critical") return true;
  const reading = unitIsRpm ? rpm : percent;
  if (reading !== undefined && lowerCritical !== undefined && reading < lowerCritical) return true;
  // A present fan that reports 0 is stopped.
  return rpm === 0 || percent === 0;
}

/** Where each fan/PSU component came from: [scope (chassis), document id, document], for the identity rule. */
const sourceOf = new WeakMap<Component, readonly [string, string, unknown]>();

function withSource<T extends Component>(component: T, chassisId: string, id: string, doc: unknown): T {
  sourceOf.set(component, [`chassis:${chassisId}`, id, doc]);
  return component;
}

/** One component per physical fan/PSU: a PSU listed under two chassis is the same PSU (device-identity.ts). */
function onePerDevice<T extends Component>(components: T[]): T[] {
  const sources = components.map((c, i) => sourceOf.get(c) ?? ([`component:${i}`, `component:${i}`, undefined] as const));
  const keep = firstOfEachDevice(sources);
  return components.filter((_, i) => keep[i]);
}

function fansOf(
  store: ResourceStore,
  chassis: JsonObject,
  sensors: SensorReading[],
  chassisName: string,
  chassisId: string,
): FanComponent[] {
  // SOURCE ORDER (fans): Thermal.Fans -> ThermalSubsystem/Fans -> fan Sensors.
  const thermal = store.get(linkOf(chassis.Thermal));
  const out: FanComponent[] = [];
  for (const [i, entry] of arr(thermal?.Fans).entries()) {
    if (!isObject(entry) || !isPresent(entry)) continue;
    const units = str(entry.ReadingUnits) ?? (entry.ReadingRPM !== undefined ? "RPM" : "RPM");
    const reading = nonNegative(first(entry.Reading, entry.ReadingRPM));
    const isRpm = units.toUpperCase() !== "PERCENT";
    const rpm = isRpm ? reading : undefined;
    const percent = isRpm ? undefined : reading;
    const health = healthOf(entry);
    const lowerCritical = first(num(entry.LowerThresholdCritical), num(entry.LowerThresholdFatal));
    const id = str(entry.Name) ?? str(entry.FanName) ?? str(entry.MemberId) ?? `Fan${i}`;
    const entryId = typeof entry["@odata.id"] === "string" ? entry["@odata.id"] : `${linkOf(chassis.Thermal)}#/Fans/${i}`;
    out.push(
      withSource(
        { kind: "fan", id, health, rpm, percent, failed: fanFailed(health, rpm, percent, lowerCritical, isRpm), chassis: chassisName },
        chassisId,
        entryId,
        entry,
      ),
    );
  }
  if (out.length) return out;

  const fanIds = memberIds(store.get(linkOf(at(store.get(linkOf(chassis.ThermalSubsystem)), "Fans"))) ?? {}).sort(byId);
  for (const id of fanIds) {
    const fan = store.get(id);
    if (!fan || !isPresent(fan)) continue;
    const speed = obj(fan.SpeedPercent);
    const percent = nonNegative(speed?.Reading);
    const rpm = nonNegative(first(speed?.SpeedRPM, fan.SpeedRPM));
    const source = typeof speed?.DataSourceUri === "string" ? store.get(speed.DataSourceUri) : undefined;
    const lowerCritical = first(thresholdOf(source, "LowerCritical"), thresholdOf(source, "LowerFatal"));
    const unitIsRpm = str(source?.ReadingUnits)?.toUpperCase() === "RPM";
    const health = healthOf(fan);
    out.push(
      withSource(
        {
          kind: "fan",
          id: str(fan.Id) ?? lastSegment(id),
          health,
          rpm,
          percent,
          failed: fanFailed(health, rpm, percent, lowerCritical, unitIsRpm),
          chassis: chassisName,
        },
        chassisId,
        linkOf(fan) ?? id,
        fan,
      ),
    );
  }
  if (out.length) return out;

  for (const s of sensors) {
    if (s.kind !== "fanRpm" && s.kind !== "fanPercent") continue;
    const isRpm = s.kind === "fanRpm";
    const rpm = isRpm && s.reading >= 0 ? s.reading : undefined;
    const percent = !isRpm && s.reading >= 0 ? s.reading : undefined;
    out.push({
      kind: "fan",
      id: s.id,
      health: s.health,
      rpm,
      percent,
      failed: fanFailed(s.health, rpm, percent, s.lowerCritical, isRpm),
      chassis: chassisName,
    });
  }
  return out;
}

function psusOf(store: ResourceStore, chassis: JsonObject, chassisName: string, chassisId: string): PsuComponent[] {
  // SOURCE ORDER (PSUs): Power.PowerSupplies -> PowerSubsystem/PowerSupplies (+ their Metrics).
  // PSU power: input watts (what it draws), else output watts.
  const power = store.get(linkOf(chassis.Power));
  const out: PsuComponent[] = [];
  const entries = arr(power?.PowerSupplies);
  const names = entries.map((e) => str(at(e, "Name")));
  for (const [i, entry] of entries.entries()) {
    if (!isObject(entry) || !isPresent(entry)) continue;
    const name = str(entry.Name);
    // iLO names every PSU "HpeServerPowerSupply": then the member id tells them apart.
    const duplicated = name !== undefined && names.filter((n) => n === name).length > 1;
    const id = name && !duplicated ? name : `${name ?? "PSU"} ${str(entry.MemberId) ?? i}`;
    const powerW = first(nonNegative(entry.PowerInputWatts), nonNegative(entry.LastPowerOutputWatts), nonNegative(entry.PowerOutputWatts));
    const entryId = typeof entry["@odata.id"] === "string" ? entry["@odata.id"] : `${linkOf(chassis.Power)}#/PowerSupplies/${i}`;
    out.push(withSource({ kind: "psu", id, health: healthOf(entry), powerW, chassis: chassisName }, chassisId, entryId, entry));
  }
  if (out.length) return out;
  const supplies = store.get(linkOf(at(store.get(linkOf(chassis.PowerSubsystem)), "PowerSupplies")));
  for (const id of memberIds(supplies ?? {}).sort(byId)) {
    const psu = store.get(id);
    if (!psu || !isPresent(psu)) continue;
    const metrics = store.get(linkOf(psu.Metrics));
    const powerW = first(nonNegative(at(metrics, "InputPowerWatts", "Reading")), nonNegative(at(metrics, "OutputPowerWatts", "Reading")));
    out.push(
      withSource(
        { kind: "psu", id: str(psu.Id) ?? lastSegment(id), health: healthOf(psu), powerW, chassis: chassisName },
        chassisId,
        linkOf(psu) ?? id,
        psu,
      ),
    );
  }
  return out;
}

function chassisPowerOf(store: ResourceStore, chassis: JsonObject, sensors: SensorReading[]): { powerW?: number; powerLimitW?: number } {
  const power = store.get(linkOf(chassis.Power));
  const env = store.get(linkOf(chassis.EnvironmentMetrics));
  const controls = arr(power?.PowerControl).filter(isObject);
  // The chassis-wide entry: PhysicalContext Chassis/Intake/absent, first in order.
  const main = controls.find((c) => {
    const ctx = str(c.PhysicalContext);
    return ctx === undefined || ctx === "Chassis" || ctx === "Intake" || ctx === "SystemBoard";
  });
  const totalSensor = sensors.find((s) => s.kind === "power" && (s.physicalContext === "Chassis" || /^total/i.test(s.id)));
  // SOURCE ORDER (chassis power): Power.PowerControl.PowerConsumedWatts -> EnvironmentMetrics.PowerWatts ->
  // a chassis-wide power Sensor.
  const powerW = first(
    nonNegative(main?.PowerConsumedWatts),
    nonNegative(at(env, "PowerWatts", "Reading")),
    totalSensor && totalSensor.reading >= 0 ? totalSensor.reading : undefined,
  );
  // SOURCE ORDER (power cap): PowerControl.PowerLimit.LimitInWatts -> Controls (ControlType Power) ->
  // EnvironmentMetrics.PowerLimitWatts. Null, <= 0 or ControlMode Disabled is "no cap".
  const legacyLimit = positive(at(main, "PowerLimit", "LimitInWatts"));
  const powerLimitW = first(legacyLimit, powerControlsOf(store, chassis)[0], controlSetPoint(at(env, "PowerLimitWatts")));
  return { powerW, powerLimitW };
}
