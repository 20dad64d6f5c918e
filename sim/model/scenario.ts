/**
 * Scenarios of the seeded simulation, as data: faults (each with the tier it must page and a
 * page deadline written here, independently of the catalog) and the random noise of a healthy
 * fleet. To add a scenario item, append a FaultSpec (docs/simulation.md, "Adding a fault").
 */
import type { LevelName, Tier } from "../../core/catalog";
import type { TrafficCondition } from "../traffic-condition";

/** What a fault or a noise item changes while it is active. Node ids are sim/scenario.ts FLEET's. */
export type Effect =
  /** One GPU's temperature; a list is a ramp, one value per minute from the start, the last held. */
  | { readonly kind: "gpu-temperature"; readonly node: string; readonly gpu: number; readonly celsius: number | readonly number[] }
  | { readonly kind: "fan-failed"; readonly node: string; readonly fans: readonly number[] }
  | { readonly kind: "gpu-throttled"; readonly node: string; readonly gpu: number }
  /** Uncorrectable ECC count grows by `add` (a new event). */
  | { readonly kind: "ecc-uncorrectable"; readonly node: string; readonly gpu: number; readonly add: number }
  | { readonly kind: "chassis-power"; readonly node: string; readonly watts: number }
  /** The poller's snapshot status for these BMCs: dark (unreachable), rejected credentials, or part of the resources failing. */
  | { readonly kind: "bmc-status"; readonly nodes: readonly string[] | "all"; readonly status: "unreachable" | "auth_failed" | "partial" }
  | { readonly kind: "azure"; readonly deployment: string; readonly condition: TrafficCondition }
  /** Share of telemetry-ingest invocations that fail (sink throttling, a bad deploy). */
  | { readonly kind: "ingest-errors"; readonly failureShare: number }
  /** Seconds the ingest spends per record (a slow sink): above 60 s per minute of records a backlog builds up. */
  | { readonly kind: "ingest-slow"; readonly secondsPerRecord: number };

export interface ExpectedPage {
  readonly signal: string;
  readonly level: LevelName;
  /** The alarm's scope instance, when it has one. */
  readonly cluster?: string;
  readonly deployment?: string;
  /** The tier this fault must page, decided here (docs/signal-catalog.md), not read from the catalog. */
  readonly tier: Tier;
  /** From the onset to the page reaching its destination. */
  readonly deadlineMin: number;
}

export interface AlarmRef {
  readonly signal: string;
  readonly level?: LevelName;
}

export interface FaultSpec {
  readonly id: string;
  readonly title: string;
  /** Minutes from T0 (fractions allowed); each seed adds a random second within that minute. */
  readonly atMin: number;
  readonly durationMin: number;
  /** When the condition the expected alarm watches begins, minutes after atMin (ramps); default 0. */
  readonly onsetAfterMin?: number;
  readonly effects: readonly Effect[];
  /** The page this fault must raise; null = it must not page at all (any page is a false page). */
  readonly expect: ExpectedPage | null;
  /** Other alarms this fault legitimately raises while active (they are not false pages). */
  readonly alsoMayPage?: readonly AlarmRef[];
}

export interface NoiseItem {
  readonly id: string;
  readonly title: string;
  readonly atMs: number;
  readonly untilMs: number;
  readonly effects: readonly Effect[];
}

export interface ModelScenario {
  readonly name: string;
  readonly warmupMinutes: number;
  /** Scored minutes after T0. */
  readonly durationMinutes: number;
  /** The healthy stretch with noise only, [from, to) minutes. */
  readonly healthy: { readonly fromMin: number; readonly toMin: number };
  readonly faults: readonly FaultSpec[];
  /** Random noise over the whole run (the generator draws from the run's one PRNG). */
  readonly noise: boolean;
}

const H = 60;
const DAY = 24 * H;

/**
 * The pages of one SLO's burn-rate composites (core/catalog/slo.ts: signal `<slo>/burn-<tier>`).
 * A fault that spends an SLO's error budget may legitimately raise them besides its own page.
 */
const sloPages = (slo: string, tiers: readonly ("p1" | "p2" | "p3")[] = ["p1", "p2", "p3"]): AlarmRef[] =>
  tiers.map((t) => ({ signal: `${slo}/burn-${t}` }));

/** The full run: 24 healthy hours with random noise, then every fault (two at once near the end). */
export function fullModelScenario(): ModelScenario {
  const at = (h: number, m: number) => DAY + h * H + m;
  const slowBurn: FaultSpec[] = [
    {
      // Issue 17: 5 % of gpt-4o-mini's requests throttled (2 of its ~40 a minute) for 5.5 h, never
      // over the retired threshold alarm's "> 5 %": a 10x burn of dev's 99.5 % availability
      // budget. Method: P2 when the 6 h window's error ratio passes 6 x 0.5 = 3 %, after about
      // 3.6 h at 5 %; no P1 (14.4x needs 7.2 %). Earlier faults on gpt-4o-mini keep its 3-day
      // window over 1x, so the P3 ticket comes first. Last, so no other fault shares its windows.
      id: "slow-burn",
      title: "slow burn: 5 % of gpt-4o-mini's requests throttled for 5.5 h (never over a 5 % threshold)",
      atMin: at(14, 30),
      durationMin: 330,
      effects: [{ kind: "azure", deployment: "gpt-4o-mini", condition: { throttledShare: 0.05 } }],
      expect: { signal: "aoai-availability/burn-p2", level: "warn", deployment: "gpt-4o-mini", tier: "P2", deadlineMin: 300 },
      alsoMayPage: sloPages("aoai-availability", ["p3"]),
    },
  ];
  const faults: FaultSpec[] = [
    {
      // Issue 17: 8 % of gpt-4o's requests throttled (1 of its ~15 a minute, 6.7 %) for 12 min,
      // which a "429 rate > 5 % for 10 of 14 min" threshold alarm pages: 1.3 % of the last hour's
      // requests, under the fast burn's 7.2 % (14.4 x 0.5 %), and 0.2 % of the last 6 h, under
      // the slow burn's 3 %. Must not page.
      id: "short-spike",
      title: "short 429 spike on gpt-4o (8 % for 12 min): must not page",
      atMin: at(3, 0),
      durationMin: 12,
      effects: [{ kind: "azure", deployment: "gpt-4o", condition: { throttledShare: 0.08 } }],
      expect: null,
    },
    {
      id: "ecc",
      title: "uncorrectable ECC error on gb300-1 GPU_1",
      atMin: at(0, 0),
      durationMin: 60,
      effects: [{ kind: "ecc-uncorrectable", node: "gb300-1", gpu: 1, add: 1 }],
      expect: { signal: "gpu-uncorrectable-ecc", level: "critical", cluster: "train-a", tier: "P1", deadlineMin: 5 },
    },
    {
      id: "fan",
      title: "a fan dies on apollo-1",
      atMin: at(1, 10),
      durationMin: 25,
      effects: [{ kind: "fan-failed", node: "apollo-1", fans: [2] }],
      expect: { signal: "fan-failed", level: "warn", cluster: "train-a", tier: "P2", deadlineMin: 10 },
    },
    {
      id: "gpu-heat",
      title: "apollo-2 GPU climbs past 83 °C",
      atMin: at(1, 50),
      durationMin: 25,
      onsetAfterMin: 3,
      effects: [{ kind: "gpu-temperature", node: "apollo-2", gpu: 0, celsius: [72, 77, 80, 85, 88, 89] }],
      expect: { signal: "gpu-temperature", level: "critical", cluster: "train-a", tier: "P1", deadlineMin: 10 },
      // A GPU over critical for 25 min spends the GPU fleet budget too (one GPU of a dozen).
      alsoMayPage: [{ signal: "gpu-temperature", level: "warn" }, ...sloPages("gpu-fleet", ["p2", "p3"])],
    },
    {
      id: "power-cap",
      title: "tower-1 draws at its power cap (1,030 of 1,045 W)",
      atMin: at(2, 30),
      durationMin: 25,
      effects: [{ kind: "chassis-power", node: "tower-1", watts: 1030 }],
      expect: { signal: "power-cap", level: "warn", cluster: "train-a", tier: "P2", deadlineMin: 15 },
    },
    {
      id: "bmc-dark",
      title: "BMC rack-3 goes dark",
      atMin: at(3, 10),
      durationMin: 30,
      effects: [{ kind: "bmc-status", nodes: ["rack-3"], status: "unreachable" }],
      expect: { signal: "bmc-telemetry-stale", level: "warn", cluster: "infer-b", tier: "P2", deadlineMin: 15 },
    },
    {
      id: "429-storm",
      title: "429 storm on gpt-4o-mini (30 % throttled)",
      atMin: at(4, 0),
      durationMin: 30,
      effects: [{ kind: "azure", deployment: "gpt-4o-mini", condition: { throttledShare: 0.3 } }],
      // 30 % of requests failing is a 60x burn of a 99.5 % availability budget: the fast-burn P1
      // (aoai-429-rate, a P2 threshold alarm, is retired while the availability SLO is on).
      expect: { signal: "aoai-availability/burn-p1", level: "critical", deployment: "gpt-4o-mini", tier: "P1", deadlineMin: 25 },
      alsoMayPage: sloPages("aoai-availability", ["p2", "p3"]),
    },
    {
      id: "latency",
      title: "gpt-4o P99 at 1.6x its SLO",
      atMin: at(4, 50),
      durationMin: 40,
      effects: [{ kind: "azure", deployment: "gpt-4o", condition: { latencyFactor: 3.2 } }],
      // Every minute's P99 over the threshold: a 40x burn of dev's 97.5 % latency SLO. P1 once 36 %
      // of the last hour's minutes are slow (22 min) and those minutes have landed from Log
      // Analytics (11 min): about 35 min. aoai-p99-latency is retired while the latency SLO is on.
      expect: { signal: "aoai-latency/burn-p1", level: "critical", deployment: "gpt-4o", tier: "P1", deadlineMin: 40 },
      alsoMayPage: sloPages("aoai-latency", ["p2", "p3"]),
    },
    {
      id: "outage",
      title: "gpt-4o-mini outage (every request 503)",
      atMin: at(5, 50),
      durationMin: 20,
      effects: [{ kind: "azure", deployment: "gpt-4o-mini", condition: { serverErrorShare: 1 } }],
      // The availability fast burn pages P1; aoai-zero-success, demoted to P2, says "complete outage" in chat.
      expect: { signal: "aoai-availability/burn-p1", level: "critical", deployment: "gpt-4o-mini", tier: "P1", deadlineMin: 15 },
      alsoMayPage: [{ signal: "aoai-zero-success" }, ...sloPages("aoai-availability", ["p2", "p3"])],
    },
    {
      id: "network-outage",
      title: "environment-wide BMC network outage (every BMC dark): per-cluster pages must stay suppressed",
      atMin: at(6, 30),
      durationMin: 30,
      effects: [{ kind: "bmc-status", nodes: "all", status: "unreachable" }],
      expect: { signal: "bmc-network-outage", level: "critical", tier: "P1", deadlineMin: 8 },
      // The GPU fleet SLO's pages are suppressed with the rest; the slow-burn tiers may report the
      // budget the outage spent once the suppression's extension is over.
      alsoMayPage: sloPages("gpu-fleet", ["p2", "p3"]),
    },
    {
      id: "cluster-unreachable",
      title: "2 of infer-b's 6 BMCs unreachable (33 %)",
      atMin: at(7, 30),
      durationMin: 25,
      effects: [{ kind: "bmc-status", nodes: ["rack-4", "rack-5"], status: "unreachable" }],
      expect: { signal: "bmc-unreachable-share", level: "critical", cluster: "infer-b", tier: "P1", deadlineMin: 10 },
      alsoMayPage: [{ signal: "bmc-telemetry-stale" }, ...sloPages("gpu-fleet")],
    },
    {
      id: "two-fans",
      title: "two fans fail in apollo-2's chassis",
      atMin: at(8, 20),
      durationMin: 20,
      effects: [{ kind: "fan-failed", node: "apollo-2", fans: [0, 1] }],
      expect: { signal: "fans-failed-per-chassis", level: "critical", cluster: "train-a", tier: "P1", deadlineMin: 6 },
      alsoMayPage: [{ signal: "fan-failed" }],
    },
    {
      id: "throttling",
      title: "cray-1 GPU throttled for 25 min",
      atMin: at(9, 0),
      durationMin: 25,
      effects: [{ kind: "gpu-throttled", node: "cray-1", gpu: 0 }],
      // One throttled GPU is a ticket while the GPU fleet SLO is on (gpu-throttled is demoted to P3).
      expect: { signal: "gpu-throttled", level: "warn", cluster: "infer-b", tier: "P3", deadlineMin: 20 },
      // One of infer-b's 10 GPUs throttled is 10 % of its GPU-minutes: with budget already spent
      // earlier in the 6 h window, the GPU fleet SLO may page its slow burn.
      alsoMayPage: sloPages("gpu-fleet", ["p2", "p3"]),
    },
    {
      id: "auth-failures",
      title: "train-a's BMCs reject the poller's credentials (rotated password)",
      atMin: at(9, 40),
      durationMin: 25,
      effects: [{ kind: "bmc-status", nodes: ["apollo-1", "apollo-2", "gb300-1", "tower-1", "rack-1", "rack-2"], status: "auth_failed" }],
      expect: { signal: "bmc-unreachable-share", level: "critical", cluster: "train-a", tier: "P1", deadlineMin: 10 },
      alsoMayPage: [{ signal: "bmc-telemetry-stale" }, ...sloPages("gpu-fleet")],
    },
    {
      id: "partial-data",
      title: "gb300-1 answers partially (GPU temperatures missing) for 20 min: must not page",
      atMin: at(10, 20),
      durationMin: 20,
      effects: [{ kind: "bmc-status", nodes: ["gb300-1"], status: "partial" }],
      expect: null,
    },
    {
      id: "ingest-errors",
      title: "ingest error burst: every invocation fails for 15 min (batches go to the DLQ)",
      atMin: at(11, 0),
      durationMin: 20,
      effects: [{ kind: "ingest-errors", failureShare: 1 }],
      expect: { signal: "ingest-dlq-depth", level: "warn", tier: "P2", deadlineMin: 15 },
      alsoMayPage: [{ signal: "bmc-telemetry-stale" }, { signal: "ingest-iterator-age" }],
    },
    {
      id: "iterator-age",
      title: "slow sink: 8 s per record (96 s per minute of snapshots), the iterator age grows",
      atMin: at(11, 50),
      durationMin: 35,
      effects: [{ kind: "ingest-slow", secondsPerRecord: 8 }],
      expect: { signal: "ingest-iterator-age", level: "warn", tier: "P2", deadlineMin: 25 },
      alsoMayPage: [{ signal: "bmc-telemetry-stale" }, { signal: "bmc-unreachable-share" }, ...sloPages("gpu-fleet")],
    },
    {
      id: "concurrent-fan",
      title: "two at once (1/2): rack-1's fan fails",
      atMin: at(13, 0),
      durationMin: 25,
      effects: [{ kind: "fan-failed", node: "rack-1", fans: [0] }],
      expect: { signal: "fan-failed", level: "warn", cluster: "train-a", tier: "P2", deadlineMin: 10 },
    },
    {
      id: "concurrent-outage",
      title: "two at once (2/2): gpt-4o outage",
      atMin: at(13, 2),
      durationMin: 25,
      effects: [{ kind: "azure", deployment: "gpt-4o", condition: { serverErrorShare: 1 } }],
      expect: { signal: "aoai-availability/burn-p1", level: "critical", deployment: "gpt-4o", tier: "P1", deadlineMin: 15 },
      alsoMayPage: [{ signal: "aoai-zero-success" }, ...sloPages("aoai-availability", ["p2", "p3"])],
    },
    {
      id: "brief-heat",
      title: "apollo-1 GPU at 86 °C for 3 min, shorter than M = 5: must not page",
      atMin: at(13, 50),
      durationMin: 3,
      effects: [{ kind: "gpu-temperature", node: "apollo-1", gpu: 1, celsius: 86 }],
      expect: null,
    },
  ];
  faults.push(...slowBurn);
  // 6 h of warm-up: the SLO alarms' long windows need history, or their first hours judge a
  // 3-day budget on minutes of data (a deploy-time artefact, like "breaching" alarms' first ALARM).
  return { name: "full", warmupMinutes: 6 * H, durationMinutes: at(20, 15), healthy: { fromMin: 0, toMin: DAY }, faults, noise: true };
}

/** A short scenario for tests: a dead fan and an overheating GPU after a brief healthy stretch, no noise. */
export function shortModelScenario(): ModelScenario {
  const full = fullModelScenario();
  const pick = (id: string, atMin: number): FaultSpec => ({ ...(full.faults.find((f) => f.id === id) as FaultSpec), atMin });
  return {
    name: "short",
    warmupMinutes: 15,
    durationMinutes: 70,
    healthy: { fromMin: 0, toMin: 10 },
    faults: [pick("fan", 10), pick("gpu-heat", 12), pick("brief-heat", 50)],
    noise: false,
  };
}
