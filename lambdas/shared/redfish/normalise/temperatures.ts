/**
 * A chassis's temperature readings, from whichever schema generation it offers, each marked
 * with the GPU it names ("62-GPU 1", "gpu0 Temperature") so it can go to that GPU instead.
 */
import type { Health, TemperatureComponent } from "../../../../core/snapshot";
import { arr, at, canonicalId, isObject, type JsonObject, linkOf, num, str } from "../odata";
import type { ResourceStore } from "../resource-store";
import type { SensorReading } from "./sensors";
import { celsius, first, healthOf, isPresent } from "./values";

export interface ChassisTemperature {
  readonly id: string;
  readonly reading: number;
  /** The GPU index the name carries, if any. */
  readonly gpuIndex?: number;
  /** PhysicalContext says GPU. */
  readonly gpuContext: boolean;
  readonly component: TemperatureComponent;
}

/** "62-GPU 1" -> 1, "gpu0 Temperature" -> 0, "GPU_SXM_3" -> 3; "gpubrd1", "GPU Zone" -> undefined. */
function gpuIndexInName(name: string): number | undefined {
  const m = /(?:^|[^a-z])gpu(?:[\s_-]*(?:sxm|oam|slot)?[\s_-]*)(\d{1,3})(?!\d)/i.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function temperaturesOf(
  store: ResourceStore,
  chassis: JsonObject,
  sensors: SensorReading[],
  chassisName: string,
): ChassisTemperature[] {
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
