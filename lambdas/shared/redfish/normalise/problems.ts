/**
 * The problem lines of a snapshot: what a person should look at (failed fans, hot, throttled
 * or failing GPUs, ECC, PSU faults, power at the cap), one short line each.
 */
import type { ChassisComponent, FanComponent, GpuComponent, PsuComponent } from "../../../../core/snapshot";

export interface ProblemInput {
  readonly gpus: readonly GpuComponent[];
  readonly fans: readonly FanComponent[];
  readonly psus: readonly PsuComponent[];
  readonly chassis: readonly ChassisComponent[];
  /** A GPU above this temperature (°C) is a problem: the environment's gpu-temperature critical level. */
  readonly gpuHotC: number;
}

export function problemsOf(input: ProblemInput): string[] {
  const problems: string[] = [];
  for (const c of input.chassis) {
    if (c.capped && c.powerW !== undefined && c.powerLimitW !== undefined) {
      problems.push(`chassis ${c.id}: drawing ${c.powerW} W of a ${c.powerLimitW} W cap`);
    }
  }
  for (const gpu of input.gpus) {
    const label = gpu.system ? `${gpu.system}/${gpu.id}` : gpu.id;
    if (gpu.health && gpu.health !== "OK") problems.push(`GPU ${label}: health ${gpu.health}`);
    if (gpu.temperatureC !== undefined && gpu.temperatureC > input.gpuHotC) problems.push(`GPU ${label}: ${gpu.temperatureC} °C`);
    if (gpu.throttled) problems.push(`GPU ${label}: throttled (${(gpu.throttleReasons ?? []).join(", ")})`);
    if ((gpu.eccUncorrectable ?? 0) > 0) problems.push(`GPU ${label}: ${gpu.eccUncorrectable} uncorrectable ECC error(s)`);
    if (gpu.sramEccThresholdExceeded) problems.push(`GPU ${label}: SRAM ECC error threshold exceeded`);
    if (gpu.rowRemappingFailed) problems.push(`GPU ${label}: HBM row remapping failed`);
  }
  for (const fan of input.fans) if (fan.failed) problems.push(`fan ${fan.id}: failed (${describeFan(fan)})`);
  for (const psu of input.psus) if (psu.health && psu.health !== "OK") problems.push(`PSU ${psu.id}: health ${psu.health}`);
  return problems;
}

function describeFan(fan: FanComponent): string {
  const parts = [fan.health ? `health ${fan.health}` : undefined, fan.rpm !== undefined ? `${fan.rpm} RPM` : undefined];
  if (fan.percent !== undefined) parts.push(`${fan.percent} %`);
  return parts.filter(Boolean).join(", ") || "no reading";
}
