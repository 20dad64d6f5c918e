/**
 * The threshold lines the dashboards draw, read from the signal catalog (core/catalog) with
 * the environment's overrides applied: a line on a graph is the number the alarm pages on.
 */
import { effectiveLevel, type LevelName, signalById } from "../core/catalog";
import type { EnvironmentConfig } from "../core/config/schema";
import type { Threshold } from "./spec";

const OPERATOR = {
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: ">=",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "<=",
};

/** A threshold line for one level of one catalog signal, labelled with its condition and tier. */
export function catalogLine(config: EnvironmentConfig, signalId: string, level: LevelName, fill?: Threshold["fill"]): Threshold {
  const signal = signalById(signalId);
  if (!signal) throw new Error(`dashboards: unknown catalog signal ${signalId}`);
  const def = effectiveLevel(signal, level, config.thresholds);
  if (!def) throw new Error(`dashboards: catalog signal ${signalId} has no ${level} level`);
  return {
    value: def.threshold,
    label: `${OPERATOR[signal.comparison]} ${def.threshold} ${signal.unit} (${def.tier})`,
    severity: level,
    ...(fill ? { fill } : {}),
    signal: { id: signalId, level },
  };
}

/** Numbers the dashboards need that are not a line of their own. */
export function catalogThreshold(config: EnvironmentConfig, signalId: string, level: LevelName): number {
  return catalogLine(config, signalId, level).value;
}

/** The platform SLA target the executive dashboard shows (docs/signal-catalog.md). */
export const SLA_TARGET_PERCENT = 99.9;
