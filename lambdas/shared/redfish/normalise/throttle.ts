/**
 * Whether a GPU is throttled, and why: explicit flags and causes, NVIDIA's throttle reasons,
 * throttle-duration counters that grew since the previous poll, and a thermal margin at or
 * below zero. No evidence at all is "unknown", never "not throttled".
 */
import { durationSeconds } from "../iso-duration";
import { arr, at, type JsonObject, num, str } from "../odata";
import { byId, first } from "./values";

/** Throttle-duration counters per GPU from the previous poll, to see which ones grew. */
export type ThrottleCounters = Record<string, Record<string, number>>;

/** NVIDIA throttle "reasons" that mean "not throttled". */
const NOT_THROTTLING = new Set(["na", "none", "gpuidle", "applicationsclockssetting", "displayclocksetting", ""]);

export interface ThrottleInput {
  readonly processor: JsonObject;
  readonly metrics?: JsonObject;
  /** A headroom sensor's reading (°C to the throttling point). */
  readonly headroom?: number;
  /** This GPU's counters from the previous poll. */
  readonly previous?: Record<string, number>;
}

export interface ThrottleResult {
  readonly throttled?: boolean;
  readonly reasons: string[];
  readonly counters: Record<string, number>;
}

export function throttleOf(input: ThrottleInput): ThrottleResult {
  const { processor, metrics, previous } = input;
  const reasons = new Set<string>();
  let evidence = false;
  const explicit = first(processor.Throttled, metrics?.Throttled);
  if (typeof explicit === "boolean") {
    evidence = true;
    if (explicit) reasons.add("Throttled");
  }
  for (const cause of [...arr(processor.ThrottleCauses), ...arr(metrics?.ThrottleCauses)]) {
    const c = str(cause);
    if (c) {
      evidence = true;
      reasons.add(c);
    }
  }
  const nvidiaReasons = first(at(metrics, "Oem", "Nvidia", "ThrottleReasons"), at(processor, "Oem", "Nvidia", "ThrottleReasons"));
  if (Array.isArray(nvidiaReasons)) {
    evidence = true;
    for (const r of nvidiaReasons) {
      const reason = str(r);
      if (reason && !NOT_THROTTLING.has(reason.toLowerCase())) reasons.add(reason);
    }
  }
  const counters: Record<string, number> = {};
  const durations: [string, unknown][] = [
    ["PowerLimit", metrics?.PowerLimitThrottleDuration],
    ["ThermalLimit", metrics?.ThermalLimitThrottleDuration],
    ["HardwareViolation", at(metrics, "Oem", "Nvidia", "HardwareViolationThrottleDuration")],
    ["SoftwareViolation", at(metrics, "Oem", "Nvidia", "GlobalSoftwareViolationThrottleDuration")],
  ];
  for (const [reason, raw] of durations) {
    const seconds = durationSeconds(raw);
    if (seconds === undefined) continue;
    evidence = true;
    counters[reason] = seconds;
    const before = previous?.[reason];
    // A counter that grew since the last poll means throttling happened in between; a reset
    // (smaller value: driver reload, BMC reboot) means nothing.
    if (before !== undefined && seconds > before) reasons.add(reason);
  }
  const margin = num(metrics?.ThrottlingCelsius);
  if (margin !== undefined) {
    evidence = true;
    if (margin <= 0) reasons.add("ThermalMargin");
  }
  if (input.headroom !== undefined) {
    evidence = true;
    if (input.headroom <= 0) reasons.add("ThermalMargin");
  }
  const list = [...reasons].sort(byId);
  return { throttled: evidence ? list.length > 0 : undefined, reasons: list, counters };
}
