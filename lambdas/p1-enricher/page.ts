/**
 * What the enricher does with one P1 notification, with its I/O injected: find the offenders
 * for fleet alarms, enrich the message, and always forward it. A failed lookup never holds
 * back a page: the original message goes out with a note saying why it has no node.
 */
import { parseAlarmName, signalById } from "../../lib/catalog";
import type { BmcSnapshot } from "../shared/snapshot";
import { alarmSubject, type CloudWatchAlarmMessage, enrichAlarmMessage, parseAlarmMessage } from "./alarm-message";
import { findOffenders } from "./offenders";

export interface PageDependencies {
  /** Snapshots of one cluster between two instants; undefined when no stream is wired. */
  readonly readWindow?: (cluster: string, from: Date, to: Date) => Promise<BmcSnapshot[]>;
  readonly publish: (subject: string, message: string) => Promise<void>;
  readonly log?: (message: string, fields: Record<string, unknown>) => void;
  /** Minutes of snapshots before the state change to look at. */
  readonly windowMinutes: number;
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
  return { subject: outSubject, message: out, offenders };
}

async function enrich(message: CloudWatchAlarmMessage, deps: PageDependencies): Promise<CloudWatchAlarmMessage> {
  // OK resolves the incident by AlarmName; it needs nothing added.
  if (message.NewStateValue !== "ALARM") return message;
  const parsed = parseAlarmName(message.AlarmName);
  const signal = parsed ? signalById(parsed.signalId) : undefined;
  if (!parsed || !signal?.offenders || !parsed.cluster) return message;
  if (!deps.readWindow) return enrichAlarmMessage(message, [], "node detail unavailable: no telemetry stream wired to the enricher");
  const threshold =
    typeof message.Trigger?.Threshold === "number" ? message.Trigger.Threshold : (signal.levels[parsed.level]?.threshold ?? 0);
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
    deps.log?.("offender lookup failed; forwarding the page without node detail", { error: (err as Error).message });
    return enrichAlarmMessage(message, [], "node lookup failed; see the Engineering dashboard");
  }
}
