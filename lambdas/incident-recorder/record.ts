/**
 * One alarm state change, end to end: classify, read the alarm's incident, apply the change,
 * store it (retrying when another invocation moved it first), then log and count. Ports only.
 */
import type { Log } from "../shared/log";
import type { AlarmChange } from "./alarm-event";
import { classifyAlarm } from "./classify";
import type { IncidentStore } from "./incident-store";
import { applyChange, type IncidentMetric, type IncidentOutcome } from "./incidents";

export interface RecorderPorts {
  readonly store: IncidentStore;
  /** One `fleetwatch.incident` line per change (info). */
  readonly log: Log;
  readonly publish: (tier: string, metrics: readonly IncidentMetric[]) => void;
}

export interface RecorderOptions {
  readonly environment: string;
  readonly flapWindowMs: number;
}

const MAX_ATTEMPTS = 5;

export async function recordChange(change: AlarmChange, ports: RecorderPorts, opts: RecorderOptions): Promise<IncidentOutcome | undefined> {
  const classification = classifyAlarm(change.alarmName, opts.environment, change.description);
  if (classification.kind === "skip") {
    ports.log.info("skipped", { event: "fleetwatch.incident", action: "skipped", alarm: change.alarmName, why: classification.why });
    return undefined;
  }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const prev = await ports.store.get(change.alarmName);
    const outcome = applyChange(prev, change, classification.alarm, opts.flapWindowMs);
    if (outcome.next && !(await ports.store.put(outcome.next, prev))) continue;
    ports.log.info(String(outcome.log.action), outcome.log);
    if (outcome.metrics.length) ports.publish(classification.alarm.tier, outcome.metrics);
    return outcome;
  }
  throw new Error(`incident of ${change.alarmName}: ${MAX_ATTEMPTS} concurrent updates in a row; EventBridge will retry this change`);
}
