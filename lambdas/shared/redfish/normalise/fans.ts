/** A chassis's fans, from whichever schema generation it offers, and whether each has failed. */
import type { FanComponent, Health } from "../../../../core/snapshot";
import { arr, at, isObject, type JsonObject, lastSegment, linkOf, num, obj, str } from "../odata";
import type { ResourceStore } from "../resource-store";
import { withSource } from "./one-per-device";
import { type SensorReading, thresholdOf } from "./sensors";
import { first, healthOf, isPresent, membersOf, nonNegative } from "./values";

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

export function fansOf(
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
    const units = str(entry.ReadingUnits) ?? "RPM";
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

  for (const id of membersOf(store, at(store.get(linkOf(chassis.ThermalSubsystem)), "Fans"))) {
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
