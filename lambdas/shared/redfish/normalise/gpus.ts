/**
 * The GPUs of one BMC: Systems/{id}/Processors of ProcessorType GPU, then vendor device lists
 * (HPE Chassis/N/Devices), one component per physical GPU; and the chassis temperature
 * entries that name a GPU, given to that GPU.
 */

import type { GpuComponent, TemperatureComponent } from "../../../../core/snapshot";
import { firstOfEachDevice } from "../device-identity";
import { isGpuDevice, isGpuProcessor, memberIds } from "../links";
import { at, canonicalId, type JsonObject, lastSegment, linkOf, linksOf, obj, str } from "../odata";
import type { ResourceStore } from "../resource-store";
import { gpuEccOf } from "./ecc";
import { controlSetPoint, powerControlsOf } from "./power";
import { sensorsOf } from "./sensors";
import type { ChassisTemperature } from "./temperatures";
import { type ThrottleCounters, throttleOf } from "./throttle";
import { byId, celsius, first, healthOf, isPresent, membersOf, nonNegative } from "./values";

/** A GPU while the chassis are still being read. */
export interface GpuDraft {
  component: GpuComponent;
  /** Index used to match chassis-level GPU temperature entries ("GPU 3"). */
  index?: number;
  /** Chassis the GPU belongs to (by link, same id, or the device list it came from). */
  chassis: Set<string>;
}

export interface GpuDrafts {
  readonly gpus: GpuDraft[];
  /** Throttle-duration counters read this poll, per GPU (the next poll's `previous`). */
  readonly throttleCounters: ThrottleCounters;
  /** Sensors already used as a GPU's own reading: not chassis readings as well. */
  readonly consumedSensors: Set<string>;
}

type GpuCandidate =
  | { from: "processor"; scope: string; id: string; doc: JsonObject; systemId: string; systemName: string; systemChassis: string[] }
  | { from: "device"; scope: string; id: string; doc: JsonObject; chassisId: string; chassis?: JsonObject };

function trailingNumber(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /(\d{1,3})\D*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * One physical GPU is reported once (device-identity.ts): the same @odata.id (HGX lists the
 * baseboard's GPUs from System_0), or the same real serial/UUID/location. Placeholder or
 * repeated values never merge. First System in id order wins.
 */
export function gpusOf(
  store: ResourceStore,
  systemIds: readonly string[],
  chassisIds: readonly string[],
  previousThrottle: ThrottleCounters | undefined,
): GpuDrafts {
  const candidates: GpuCandidate[] = [];
  for (const systemId of systemIds) {
    const system = store.get(systemId);
    if (!system) continue;
    const systemName = str(system.Id) ?? lastSegment(systemId);
    const systemChassis = linksOf(at(system, "Links", "Chassis"));
    for (const processorId of membersOf(store, system.Processors)) {
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
  const drafts: GpuDrafts = { gpus: [], throttleCounters: {}, consumedSensors: new Set() };
  for (const [i, c] of candidates.entries()) {
    if (!keep[i]) continue;
    drafts.gpus.push(c.from === "processor" ? gpuFromProcessor(store, c, previousThrottle, drafts) : gpuFromDevice(c));
  }
  return drafts;
}

function gpuFromDevice(c: Extract<GpuCandidate, { from: "device" }>): GpuDraft {
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
  return { component, index: slot ? Number(slot[1]) : trailingNumber(str(device.Id)), chassis: new Set([c.chassisId]) };
}

function gpuFromProcessor(
  store: ResourceStore,
  c: Extract<GpuCandidate, { from: "processor" }>,
  previousThrottle: ThrottleCounters | undefined,
  drafts: GpuDrafts,
): GpuDraft {
  const { doc: processor, id: ownId, systemName, systemId, systemChassis } = c;
  const metrics = store.get(linkOf(processor.Metrics));
  const env = store.get(linkOf(processor.EnvironmentMetrics));
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
  for (const s of [sensorTemp, sensorPower, headroomSensor]) if (s) drafts.consumedSensors.add(s.uri);
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

  const throttle = throttleOf({ processor, metrics, headroom: headroomSensor?.reading, previous: previousThrottle?.[ownId] });
  if (Object.keys(throttle.counters).length) drafts.throttleCounters[ownId] = throttle.counters;
  const ecc = gpuEccOf(store, processor, metrics, memories);

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
    eccCorrectable: ecc.eccCorrectable,
    eccUncorrectable: ecc.eccUncorrectable,
    thermalHeadroomC: headroomSensor?.reading,
    sramEccThresholdExceeded: ecc.sramEccThresholdExceeded,
    rowRemappingFailed: ecc.rowRemappingFailed,
    rowRemapUncorrectable: ecc.rowRemapUncorrectable,
  };
  const chassis = new Set<string>([...ownChassisIds, ...systemChassis, `system:${systemId}`, `name:${systemName}`]);
  return { component, index: trailingNumber(str(processor.Id) ?? lastSegment(ownId)), chassis };
}

export interface PlacedTemperatures {
  /** Readings that are not a GPU's (or name a GPU this BMC does not list). */
  readonly temperatures: TemperatureComponent[];
  /** GPUs this BMC shows only as thermal entries. */
  readonly thermalOnlyGpus: GpuComponent[];
}

/**
 * GPU temperature entries at chassis level ("62-GPU 1", "gpu0 Temperature") go to their GPU,
 * matched by index among the GPUs of this chassis (by link, linked System or same name).
 */
export function placeGpuTemperatures(
  gpus: readonly GpuDraft[],
  chassis: JsonObject,
  chassisId: string,
  chassisName: string,
  chassisTemps: readonly ChassisTemperature[],
): PlacedTemperatures {
  const placed: PlacedTemperatures = { temperatures: [], thermalOnlyGpus: [] };
  const linkedSystems = new Set(linksOf(at(chassis, "Links", "ComputerSystems")));
  const candidates = gpus.filter(
    (g) => g.chassis.has(chassisId) || [...linkedSystems].some((s) => g.chassis.has(`system:${s}`)) || g.chassis.has(`name:${chassisName}`),
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
        placed.thermalOnlyGpus.push({ kind: "gpu", id: t.id, temperatureC: t.reading, health: t.component.health, chassis: chassisName });
        continue;
      }
    }
    placed.temperatures.push(t.component);
  }
  return placed;
}
