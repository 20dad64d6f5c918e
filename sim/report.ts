/**
 * Scores a run: which page each fault raised (tier, delay after the fault, added latency) and
 * the OK that resolved it; every other page after T0 is a false page. Pure.
 *
 * Added latency = page time - reference page time, where the reference is the same alarm
 * evaluated by the same CloudWatch rules on the same samples, as if every datapoint had reached
 * CloudWatch the instant its source poll obtained it. What remains is what the pipeline adds
 * (Kinesis, the batching window, ingest, publication). The window-based figure
 * (onset + datapointsToAlarm x period + the source's own delays) is printed beside it, so the
 * sampling resolution is visible too. See docs/simulation.md.
 */
import { type AlarmSpec, isBreaching, signalById, type Tier } from "../core/catalog";
import type { Notification } from "./alarm-evaluator";
import type { ExpectedAlarm, FaultSpec, Scenario } from "./scenario";

export interface DeliveryDelays {
  readonly staleAfterMs: number;
  readonly metricsSettleMs: number;
  readonly logsSettleMs: number;
  readonly suppressorWaitMs: number;
}

export interface FaultOutcome {
  readonly fault: FaultSpec;
  readonly alarm?: AlarmSpec;
  readonly expectedTier?: Tier;
  readonly startAt: number;
  readonly onsetAt: number;
  readonly clearAt: number;
  readonly page?: Notification;
  readonly ok?: Notification;
  /** When the alarm pages on the same samples delivered instantly (the reference). */
  readonly referenceAt?: number;
  /** onset + datapointsToAlarm x period + the source's own delays (staleness, Azure settle, composite wait). */
  readonly windowReferenceAt?: number;
  readonly addedLatencyMs?: number;
  readonly rightTier: boolean;
  readonly resolved: boolean;
  readonly associated: Notification[];
}

export interface Score {
  readonly faults: FaultOutcome[];
  readonly falsePages: Notification[];
  readonly pagedRightTier: number;
  readonly maxAddedLatencyS: number;
  readonly summaryLine: string;
}

function findAlarm(alarms: readonly AlarmSpec[], fault: FaultSpec, e: ExpectedAlarm): AlarmSpec | undefined {
  return alarms.find(
    (a) =>
      a.signalId === e.signal &&
      a.level === e.level &&
      (fault.cluster === undefined || a.instance.cluster === fault.cluster) &&
      (fault.deployment === undefined || a.instance.deployment === fault.deployment),
  );
}

export function unavoidableDelivery(fault: FaultSpec, alarm: AlarmSpec, d: DeliveryDelays): number {
  const source =
    fault.delivery === "redfish-stale"
      ? d.staleAfterMs
      : fault.delivery === "azure-metrics"
        ? d.metricsSettleMs
        : fault.delivery === "azure-logs"
          ? d.logsSettleMs
          : 0;
  return source + (alarm.suppressedByAlarm ? d.suppressorWaitMs : 0);
}

export function score(
  scenario: Scenario,
  t0: number,
  alarms: readonly AlarmSpec[],
  notifications: readonly Notification[],
  referenceNotifications: readonly Notification[],
  delays: DeliveryDelays,
): Score {
  const at = (min: number) => t0 + Math.round(min * 60_000);
  const scored = notifications.filter((n) => n.at >= t0);
  const attributed = new Set<Notification>();
  const faults: FaultOutcome[] = scenario.faults.map((fault) => {
    const alarm = findAlarm(alarms, fault, fault.expect);
    const expectedTier = signalById(fault.expect.signal)?.levels[fault.expect.level]?.tier;
    const startAt = at(fault.steps[0]?.atMin ?? 0);
    const clearAt = at(fault.clearMin);
    const onsetStep = alarm ? fault.steps.find((s) => s.value === undefined || isBreaching(alarm, s.value)) : undefined;
    const onsetAt = at(onsetStep?.atMin ?? fault.steps[0]?.atMin ?? 0);
    const page = alarm ? scored.find((n) => n.kind === "ALARM" && n.spec.name === alarm.name && n.at >= startAt) : undefined;
    const ok = page ? scored.find((n) => n.kind === "OK" && n.spec.name === alarm?.name && n.at >= page.at) : undefined;
    if (page) attributed.add(page);
    if (ok) attributed.add(ok);
    const associated: Notification[] = [];
    for (const e of fault.alsoExpected ?? []) {
      const other = findAlarm(alarms, fault, e);
      for (const n of scored) {
        if (other && n.spec.name === other.name && n.at >= startAt && n.at <= (ok?.at ?? clearAt) + 60 * 60_000) {
          associated.push(n);
          attributed.add(n);
        }
      }
    }
    const windowReferenceAt = alarm
      ? onsetAt + alarm.datapointsToAlarm * alarm.periodSeconds * 1000 + unavoidableDelivery(fault, alarm, delays)
      : undefined;
    const referenceAt = alarm
      ? referenceNotifications.find((n) => n.kind === "ALARM" && n.spec.name === alarm.name && n.at >= startAt)?.at
      : undefined;
    return {
      fault,
      alarm,
      expectedTier,
      startAt,
      onsetAt,
      clearAt,
      page,
      ok,
      referenceAt,
      windowReferenceAt,
      // A page with no reference page (cannot happen with the same samples) counts against us in full.
      addedLatencyMs: page ? page.at - (referenceAt ?? windowReferenceAt ?? page.at) : undefined,
      rightTier: !!page && page.spec.tier === expectedTier,
      resolved: !!ok && ok.at >= clearAt,
      associated,
    };
  });
  const falsePages = scored.filter((n) => n.kind === "ALARM" && !attributed.has(n));
  const pagedRightTier = faults.filter((f) => f.rightTier && f.resolved).length;
  const latencies = faults.map((f) => f.addedLatencyMs).filter((x): x is number => x !== undefined);
  const maxAddedLatencyS = latencies.length ? Math.round(Math.max(...latencies) / 1000) : 0;
  return {
    faults,
    falsePages,
    pagedRightTier,
    maxAddedLatencyS,
    summaryLine: `simulate-e2e faults=${faults.length} paged_right_tier=${pagedRightTier} false_pages=${falsePages.length} max_added_latency_s=${maxAddedLatencyS}`,
  };
}

const mmss = (ms: number) => {
  const sign = ms < 0 ? "-" : "";
  const s = Math.round(Math.abs(ms) / 1000);
  return `${sign}${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
};

export const clockOf = (t0: number, t: number) => {
  const s = Math.round((t - t0) / 1000);
  const sign = s < 0 ? "-" : "+";
  const a = Math.abs(s);
  return `T${sign}${String(Math.floor(a / 3600)).padStart(2, "0")}:${String(Math.floor((a % 3600) / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
};

export function timeline(result: Score, t0: number): string[] {
  const lines: string[] = ["", "Timeline (T = start of the scored period; page delay counted from the fault's onset)"];
  for (const f of result.faults) {
    lines.push(`${clockOf(t0, f.startAt)}  FAULT  ${f.fault.title}`);
    if (f.onsetAt !== f.startAt)
      lines.push(`${clockOf(t0, f.onsetAt)}         condition crosses the ${f.fault.expect.signal}/${f.fault.expect.level} threshold`);
    for (const n of f.associated.filter((x) => x.kind === "ALARM"))
      lines.push(`${clockOf(t0, n.at)}         also paged ${n.spec.tier} ${n.alarm} (+${mmss(n.at - f.startAt)} after the fault)`);
    if (!f.alarm) lines.push("                  NO ALARM in the catalog matches the expected signal");
    else if (!f.page) lines.push(`                  NOT PAGED: expected ${f.expectedTier} ${f.alarm.pagingAlarmName}`);
    else {
      const window = f.alarm.datapointsToAlarm * f.alarm.periodSeconds;
      const windowRef = f.windowReferenceAt ?? f.onsetAt;
      lines.push(
        `${clockOf(t0, f.page.at)}  PAGE   ${f.page.spec.tier} ${f.page.alarm}  ${mmss(f.page.at - f.onsetAt)} after onset, tier ${f.rightTier ? "right" : `WRONG (catalog: ${f.expectedTier})`}`,
        `                  pipeline added ${Math.round((f.addedLatencyMs ?? 0) / 1000)}s (reference page on the same samples delivered instantly: ${f.referenceAt === undefined ? "none" : clockOf(t0, f.referenceAt)});` +
          ` vs onset + window ${window}s + source delays ${mmss(windowRef - f.onsetAt - window * 1000)}: ${Math.round((f.page.at - windowRef) / 1000)}s (includes the poll's sampling phase)`,
      );
    }
    lines.push(`${clockOf(t0, f.clearAt)}  CLEAR  ${f.fault.id}`);
    if (f.ok)
      lines.push(
        `${clockOf(t0, f.ok.at)}  OK     ${f.ok.spec.tier} ${f.ok.alarm}  ${mmss(f.ok.at - f.clearAt)} after the fault was cleared`,
      );
    else if (f.page) lines.push("                  NOT RESOLVED: no OK notification before the end of the run");
  }
  lines.push("");
  if (result.falsePages.length === 0) lines.push("False pages: none");
  for (const n of result.falsePages) lines.push(`FALSE PAGE ${clockOf(t0, n.at)} ${n.spec.tier} ${n.alarm}`);
  return lines;
}
