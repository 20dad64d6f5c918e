/**
 * The seeded simulation (sim/model): a short scenario through the model with a fixed seed, the
 * same scenario with one catalog tier changed (the run must then fail), the scoring rules on
 * hand-made pages, and the delay table. Expectations come from the scenario (tier, deadline,
 * what was injected) and the catalog, never from a previous run's output.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { type AlarmSpec, EVALUATION_RANGES, SIGNALS, type SignalDefinition } from "../../core/catalog";
import { Rng } from "../../dev-support/random";
import { DELAYS, draw, PROBABILITIES } from "../../sim/delays";
import type { ModelRunResult, Page } from "../../sim/model/engine";
import { runModel } from "../../sim/model/engine";
import { type FaultSpec, shortModelScenario } from "../../sim/model/scenario";
import { type RunScore, scoreRun, summarise, summaryLine } from "../../sim/model/score";
import { SeriesStore } from "../../sim/model/series";

const scenario = shortModelScenario();
let baseline: RunScore;
let retiered: RunScore;

/** The catalog with fan-failed's warn level paging P3 instead of P2. */
function withFanTier(tier: "P1" | "P2" | "P3"): SignalDefinition[] {
  return SIGNALS.map((s) =>
    s.id === "fan-failed" ? { ...s, levels: { ...s.levels, warn: { ...(s.levels.warn as NonNullable<typeof s.levels.warn>), tier } } } : s,
  );
}

beforeAll(async () => {
  baseline = scoreRun(await runModel(scenario, { seed: 7, evaluationRange: EVALUATION_RANGES["n+2"] }));
  retiered = scoreRun(await runModel(scenario, { seed: 7, evaluationRange: EVALUATION_RANGES["n+2"], signals: withFanTier("P3") }));
}, 60_000);

const outcome = (score: RunScore, id: string) => {
  const o = score.faults.find((f) => f.fault.id === id);
  if (!o) throw new Error(`no outcome for ${id}`);
  return o;
};

describe("seeded simulation, short scenario", () => {
  test("the dead fan and the hot GPU page the scenario's tiers before their deadlines", () => {
    for (const id of ["fan", "gpu-heat"]) {
      const o = outcome(baseline, id);
      expect(o.page?.spec.signalId).toBe(o.expect.signal);
      expect(o.page?.spec.tier).toBe(o.expect.tier);
      expect(o.rightTier).toBe(true);
      expect(o.page!.deliveredAt - o.onsetAt).toBeLessThanOrEqual(o.expect.deadlineMin * 60_000);
      // Sustained means M periods: CloudWatch cannot alarm before M periods after the onset.
      const m = SIGNALS.find((s) => s.id === o.expect.signal)!.levels[o.expect.level]!.datapointsToAlarm;
      expect(o.page!.actionAt - o.onsetAt).toBeGreaterThan((m - 1) * 60_000);
    }
  });

  test("a GPU hot for 3 minutes (M = 5) does not page, and nothing else pages", () => {
    const brief = scenario.faults.find((f) => f.id === "brief-heat") as FaultSpec;
    expect(brief.expect).toBeNull();
    expect(brief.durationMin).toBeLessThan(SIGNALS.find((s) => s.id === "gpu-temperature")!.levels.critical!.datapointsToAlarm);
    expect(baseline.falsePages).toEqual([]);
  });

  test("the run fails when a catalog tier is changed: fan-failed at P3 is not the scenario's P2", () => {
    const fan = outcome(retiered, "fan");
    expect(fan.expect.tier).toBe("P2");
    expect(fan.page?.spec.tier).toBe("P3");
    expect(fan.rightTier).toBe(false);
    expect(fan.inTime).toBe(false);
    const summary = summarise([retiered]);
    expect(summary.pagedRightTier).toBeLessThan(summary.faults);
    expect(summarise([baseline]).pagedRightTier).toBe(summarise([baseline]).faults);
  });

  test("the summary line has exactly the issue's shape", () => {
    expect(summaryLine(summarise([baseline, retiered]))).toMatch(
      /^simulate faults=4 paged_right_tier=\d+ paged_in_time=\d+ false_pages=\d+ p50_time_to_page_s=\d+ p95_time_to_page_s=\d+ seeds=2$/,
    );
  });
});

describe("scoring rules", () => {
  const t0 = Date.UTC(2026, 0, 5);
  const spec = {
    name: "FleetWatch/dev/fan-failed/warn/train-a",
    signalId: "fan-failed",
    level: "warn",
    tier: "P2",
    instance: { cluster: "train-a" },
  } as unknown as AlarmSpec;
  const fault: FaultSpec = {
    id: "f",
    title: "fan",
    atMin: 10,
    durationMin: 5,
    effects: [],
    expect: { signal: "fan-failed", level: "warn", cluster: "train-a", tier: "P2", deadlineMin: 10 },
  };
  const run = (pages: Page[]): ModelRunResult => ({
    seed: 1,
    t0,
    scenario: { name: "t", warmupMinutes: 0, durationMinutes: 60, healthy: { fromMin: 0, toMin: 10 }, faults: [fault], noise: false },
    alarms: [spec],
    pages,
    noise: [],
    faultStart: new Map([["f", 0]]),
    counters: {},
    transitions: new Map(),
    store: new SeriesStore(),
  });
  const page = (actionMin: number, deliveredMin: number): Page => ({
    kind: "ALARM",
    alarm: spec.name,
    spec,
    actionAt: t0 + actionMin * 60_000,
    deliveredAt: t0 + deliveredMin * 60_000,
  });

  test("a page delivered before the deadline and the repair is in time", () => {
    const [o] = scoreRun(run([page(13, 13.1)])).faults;
    expect(o?.rightTier && o.inTime).toBe(true);
    expect(o?.timeToPageS).toBe(186);
  });

  test("a page that reaches its destination after the fault was repaired is not in time (deadline 10 min, repaired after 5)", () => {
    const [o] = scoreRun(run([page(14.9, 15.2)])).faults;
    expect(o?.rightTier).toBe(true);
    expect(o?.inTime).toBe(false);
  });

  test("a page no fault explains is a false page; the expected alarm firing again during its fault is a repeat, not a false page", () => {
    const other = { ...spec, name: "x", signalId: "power-cap" } as AlarmSpec;
    const score = scoreRun(run([page(12, 12.1), page(14, 14.1), { ...page(30, 30.1), spec: other, alarm: "x" }]));
    expect(score.faults[0]?.repeatPages).toBe(1);
    expect(score.falsePages.map((p) => p.alarm)).toEqual(["x"]);
  });
});

describe("delays and randomness", () => {
  test("every stage and probability states its source or reasoning", () => {
    for (const [name, stage] of Object.entries({ ...DELAYS, ...PROBABILITIES })) expect(stage.source.length, name).toBeGreaterThan(20);
  });

  test("one seed gives one sequence; another seed another", () => {
    const seq = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 5 }, () => r.uniform());
    };
    expect(seq(42)).toEqual(seq(42));
    expect(seq(42)).not.toEqual(seq(43));
  });

  test("log-normal draws have the stated median and 95th percentile; triangular stays in its bounds", () => {
    const rng = new Rng(1);
    const dist = DELAYS.emfToMetric.dist;
    const xs = Array.from({ length: 20_000 }, () => draw(rng, dist)).sort((a, b) => a - b);
    expect(xs[10_000]!).toBeGreaterThan(dist.medianS * 0.95);
    expect(xs[10_000]!).toBeLessThan(dist.medianS * 1.05);
    expect(xs[19_000]!).toBeGreaterThan(dist.p95S * 0.9);
    expect(xs[19_000]!).toBeLessThan(dist.p95S * 1.1);
    const sweep = DELAYS.pollerSweep.dist;
    for (let i = 0; i < 1000; i++) {
      const s = draw(rng, sweep);
      expect(s).toBeGreaterThanOrEqual(sweep.minS);
      expect(s).toBeLessThanOrEqual(sweep.maxS);
    }
  });
});
