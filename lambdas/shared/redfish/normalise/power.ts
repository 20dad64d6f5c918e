/**
 * Power against the cap: a chassis's draw and its enforced limit (both schema generations),
 * and the Power controls a GPU's own chassis carries. A disabled control, a SetPoint <= 0 or a
 * null limit is "no cap", never a cap of 0.
 */
import { arr, at, isObject, type JsonObject, linkOf, str } from "../odata";
import type { ResourceStore } from "../resource-store";
import type { SensorReading } from "./sensors";
import { first, isPresent, membersOf, nonNegative, positive } from "./values";

export function controlSetPoint(control: unknown): number | undefined {
  if (!isObject(control)) return undefined;
  // "Disabled" means no limit is enforced, whatever SetPoint says (often 0).
  if (str(control.ControlMode) === "Disabled") return undefined;
  if (!isPresent(control)) return undefined;
  return positive(control.SetPoint);
}

/** SetPoints of a chassis's Controls of ControlType Power, in id order. */
export function powerControlsOf(store: ResourceStore, chassis: JsonObject | undefined): number[] {
  if (!chassis) return [];
  return membersOf(store, chassis.Controls)
    .map((id) => store.get(id))
    .filter((c): c is JsonObject => c !== undefined && str(c.ControlType) === "Power")
    .map(controlSetPoint)
    .filter((v): v is number => v !== undefined);
}

export interface ChassisPower {
  readonly powerW?: number;
  readonly powerLimitW?: number;
}

export function chassisPowerOf(store: ResourceStore, chassis: JsonObject, sensors: SensorReading[]): ChassisPower {
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

/** At the cap: drawing at least `capShare` of the limit; unknown without both figures. */
export function isCapped(power: ChassisPower, capShare: number): boolean | undefined {
  return power.powerW !== undefined && power.powerLimitW !== undefined ? power.powerW >= power.powerLimitW * capShare : undefined;
}
