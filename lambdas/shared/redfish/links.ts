/**
 * Which Redfish links hold GPU, thermal, power and ECC telemetry, by the role of the resource
 * that carries them. The collector follows exactly these; everything else on a BMC (accounts,
 * logs, firmware, registries) is never requested.
 * Pure module.
 */
import { arr, at, isObject, linkOf, linksOf, str } from "./odata";

export type Role =
  | "root"
  | "chassisCollection"
  | "chassis"
  | "thermal"
  | "power"
  | "thermalSubsystem"
  | "thermalMetrics"
  | "fans"
  | "fan"
  | "powerSubsystem"
  | "powerSupplies"
  | "powerSupply"
  | "powerSupplyMetrics"
  | "sensors"
  | "sensor"
  | "controls"
  | "control"
  | "environmentMetrics"
  | "devices"
  | "device"
  | "systemCollection"
  | "system"
  | "processors"
  | "processor"
  | "processorMetrics"
  | "memory"
  | "memoryMetrics";

export interface Link {
  readonly id: string;
  readonly role: Role;
  /** Reached through a "Links" property: `$expand=.` does not inline it (DSP0266), `*` does. */
  readonly viaLinks?: boolean;
}

/** How deep below a resource of this role the telemetry we want goes (for $levels). */
export const DEPTH_BELOW: Readonly<Record<Role, number>> = {
  root: 6,
  // Deep enough for Thermal/Power, Sensors, Controls and the Fans/PowerSupplies collections, and
  // no deeper: at 5 levels RelatedItem links pull whole Systems in (2.6 MB for the DMTF tower).
  chassisCollection: 3,
  chassis: 2,
  thermal: 0,
  power: 0,
  thermalSubsystem: 2,
  thermalMetrics: 0,
  fans: 1,
  fan: 0,
  powerSubsystem: 3,
  powerSupplies: 2,
  powerSupply: 1,
  powerSupplyMetrics: 0,
  sensors: 1,
  sensor: 0,
  controls: 1,
  control: 0,
  environmentMetrics: 0,
  devices: 1,
  device: 0,
  systemCollection: 4,
  system: 3,
  processors: 2,
  processor: 1,
  processorMetrics: 0,
  memory: 1,
  memoryMetrics: 0,
};

function one(doc: unknown, role: Role, ...path: string[]): Link[] {
  const id = linkOf(at(doc, ...path));
  return id ? [{ id, role }] : [];
}

function members(doc: unknown, role: Role): Link[] {
  return linksOf(at(doc, "Members")).map((id) => ({ id, role }));
}

/** Processors are GPUs when they say so; "Accelerator"/"OEM" types count when the model names a GPU. */
export function isGpuProcessor(doc: unknown): boolean {
  const type = str(at(doc, "ProcessorType"))?.toLowerCase();
  if (type === "gpu") return true;
  if (type === "accelerator" || type === "oem")
    return /\b(gpu|nvidia|tesla|instinct|radeon|gaudi)\b/i.test(`${at(doc, "Model") ?? ""} ${at(doc, "Name") ?? ""}`);
  return false;
}

/** Vendor device resources (HPE Chassis/1/Devices) that are GPUs, not their baseboard or switch. */
export function isGpuDevice(doc: unknown): boolean {
  const type = str(at(doc, "DeviceType")) ?? "";
  const name = `${str(at(doc, "Name")) ?? ""} ${str(at(doc, "Model")) ?? ""} ${str(at(doc, "Location")) ?? ""}`;
  if (/baseboard|switch|nvswitch|bridge|retimer/i.test(name)) return false;
  return /^gpu$/i.test(type) || (/^(accelerator|oem)?$/i.test(type) && /\bgpu\b|a100|h100|h200|b200|gb200|gb300|mi300/i.test(name));
}

/** Links of a resource worth following, given the role it was reached by. */
export function childLinks(role: Role, doc: unknown): Link[] {
  if (!isObject(doc)) return [];
  switch (role) {
    case "root":
      return [...one(doc, "chassisCollection", "Chassis"), ...one(doc, "systemCollection", "Systems")];
    case "chassisCollection":
      return members(doc, "chassis");
    case "chassis": {
      const out = [
        ...one(doc, "thermal", "Thermal"),
        ...one(doc, "power", "Power"),
        ...one(doc, "thermalSubsystem", "ThermalSubsystem"),
        ...one(doc, "powerSubsystem", "PowerSubsystem"),
        ...one(doc, "sensors", "Sensors"),
        ...one(doc, "controls", "Controls"),
        ...one(doc, "environmentMetrics", "EnvironmentMetrics"),
      ];
      // Vendor device lists (HPE: Oem.Hpe.Links.Devices) are where some BMCs keep their GPUs.
      const oem = at(doc, "Oem");
      if (isObject(oem)) {
        for (const vendor of Object.values(oem)) {
          const devices = linkOf(at(vendor, "Links", "Devices")) ?? linkOf(at(vendor, "Devices"));
          if (devices) out.push({ id: devices, role: "devices", viaLinks: linkOf(at(vendor, "Links", "Devices")) !== undefined });
        }
      }
      return out;
    }
    case "thermalSubsystem":
      return [...one(doc, "fans", "Fans"), ...one(doc, "thermalMetrics", "ThermalMetrics")];
    case "powerSubsystem":
      return one(doc, "powerSupplies", "PowerSupplies");
    case "powerSupplies":
      return members(doc, "powerSupply");
    case "powerSupply":
      return one(doc, "powerSupplyMetrics", "Metrics");
    case "fans":
      return members(doc, "fan");
    case "sensors":
      return members(doc, "sensor");
    case "controls":
      return members(doc, "control");
    case "devices":
      return members(doc, "device");
    case "systemCollection":
      return members(doc, "system");
    case "system":
      return one(doc, "processors", "Processors");
    case "processors":
      return members(doc, "processor");
    case "processor": {
      if (!isGpuProcessor(doc)) return [];
      const memory = linksOf(at(doc, "Links", "Memory")).map((id) => ({ id, role: "memory" as const, viaLinks: true }));
      return [
        ...one(doc, "processorMetrics", "Metrics"),
        ...one(doc, "environmentMetrics", "EnvironmentMetrics"),
        ...one(doc, "memoryMetrics", "MemorySummary", "Metrics"),
        ...memory,
        // The GPU's own chassis (NVIDIA HGX_GPU_n) holds its temperature and power sensors.
        ...linksOf(at(doc, "Links", "Chassis")).map((id) => ({ id, role: "chassis" as const, viaLinks: true })),
      ];
    }
    case "memory":
      return [...one(doc, "memoryMetrics", "Metrics"), ...one(doc, "environmentMetrics", "EnvironmentMetrics")];
    default:
      return [];
  }
}

export function memberIds(doc: unknown): string[] {
  return arr(at(doc, "Members"))
    .map(linkOf)
    .filter((id): id is string => id !== undefined);
}
