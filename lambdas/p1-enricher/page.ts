/**
 * What the enricher does with one P1 notification, with its I/O injected: find the offenders
 * for fleet alarms, enrich the message, and always forward it. A failed lookup never holds
 * back a page: the original message goes out with a note saying why it has no node.
 */
import { parseAlarmName, signalById } from "../../core/catalog";
import type { OffenderThresholds } from "../../core/contracts/p1-enricher-settings";
import type { BmcSnapshot } from "../../core/snapshot";
import type { Log } from "../shared/log";
import { alarmSubject, type CloudWatchAlarmMessage, enrichAlarmMessage, parseAlarmMessage } from "./alarm-message";
import { findOffenders } from "./offenders";

export interface PageDependencies {
  /** Snapshots of one cluster between two instants; undefined when no stream is wired. */
  readonly readWindow?: (cluster: string, from: Date, to: Date) => Promise<BmcSnapshot[]>;
  readonly publish: (subject: string, message: string) => Promise<void>;
  readonly log?: Log;
  /** Minutes of snapshots before the state change to look at. */
  readonly windowMinutes: number;
  /** This environment's resolved thresholds (catalog levels with config.thresholds applied), from the construct. */
  readonly thresholds: OffenderThresholds;
  /** The alarm's state now (CloudWatch DescribeAlarms); undefined when it cannot be read. */
  readonly currentState?: (alarmName: string) => Promise<AlarmStateNow | undefined>;
}

export interface AlarmStateNow {
  readonly state: CloudWatchAlarmMessage["NewStateValue"];
  readonly reason: string;
  readonly updatedAt: Date;
}

export interface ForwardedPage {
  readonly subject: string;
  readonly message: string;
  readonly offenders: number;
}

export async function forwardPage(subject: string | undefined, text: string, deps: PageDependencies): Promise<ForwardedPage> {
  const message = parseAlarmMessage(text);
  if (!message) {
    // Not a CloudWatch alarm: forward as-is, PagerDuty opens a generic incident.
    await deps.publish(subject ?? "FleetWatch P1 notification", text);
    return { subject: subject ?? "FleetWatch P1 notification", message: text, offenders: 0 };
  }
  const enriched = await enrich(message, deps);
  const out = JSON.stringify(enriched);
  const outSubject = alarmSubject(message);
  await deps.publish(outSubject, out);
  const offenders = Array.isArray(enriched.FleetWatchOffenders) ? enriched.FleetWatchOffenders.length : 0;
  if (message.NewStateValue === "ALARM") await resolveIfAlreadyOk(message, deps);
  return { subject: outSubject, message: out, offenders };
}

/**
 * OK notifications pass straight through while an ALARM waits for its node lookup, so the OK
 * can reach PagerDuty first and leave the incident the ALARM then opens unresolved. After the
 * ALARM is out, read the alarm's state: if it has since returned to OK, send that OK again,
 * now behind the ALARM (an extra OK for a resolved incident is a no-op in PagerDuty). Checked
 * after publishing: an OK recorded later is notified after this ALARM anyway.
 */
async function resolveIfAlreadyOk(message: CloudWatchAlarmMessage, deps: PageDependencies): Promise<void> {
  if (!deps.currentState) return;
  let now: AlarmStateNow | undefined;
  try {
    now = await deps.currentState(message.AlarmName);
  } catch (err) {
    deps.log?.warn("could not read the alarm's current state after forwarding an ALARM", { error: (err as Error).message });
    return;
  }
  if (now?.state !== "OK") return;
  const alarmAt = Date.parse(message.StateChangeTime.replace(/\+0000$/, "Z"));
  if (Number.isFinite(alarmAt) && now.updatedAt.getTime() <= alarmAt) return;
  const ok: CloudWatchAlarmMessage = {
    ...message,
    OldStateValue: "ALARM",
    NewStateValue: "OK",
    NewStateReason: now.reason,
    StateChangeTime: now.updatedAt.toISOString().replace(/Z$/, "+0000"),
  };
  delete (ok as Record<string, unknown>).FleetWatchOffenders;
  delete (ok as Record<string, unknown>).FleetWatchNote;
  deps.log?.warn("alarm was already OK when its ALARM page went out; re-sent the OK after it", { alarmName: message.AlarmName });
  await deps.publish(alarmSubject(ok), JSON.stringify(ok));
}

async function enrich(message: CloudWatchAlarmMessage, deps: PageDependencies): Promise<CloudWatchAlarmMessage> {
  // OK resolves the incident by AlarmName; it needs nothing added.
  if (message.NewStateValue !== "ALARM") return message;
  const parsed = parseAlarmName(message.AlarmName);
  const signal = parsed ? signalById(parsed.signalId) : undefined;
  if (!parsed || !signal?.offenders || !parsed.cluster) return message;
  if (!deps.readWindow) return enrichAlarmMessage(message, [], "node detail unavailable: no telemetry stream wired to the enricher");
  // The alarm's own threshold; else the environment's resolved level (never the catalog default:
  // config.thresholds may have moved it).
  const threshold = typeof message.Trigger?.Threshold === "number" ? message.Trigger.Threshold : deps.thresholds[signal.id]?.[parsed.level];
  if (threshold === undefined) {
    return enrichAlarmMessage(message, [], `node detail unavailable: no ${parsed.level} threshold known for ${signal.id}`);
  }
  try {
    const to = new Date(Date.parse(message.StateChangeTime.replace(/\+0000$/, "Z")) || Date.now());
    const from = new Date(to.getTime() - deps.windowMinutes * 60_000);
    const snapshots = await deps.readWindow(parsed.cluster, from, to);
    const offenders = findOffenders({ kind: signal.offenders, cluster: parsed.cluster, threshold }, snapshots).slice(0, 20);
    return enrichAlarmMessage(
      message,
      offenders,
      offenders.length === 0 ? `no offending node found in ${snapshots.length} snapshots` : undefined,
    );
  } catch (err) {
    deps.log?.warn("offender lookup failed; forwarding the page without node detail", { error: (err as Error).message });
    return enrichAlarmMessage(message, [], "node lookup failed; see the Engineering dashboard");
  }
}
