/**
 * When a composite alarm with an actions suppressor performs its actions, as a pure function of
 * its child's and its suppressor's state transitions.
 *
 * Documented behaviour (AWS::CloudWatch::CompositeAlarm, and CompositeAlarm.ActionsSuppressedBy in
 * the CloudWatch API reference, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_CompositeAlarm.html,
 * read 2026-12-01):
 * - the composite's actions are suppressed while the suppressor is in ALARM ("Alarm");
 * - ActionsSuppressorWaitPeriod: "the maximum time that the composite alarm waits for the
 *   suppressor alarm to go into the ALARM state. After this time, the composite alarm performs
 *   its actions" ("WaitPeriod");
 * - ActionsSuppressorExtensionPeriod: "the maximum time that the composite alarm waits after
 *   the suppressor alarm goes out of the ALARM state. After this time, the composite alarm
 *   performs its actions" ("ExtensionPeriod").
 * So a suppressor that left ALARM before the child fired does not suppress (the wait period
 * starts afresh), and a child still in ALARM when the extension ends pages then.
 * The composite here is FleetWatch's shape: ALARM(child), one suppressor.
 */
import type { AlarmState } from "./evaluate";

export interface StateChange {
  /** Epoch ms. */
  readonly at: number;
  readonly to: AlarmState;
}

export interface SuppressorPeriods {
  readonly waitMs: number;
  readonly extensionMs: number;
}

export interface CompositeAction {
  readonly kind: "ALARM" | "OK";
  readonly at: number;
  /** When the child went to ALARM (the composite's own transition). */
  readonly childAlarmAt: number;
}

type Mode = { kind: "idle" } | { kind: "wait"; until: number } | { kind: "suppressed" } | { kind: "extension"; until: number };

/**
 * The ALARM and OK actions the composite performs up to `until`. A composite whose ALARM action
 * was suppressed sends no OK either (nothing was paged to resolve).
 */
export function compositeActions(
  child: readonly StateChange[],
  suppressor: readonly StateChange[],
  periods: SuppressorPeriods,
  until: number,
): CompositeAction[] {
  const events = [
    ...child.map((c) => ({ ...c, who: "child" as const })),
    ...suppressor.map((s) => ({ ...s, who: "suppressor" as const })),
  ].sort((a, b) => a.at - b.at || (a.who === b.who ? 0 : a.who === "suppressor" ? -1 : 1));
  const out: CompositeAction[] = [];
  let mode: Mode = { kind: "idle" };
  let childAlarm = false;
  let childAlarmAt = 0;
  let suppressorAlarm = false;
  let paged = false;
  // A timer that ends at the instant of another change loses to it (the change is seen first).
  const fireTimer = (now: number, inclusive: boolean) => {
    if ((mode.kind === "wait" || mode.kind === "extension") && (inclusive ? mode.until <= now : mode.until < now) && childAlarm) {
      out.push({ kind: "ALARM", at: mode.until, childAlarmAt });
      paged = true;
      mode = { kind: "idle" };
    }
  };
  for (const e of events) {
    if (e.at > until) break;
    fireTimer(e.at, false);
    if (e.who === "child") {
      const nowAlarm = e.to === "ALARM";
      if (nowAlarm && !childAlarm) {
        childAlarmAt = e.at;
        mode = suppressorAlarm ? { kind: "suppressed" } : { kind: "wait", until: e.at + periods.waitMs };
      } else if (!nowAlarm && childAlarm) {
        if (paged && e.to === "OK") out.push({ kind: "OK", at: e.at, childAlarmAt });
        paged = false;
        mode = { kind: "idle" };
      }
      childAlarm = nowAlarm;
    } else {
      const nowAlarm = e.to === "ALARM";
      if (nowAlarm && !suppressorAlarm && childAlarm && !paged && mode.kind !== "idle") mode = { kind: "suppressed" };
      if (!nowAlarm && suppressorAlarm && mode.kind === "suppressed") mode = { kind: "extension", until: e.at + periods.extensionMs };
      suppressorAlarm = nowAlarm;
    }
  }
  fireTimer(until, true);
  return out;
}

/**
 * How long a composite waits for its suppressor to reach ALARM, and keeps suppressing after it
 * clears. The wait delays every real page by that much, so it is short: each suppressor breaches
 * sooner than the signals it suppresses (network outage: 3 min vs staleness: 5 min + 5 of 5;
 * Azure stale: no settled Azure data means no zero-success datapoint at all).
 */
export const SUPPRESSOR_TIMING = { waitSeconds: 60, extensionSeconds: 600 } as const;
