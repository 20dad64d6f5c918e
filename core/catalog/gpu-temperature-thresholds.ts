/**
 * The one place the ingest's GPU temperature thresholds are looked up: the signal catalog's
 * "gpu-temperature" levels with this environment's overrides (config.thresholds), so the
 * GpusOverWarn/CriticalTemperature counts use exactly the thresholds the alarms use.
 */

import type { EnvironmentConfig } from "../config/schema";
import { GPU_TEMPERATURE_DEFAULTS_C } from "../constants";
import { effectiveLevel, signalById } from "./";

export function gpuTemperatureThresholds(config: Pick<EnvironmentConfig, "thresholds">): { warnC: number; criticalC: number } {
  const signal = signalById("gpu-temperature");
  const override = config.thresholds["gpu-temperature"];
  const warnC =
    (signal && effectiveLevel(signal, "warn", config.thresholds)?.threshold) ?? override?.warn ?? GPU_TEMPERATURE_DEFAULTS_C.warn;
  const criticalC =
    (signal && effectiveLevel(signal, "critical", config.thresholds)?.threshold) ??
    override?.critical ??
    GPU_TEMPERATURE_DEFAULTS_C.critical;
  if (criticalC < warnC) {
    throw new Error(`thresholds.gpu-temperature: critical (${criticalC}) must not be below warn (${warnC})`);
  }
  return { warnC, criticalC };
}
