/**
 * Sensors of the new schema generation (Chassis/N/Sensors): what kind of reading each one is,
 * and its value and thresholds when present. ReadingBasis "Headroom" sensors are margins to
 * throttling, never temperatures.
 */
import type { Health } from "../../../../core/snapshot";
import { at, isObject, type JsonObject, lastSegment, num, str } from "../odata";
import type { ResourceStore } from "../resource-store";
import { celsius, first, healthOf, isPresent, membersOf } from "./values";

export type SensorKind = "temperature" | "headroom" | "power" | "fanPercent" | "fanRpm" | "other";

export interface SensorReading {
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

export function thresholdOf(doc: unknown, name: string): number | undefined {
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

/** The readable sensors of one chassis, in id order. */
export function sensorsOf(store: ResourceStore, chassis: JsonObject | undefined): SensorReading[] {
  if (!chassis) return [];
  const out: SensorReading[] = [];
  for (const id of membersOf(store, chassis.Sensors)) {
    const doc = store.get(id);
    const reading = doc ? readSensor(id, doc) : undefined;
    if (reading) out.push(reading);
  }
  return out;
}
