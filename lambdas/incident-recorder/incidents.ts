/**
 * Alarm state changes -> incidents. Pure: the stored record of one alarm plus one change in,
 * the next record, the log line and the metrics out.
 *
 * Rules (docs/dashboards.md, "Incidents"):
 * - An incident opens when an alarm enters ALARM, and resolves when it returns to OK.
 *   ALARM -> INSUFFICIENT_DATA keeps it open (missing data is not a fix).
 * - Flaps count once: an ALARM within `flapWindowMs` of the same alarm's last OK reopens that
 *   incident instead of opening a new one. Its duration runs from the first ALARM to the last OK.
 * - Metrics are per tier (three values, low cardinality): IncidentsOpened (+1 on open),
 *   IncidentsResolved (+1 on the first resolve only) and IncidentResolutionSeconds (the seconds
 *   added to the incident's duration by this resolve: the whole duration the first time, the
 *   time since the previous OK after a flap). So MTTR = Σ IncidentResolutionSeconds /
 *   Σ IncidentsResolved counts every incident once with its full duration.
 * - Changes older than the last one applied (EventBridge may deliver late or twice) are ignored.
 */
import type { AlarmChange } from "./alarm-event";
import type { AlarmClass } from "./classify";

export interface IncidentRecord {
  readonly alarmName: string;
  readonly incidentId: string;
  readonly status: "open" | "resolved";
  /** epoch ms of the first ALARM. */
  readonly startedAt: number;
  /** epoch ms of the latest OK (absent until the first resolve). */
  readonly resolvedAt?: number;
  /** epoch ms of the last change applied. */
  readonly lastChangeAt: number;
  /** Times the incident reopened within the flap window. */
  readonly flaps: number;
  readonly tier: AlarmClass["tier"];
  readonly signal: string;
  readonly level: string;
  readonly scope: string;
}

export type IncidentAction = "opened" | "reopened" | "resolved" | "still-open" | "ignored" | "stale";

export interface IncidentMetric {
  readonly key: "incidentsOpened" | "incidentsResolved" | "incidentResolutionSeconds";
  readonly value: number;
}

export interface IncidentOutcome {
  readonly action: IncidentAction;
  /** The record to store; undefined when nothing changes. */
  readonly next?: IncidentRecord;
  readonly metrics: readonly IncidentMetric[];
  /** The structured log line (event fleetwatch.incident), always written. */
  readonly log: Record<string, string | number>;
}

/** Default flap window: an ALARM this soon after the OK is the same incident. */
const DEFAULT_FLAP_WINDOW_MS = 15 * 60_000;

function incidentId(alarmName: string, startedAt: number): string {
  return `${alarmName}@${new Date(startedAt).toISOString()}`;
}

export function applyChange(
  prev: IncidentRecord | undefined,
  change: AlarmChange,
  alarm: AlarmClass,
  flapWindowMs: number = DEFAULT_FLAP_WINDOW_MS,
): IncidentOutcome {
  const base = {
    event: "fleetwatch.incident",
    alarm: change.alarmName,
    tier: alarm.tier,
    signal: alarm.signal,
    level: alarm.level,
    scope: alarm.scope,
    state: change.state,
    previousState: change.previousState ?? "none",
    changedAt: new Date(change.at).toISOString(),
  };
  const outcome = (action: IncidentAction, next: IncidentRecord | undefined, metrics: IncidentMetric[] = []): IncidentOutcome => {
    const r = next ?? prev;
    const durationSeconds = action === "resolved" && r ? Math.round((change.at - r.startedAt) / 1000) : undefined;
    return {
      action,
      ...(next ? { next } : {}),
      metrics,
      log: {
        ...base,
        action,
        ...(r ? { incidentId: r.incidentId, startedAt: new Date(r.startedAt).toISOString(), flaps: r.flaps } : {}),
        ...(durationSeconds !== undefined ? { durationSeconds } : {}),
      },
    };
  };

  if (prev && change.at <= prev.lastChangeAt) return outcome("stale", undefined);

  const touch = (r: IncidentRecord): IncidentRecord => ({ ...r, lastChangeAt: change.at });

  if (change.state === "ALARM") {
    if (prev?.status === "open") return outcome("still-open", touch(prev));
    if (prev?.status === "resolved" && prev.resolvedAt !== undefined && change.at - prev.resolvedAt <= flapWindowMs) {
      return outcome("reopened", { ...prev, status: "open", flaps: prev.flaps + 1, lastChangeAt: change.at });
    }
    const startedAt = change.at;
    return outcome(
      "opened",
      {
        alarmName: change.alarmName,
        incidentId: incidentId(change.alarmName, startedAt),
        status: "open",
        startedAt,
        lastChangeAt: change.at,
        flaps: 0,
        ...alarm,
      },
      [{ key: "incidentsOpened", value: 1 }],
    );
  }

  if (change.state === "OK") {
    let open: IncidentRecord | undefined = prev?.status === "open" ? prev : undefined;
    if (!open && (!prev || prev.status === "resolved") && change.previousState === "ALARM" && change.previousAt !== undefined) {
      // The ALARM was missed (before the recorder existed, or its event failed): the event
      // itself says when the alarm entered ALARM, so the incident is still measured.
      if (!prev || prev.lastChangeAt < change.previousAt) {
        open = {
          alarmName: change.alarmName,
          incidentId: incidentId(change.alarmName, change.previousAt),
          status: "open",
          startedAt: change.previousAt,
          lastChangeAt: change.previousAt,
          flaps: 0,
          ...alarm,
        };
      }
    }
    if (!open) return outcome("ignored", prev ? touch(prev) : undefined);
    const firstResolve = open.resolvedAt === undefined;
    const addedSeconds = (change.at - (open.resolvedAt ?? open.startedAt)) / 1000;
    return outcome("resolved", { ...open, status: "resolved", resolvedAt: change.at, lastChangeAt: change.at }, [
      ...(firstResolve ? [{ key: "incidentsResolved" as const, value: 1 }] : []),
      { key: "incidentResolutionSeconds", value: Math.max(0, addedSeconds) },
    ]);
  }

  // INSUFFICIENT_DATA: an open incident stays open; nothing else changes.
  return outcome(prev?.status === "open" ? "still-open" : "ignored", prev ? touch(prev) : undefined);
}
