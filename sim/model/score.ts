/**
 * Scores seeded runs against the scenario: for each fault that must page, whether the alarm the
 * scenario names paged on the tier the scenario names (not the catalog's), and whether the page
 * reached its destination before the scenario's deadline and before the fault was repaired.
 * Every other page after T0 is a false page, including any page from a fault that must not page.
 * Pure.
 */
import type { AlarmSpec } from "../../core/catalog";
import type { ModelRunResult, Page } from "./engine";
import type { AlarmRef, ExpectedPage, FaultSpec } from "./scenario";

const MIN = 60_000;
/** Pages of a fault's alarms shortly after its repair (a lagging datapoint) are still the fault's. */
const AFTER_REPAIR_MS = 15 * MIN;

export interface FaultOutcome {
  readonly seed: number;
  readonly fault: FaultSpec;
  readonly expect: ExpectedPage;
  readonly onsetAt: number;
  readonly repairedAt: number;
  readonly alarm?: AlarmSpec;
  readonly page?: Page;
  /** Further ALARM pages of the same alarm during the fault (the alarm went back to OK and fired again). */
  readonly repeatPages: number;
  readonly rightTier: boolean;
  readonly inTime: boolean;
  /** Onset to delivery, seconds. */
  readonly timeToPageS?: number;
}

export interface RunScore {
  readonly seed: number;
  readonly faults: FaultOutcome[];
  readonly falsePages: Page[];
}

function matches(spec: AlarmSpec, ref: AlarmRef & { cluster?: string; deployment?: string }): boolean {
  return (
    spec.signalId === ref.signal &&
    (ref.level === undefined || spec.level === ref.level) &&
    (ref.cluster === undefined || spec.instance.cluster === ref.cluster) &&
    (ref.deployment === undefined || spec.instance.deployment === ref.deployment)
  );
}

export function scoreRun(run: ModelRunResult): RunScore {
  const { t0, scenario } = run;
  const pages = run.pages.filter((p) => p.kind === "ALARM" && p.actionAt >= t0);
  const explained = new Set<Page>();
  const faults: FaultOutcome[] = [];
  for (const fault of scenario.faults) {
    const startAt = t0 + Math.round(fault.atMin * MIN) + (run.faultStart.get(fault.id) ?? 0) * 1000;
    const repairedAt = startAt + Math.round(fault.durationMin * MIN);
    const onsetAt = startAt + Math.round((fault.onsetAfterMin ?? 0) * MIN);
    const window = (p: Page) => p.actionAt >= startAt && p.actionAt <= repairedAt + AFTER_REPAIR_MS;
    for (const ref of fault.alsoMayPage ?? []) for (const p of pages) if (window(p) && matches(p.spec, ref)) explained.add(p);
    if (!fault.expect) continue;
    const expect = fault.expect;
    const alarm = run.alarms.find((a) => matches(a, expect));
    const own = pages.filter((p) => window(p) && matches(p.spec, expect));
    const page = own[0];
    for (const p of own) explained.add(p);
    const deadline = Math.min(onsetAt + expect.deadlineMin * MIN, repairedAt);
    const rightTier = !!page && page.spec.tier === expect.tier;
    faults.push({
      seed: run.seed,
      fault,
      expect,
      onsetAt,
      repairedAt,
      ...(alarm ? { alarm } : {}),
      ...(page ? { page, timeToPageS: Math.round((page.deliveredAt - onsetAt) / 1000) } : {}),
      repeatPages: Math.max(0, own.length - 1),
      rightTier,
      inTime: rightTier && !!page && page.deliveredAt <= deadline,
    });
  }
  return { seed: run.seed, faults, falsePages: pages.filter((p) => !explained.has(p)) };
}

/** Nearest-rank percentile of a list of seconds. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] as number;
}

export interface Summary {
  readonly faults: number;
  readonly pagedRightTier: number;
  readonly pagedInTime: number;
  readonly falsePages: number;
  readonly p50TimeToPageS: number;
  readonly p95TimeToPageS: number;
  readonly seeds: number;
}

/** Totals over seeds: every (fault, seed) pair that must page counts once. */
export function summarise(scores: readonly RunScore[]): Summary {
  const outcomes = scores.flatMap((s) => s.faults);
  const times = outcomes.filter((o) => o.rightTier && o.timeToPageS !== undefined).map((o) => o.timeToPageS as number);
  return {
    faults: outcomes.length,
    pagedRightTier: outcomes.filter((o) => o.rightTier).length,
    pagedInTime: outcomes.filter((o) => o.inTime).length,
    falsePages: scores.reduce((a, s) => a + s.falsePages.length, 0),
    p50TimeToPageS: percentile(times, 50),
    p95TimeToPageS: percentile(times, 95),
    seeds: scores.length,
  };
}

export function summaryLine(s: Summary): string {
  const n = (x: number) => (Number.isFinite(x) ? String(x) : "NaN");
  return `simulate faults=${s.faults} paged_right_tier=${s.pagedRightTier} paged_in_time=${s.pagedInTime} false_pages=${s.falsePages} p50_time_to_page_s=${n(s.p50TimeToPageS)} p95_time_to_page_s=${n(s.p95TimeToPageS)} seeds=${s.seeds}`;
}
