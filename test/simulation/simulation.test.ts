/**
 * A shortened scenario end to end: the real Redfish poller over HTTPS to fake BMCs built from the
 * mockups, kinesalite, the real ingest handler, the real Azure poller against the HTTPS Azure fake,
 * and the catalog's alarms evaluated by CloudWatch's rules on what those components emitted.
 * Expectations come from the scenario (what was injected, when) and the catalog (tier, M, period),
 * never from a previous run's output.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { signalById } from "../../core/catalog";
import { installSimClock } from "../../sim/clock";
import type { RunResult } from "../../sim/run";
import type { FaultSpec, Scenario } from "../../sim/scenario";

let result: RunResult;
let scenario: Scenario;
const t0 = Math.ceil(Date.now() / 3_600_000) * 3_600_000;

beforeAll(async () => {
  // The simulated clock replaces Date before the components load (dynamic imports below).
  const clock = installSimClock(t0 - 60 * 60_000);
  const { shortScenario } = await import("../../sim/scenario");
  const { runSimulation } = await import("../../sim/run");
  scenario = shortScenario();
  result = await runSimulation(scenario, { clock, t0 });
}, 180_000);

function outcome(id: string) {
  const o = result.score.faults.find((f) => f.fault.id === id);
  if (!o) throw new Error(`scenario has no fault ${id}`);
  return o;
}

const at = (min: number) => t0 + Math.round(min * 60_000);

/** CloudWatch cannot page before the M-th breaching period after the onset has ended. */
function earliestPage(onsetAt: number, m: number, periodS: number): number {
  const p = periodS * 1000;
  return Math.floor(onsetAt / p) * p + m * p;
}

function expectedOf(fault: FaultSpec) {
  const level = signalById(fault.expect.signal)?.levels[fault.expect.level];
  if (!level) throw new Error(`catalog has no ${fault.expect.signal}/${fault.expect.level}`);
  return level;
}

describe("simulation (short scenario)", () => {
  it("a dead fan pages P2 (the catalog's tier for fan-failed) and resolves with OK after the repair", () => {
    const fan = outcome("fan");
    const level = expectedOf(fan.fault);
    expect(level.tier).toBe("P2"); // docs/signal-catalog.md: fan failed -> P2 (one fan)
    expect(fan.page?.kind).toBe("ALARM");
    expect(fan.page?.spec.tier).toBe(level.tier);
    expect(fan.page?.spec.instance.cluster).toBe(fan.fault.cluster);
    const earliest = earliestPage(fan.onsetAt, level.datapointsToAlarm, 60);
    expect(fan.page?.at).toBeGreaterThanOrEqual(earliest);
    // At most one poll interval (the fault may start just after a sweep) beyond the earliest.
    expect(fan.page?.at).toBeLessThanOrEqual(earliest + 60_000);
    expect(fan.ok?.kind).toBe("OK");
    expect(fan.ok?.at).toBeGreaterThanOrEqual(at(fan.fault.clearMin));
    expect(fan.resolved).toBe(true);
  });

  it("a GPU climbing past 83 °C pages the catalog's critical tier (P1) after the condition is sustained", () => {
    const heat = outcome("gpu-heat");
    const level = expectedOf(heat.fault);
    expect(level.tier).toBe("P1"); // docs/signal-catalog.md: GPU temperature > 83 °C sustained -> P1
    const threshold = signalById("gpu-temperature")?.levels.critical?.threshold as number;
    const firstHot = heat.fault.steps.find((s) => (s.value ?? 0) > threshold);
    expect(heat.onsetAt).toBe(at(firstHot?.atMin ?? Number.NaN));
    expect(heat.page?.spec.tier).toBe(level.tier);
    expect(heat.page?.spec.signalId).toBe("gpu-temperature");
    expect(heat.page?.at).toBeGreaterThanOrEqual(earliestPage(heat.onsetAt, level.datapointsToAlarm, 60));
    expect(heat.page?.at).toBeLessThanOrEqual(earliestPage(heat.onsetAt, level.datapointsToAlarm, 60) + 60_000);
    expect(heat.resolved).toBe(true);
    // On its way up it crossed the warn level too: that page is attributed to the fault, on warn's tier.
    const warnTier = signalById("gpu-temperature")?.levels.warn?.tier;
    expect(heat.associated.some((n) => n.kind === "ALARM" && n.spec.level === "warn" && n.spec.tier === warnTier)).toBe(true);
  });

  it("the healthy fleet raises no page, and nothing pages that no fault explains", () => {
    const healthy = result.notifications.filter(
      (n) => n.kind === "ALARM" && n.at >= at(scenario.healthy.fromMin) && n.at < at(scenario.healthy.toMin),
    );
    expect(healthy).toEqual([]);
    expect(result.score.falsePages).toEqual([]);
  });

  it("ran the real components: snapshots through Kinesis and ingest, Azure polls, no lost data", () => {
    const minutes = scenario.warmupMinutes + scenario.durationMinutes + 1;
    const bmcs = 12;
    expect(result.counters.snapshots).toBe(minutes * bmcs);
    expect(result.counters.ingestRecords).toBe(result.counters.snapshots);
    expect(result.counters.deadLetters).toBe(0);
    expect(result.counters.undelivered).toBe(0);
    expect(result.counters.azurePolls).toBe(minutes);
    expect(result.counters.azureErrors).toBe(0);
    expect(result.score.summaryLine).toMatch(/^simulate-e2e faults=2 paged_right_tier=2 false_pages=0 max_added_latency_s=-?\d+$/);
  });
});
