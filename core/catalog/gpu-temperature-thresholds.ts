/**
 * The one place the ingest's and the poller's GPU temperature thresholds are looked up: the
 * signal catalog's "gpu-temperature" levels with this environment's overrides (config.thresholds),
 * so the GpusOverWarn/CriticalTemperature counts and the hot-GPU problem text use exactly the
 * thresholds the alarms use.
 */

import type { EnvironmentConfig } from "../config/schema";
import { effectiveLevel } from "./resolve";
import { signalById } from "./signals";
import type { LevelName } from "./types";

export function gpuTemperatureThresholds(config: Pick<EnvironmentConfig, "thresholds">): { warnC: number; criticalC: number } {
  const level = (name: LevelName): number => {
    const signal = signalById("gpu-temperature");
    const def = signal && effectiveLevel(signal, name, config.thresholds);
    if (!def) throw new Error(`signal catalog: gpu-temperature has no ${name} level; the ingest and the poller need both`);
    return def.threshold;
  };
  const warnC = level("warn");
  const criticalC = level("critical");
  if (criticalC < warnC) {
    throw new Error(`thresholds.gpu-temperature: critical (${criticalC}) must not be below warn (${warnC})`);
  }
  return { warnC, criticalC };
}
