/**
 * The one place the ingest's GPU temperature thresholds are looked up: the signal catalog's
 * "gpu-temperature" levels with this environment's overrides (config.thresholds), so the
 * GpusOverWarn/CriticalTemperature counts use exactly the thresholds the alarms use.
 */
import { effectiveLevel, signalById } from "../../core/catalog";
import type { EnvironmentConfig } from "../../core/config/schema";

/** Catalog defaults (docs/signal-catalog.md), used only if the catalog ever stops defining the signal's levels. */
const CATALOG_DEFAULTS = { warnC: 78, criticalC: 83 } as const;

export function gpuTemperatureThresholds(config: Pick<EnvironmentConfig, "thresholds">): { warnC: number; criticalC: number } {
  const signal = signalById("gpu-temperature");
  const override = config.thresholds["gpu-temperature"];
  const warnC = (signal && effectiveLevel(signal, "warn", config.thresholds)?.threshold) ?? override?.warn ?? CATALOG_DEFAULTS.warnC;
  const criticalC =
    (signal && effectiveLevel(signal, "critical", config.thresholds)?.threshold) ?? override?.critical ?? CATALOG_DEFAULTS.criticalC;
  if (criticalC < warnC) {
    throw new Error(`thresholds.gpu-temperature: critical (${criticalC}) must not be below warn (${warnC})`);
  }
  return { warnC, criticalC };
}
