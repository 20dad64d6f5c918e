/**
 * Redfish resources -> the components of a BMC snapshot (core/snapshot.ts), and its problems.
 *
 * Works on a ResourceStore (whatever one poll managed to read), so it never does I/O and never
 * throws on hostile input. The rules of docs/redfish.md ("Normalisation") are enforced in the
 * files of this folder, one concern each:
 *  - values.ts: Absent/Disabled/offline sensors are not readings (iLO reports them as 0); a
 *    missing value is omitted, never 0.
 *  - sensors.ts: ReadingBasis "Headroom" sensors are margins to throttling, never temperatures.
 *  - gpus.ts (+ throttle.ts, ecc.ts): one GPU seen under two Systems is reported once; one
 *    source per value, in the fixed order documented in docs/redfish.md (the SOURCE ORDER
 *    comments are that order).
 *  - temperatures.ts, fans.ts, psus.ts, power.ts: both schema generations (Thermal/Power and
 *    ThermalSubsystem/PowerSubsystem/Sensors/Controls/EnvironmentMetrics); a disabled control
 *    or a SetPoint <= 0 is "no cap".
 *  - one-per-device.ts: one component per physical device, ids unique per kind.
 *  - problems.ts: the problem lines.
 */
import { GPU_TEMPERATURE_DEFAULTS_C, POWER_CAP_MARGIN_PERCENT } from "../../../../core/constants";
import type {
  ChassisComponent,
  Component,
  FanComponent,
  GpuComponent,
  PsuComponent,
  TemperatureComponent,
} from "../../../../core/snapshot";
import { memberIds } from "../links";
import { at, lastSegment, linkOf, SERVICE_ROOT, str } from "../odata";
import type { ResourceStore } from "../resource-store";
import { fansOf } from "./fans";
import { gpusOf, placeGpuTemperatures } from "./gpus";
import { dropUndefined, onePerDevice, uniqueIds } from "./one-per-device";
import { chassisPowerOf, isCapped } from "./power";
import { problemsOf } from "./problems";
import { psusOf } from "./psus";
import { sensorsOf } from "./sensors";
import { temperaturesOf } from "./temperatures";
import type { ThrottleCounters } from "./throttle";
import { byId, healthOf } from "./values";

export interface NormaliseOptions {
  readonly previousThrottle?: ThrottleCounters;
  /** Share of the power cap at which a chassis counts as capped (default: within POWER_CAP_MARGIN_PERCENT). */
  readonly capThreshold?: number;
  /**
   * GPU temperature above which a problem is listed. The poller passes its environment's
   * resolved gpu-temperature critical level (inventory.json); the catalog default is only for
   * tools that run without an environment (fleetwatch probe, benchmarks).
   */
  readonly gpuHotC?: number;
}

export interface Normalised {
  readonly components: Component[];
  /** What a person should look at: failed fans, hot or throttled GPUs, ECC, PSU faults, power at cap. */
  readonly problems: string[];
  readonly throttleCounters: ThrottleCounters;
}

export function normaliseBmc(store: ResourceStore, options: NormaliseOptions = {}): Normalised {
  const capThreshold = options.capThreshold ?? 1 - POWER_CAP_MARGIN_PERCENT / 100;
  const root = store.get(SERVICE_ROOT);
  const chassisIds = [...new Set(memberIds(store.get(linkOf(at(root, "Chassis"))) ?? {}))].sort(byId);
  const systemIds = [...new Set(memberIds(store.get(linkOf(at(root, "Systems"))) ?? {}))].sort(byId);

  const { gpus, throttleCounters, consumedSensors } = gpusOf(store, systemIds, chassisIds, options.previousThrottle);

  // Chassis: temperatures (GPU entries go to their GPU), fans, PSUs, power against the cap.
  const temperatures: TemperatureComponent[] = [];
  const fans: FanComponent[] = [];
  const psus: PsuComponent[] = [];
  const chassisComponents: ChassisComponent[] = [];
  const thermalOnlyGpus: GpuComponent[] = [];
  for (const chassisId of chassisIds) {
    const chassis = store.get(chassisId);
    if (!chassis) continue;
    const chassisName = str(chassis.Id) ?? lastSegment(chassisId);
    const sensors = sensorsOf(store, chassis).filter((s) => !consumedSensors.has(s.uri));
    const placed = placeGpuTemperatures(gpus, chassis, chassisId, chassisName, temperaturesOf(store, chassis, sensors, chassisName));
    temperatures.push(...placed.temperatures);
    thermalOnlyGpus.push(...placed.thermalOnlyGpus);
    fans.push(...fansOf(store, chassis, sensors, chassisName, chassisId));
    psus.push(...psusOf(store, chassis, chassisName, chassisId));
    const power = chassisPowerOf(store, chassis, sensors);
    chassisComponents.push({
      kind: "chassis",
      id: chassisName,
      health: healthOf(chassis),
      powerW: power.powerW,
      powerLimitW: power.powerLimitW,
      capped: isCapped(power, capThreshold),
    });
  }

  const uniqueFans = onePerDevice(fans);
  const uniquePsus = onePerDevice(psus);
  const gpuComponents = [...gpus.map((g) => g.component), ...thermalOnlyGpus];
  const problems = problemsOf({
    gpus: gpuComponents,
    fans: uniqueFans,
    psus: uniquePsus,
    chassis: chassisComponents,
    gpuHotC: options.gpuHotC ?? GPU_TEMPERATURE_DEFAULTS_C.critical,
  });
  const components = uniqueIds([...gpuComponents, ...temperatures, ...uniqueFans, ...uniquePsus, ...chassisComponents]).map(dropUndefined);
  return { components, problems, throttleCounters };
}
