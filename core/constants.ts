/**
 * Numbers more than one layer must agree on, each defined once: the catalog, the constructs,
 * the handlers, the simulator and the benchmarks import them from here.
 */

/**
 * The "gpu-temperature" signal's levels before environment overrides (°C). Data-centre GPUs
 * start to throttle around 83 °C; 78 °C leaves a few minutes of warning before that.
 */
export const GPU_TEMPERATURE_DEFAULTS_C = { warn: 78, critical: 83 } as const;

/** A chassis drawing within this share of its power cap counts as at the cap (ChassisAtPowerCap). */
export const POWER_CAP_MARGIN_PERCENT = 5;

/** A BMC whose last good snapshot is older than this counts as stale (BmcsStale, bmc-telemetry-stale). */
export const SNAPSHOT_STALE_AFTER_SECONDS = 300;
