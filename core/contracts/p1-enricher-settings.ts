/**
 * What lib/paging tells the p1-enricher about its environment: the resolved thresholds of the
 * signals whose pages name offenders (catalog levels with config.thresholds applied), used
 * when an alarm notification carries no Trigger.Threshold. Pure module (zod and the catalog).
 */
import { z } from "zod";
import { effectiveLevel, SIGNALS } from "../catalog";
import type { LevelName, SignalDefinition } from "../catalog/types";
import type { EnvironmentConfig } from "../config/schema";

export const OFFENDER_THRESHOLDS_ENV_VAR = "OFFENDER_THRESHOLDS";

const LevelThresholdsSchema = z.strictObject({ warn: z.number().finite().optional(), critical: z.number().finite().optional() });

/** Signal id -> level -> threshold, for every signal with `offenders`. */
export const OffenderThresholdsSchema = z.record(z.string().min(1), LevelThresholdsSchema);
export type OffenderThresholds = z.infer<typeof OffenderThresholdsSchema>;

export function offenderThresholds(
  config: Pick<EnvironmentConfig, "thresholds">,
  signals: readonly SignalDefinition[] = SIGNALS,
): OffenderThresholds {
  const out: OffenderThresholds = {};
  for (const signal of signals) {
    if (!signal.offenders) continue;
    const levels: Partial<Record<LevelName, number>> = {};
    for (const level of ["warn", "critical"] as const) {
      const threshold = effectiveLevel(signal, level, config.thresholds)?.threshold;
      if (threshold !== undefined) levels[level] = threshold;
    }
    out[signal.id] = levels;
  }
  return out;
}
