/**
 * The scripted timeline: which fleet and deployments exist, the faults (with the catalog alarm
 * each one must page), benign noise that must not page, and when things happen. Times are
 * minutes from T0, the start of the scored period; the pipeline runs `warmupMinutes` before T0
 * so every alarm has history when scoring starts (a freshly created alarm with "breaching"
 * missing data would otherwise start in ALARM, which is a deploy-time artefact, not a page).
 */
import type { LevelName } from "../core/catalog";
import type { AzureTraffic } from "./azure-traffic";
import { type Fleet, type NodeSpec, type Overlay, setAt, setMember } from "./fleet";
import type { TrafficCondition } from "./traffic-condition";

export interface ScenarioContext {
  readonly fleet: Fleet;
  readonly traffic: AzureTraffic;
}

export interface FaultStep {
  readonly atMin: number;
  /** The injected value (for ramps), compared with the expected alarm's threshold to find the onset. */
  readonly value?: number;
  readonly apply: (ctx: ScenarioContext) => Promise<void> | void;
}

export interface ExpectedAlarm {
  readonly signal: string;
  readonly level: LevelName;
}

export interface FaultSpec {
  readonly id: string;
  readonly title: string;
  /** Where the alarm is scoped: a cluster or a deployment. */
  readonly cluster?: string;
  readonly deployment?: string;
  /** The catalog alarm this fault must page; its tier comes from the catalog. */
  readonly expect: ExpectedAlarm;
  /** Other alarms this fault legitimately raises (e.g. the warn level on the way to critical). */
  readonly alsoExpected?: readonly ExpectedAlarm[];
  readonly steps: readonly FaultStep[];
  /** When the fault is repaired (minutes from T0); instantaneous events (ECC) have clearMin = last step. */
  readonly clearMin: number;
  readonly clear: (ctx: ScenarioContext) => Promise<void> | void;
  /** How the data reaches the alarm: decides the unavoidable delivery delay (see docs/simulation.md). */
  readonly delivery: "redfish" | "redfish-stale" | "azure-metrics" | "azure-logs";
}

export interface NoiseSpec {
  readonly id: string;
  readonly title: string;
  readonly atMin: number;
  readonly untilMin: number;
  readonly apply: (ctx: ScenarioContext) => Promise<void> | void;
  readonly clear: (ctx: ScenarioContext) => Promise<void> | void;
}

export interface Scenario {
  readonly name: string;
  readonly warmupMinutes: number;
  /** Scored minutes after T0. */
  readonly durationMinutes: number;
  /** The healthy window (no fault) in which any page is false by definition. */
  readonly healthy: { readonly fromMin: number; readonly toMin: number };
  /** Seconds into each minute at which the Redfish and Azure schedules fire. */
  readonly redfishPhaseSeconds: number;
  readonly azurePhaseSeconds: number;
  readonly faults: readonly FaultSpec[];
  readonly noise: readonly NoiseSpec[];
}

// ------------------------------------------------------------------------------ the fleet

export const APOLLO = "hpe-apollo6500-xl675d-a100";
export const GB300 = "lambdalabs-nvidia-fixtures/gb300-supermicro";
export const TOWER = "dmtf-public-tower";
export const RACK = "dmtf-public-rackmount1";
export const CRAY = "hpe-cray-ex235n-nvidia-a100";

const GB300_DRAM = (gpu: number) => `/redfish/v1/Systems/HGX_Baseboard_0/Memory/GPU_${gpu}_DRAM_0/MemoryMetrics`;
/**
 * The GB300 capture has a GPU with one uncorrectable row remap already; the baseline repairs it
 * so the fleet starts healthy (a pre-existing uncorrectable error pages at the first poll, by design).
 */
const GB300_BASELINE: Overlay[] = [
  setAt(GB300_DRAM(0), ["Oem", "Nvidia", "RowRemapping", "UncorrectableRowRemappingCount"], 0),
  setAt(GB300_DRAM(0).replace("HGX_Baseboard_0", "System_0"), ["Oem", "Nvidia", "RowRemapping", "UncorrectableRowRemappingCount"], 0),
];

/**
 * Two clusters of six BMCs: one dark BMC is 17 % of its cluster (under the 20 % P1 line), and the
 * fleet's 32 GPUs cost 1,920 USD/day at the dev config's 2.5 USD/GPU-hour (under its 2,000 budget).
 */
export const FLEET: readonly NodeSpec[] = [
  { id: "apollo-1", cluster: "train-a", mockup: APOLLO },
  { id: "apollo-2", cluster: "train-a", mockup: APOLLO },
  { id: "gb300-1", cluster: "train-a", mockup: GB300, baseline: GB300_BASELINE },
  { id: "tower-1", cluster: "train-a", mockup: TOWER },
  { id: "rack-1", cluster: "train-a", mockup: RACK },
  { id: "rack-2", cluster: "train-a", mockup: RACK },
  { id: "cray-1", cluster: "infer-b", mockup: CRAY },
  { id: "tower-2", cluster: "infer-b", mockup: TOWER },
  { id: "rack-3", cluster: "infer-b", mockup: RACK },
  { id: "rack-4", cluster: "infer-b", mockup: RACK },
  { id: "rack-5", cluster: "infer-b", mockup: RACK },
  { id: "rack-6", cluster: "infer-b", mockup: RACK },
];

// ------------------------------------------------------------------------------ fault building blocks

const APOLLO_THERMAL = "/redfish/v1/Chassis/1/Thermal";
const TOWER_POWER = "/redfish/v1/Chassis/Tower/Power";

const fanStopped = (fan: string): Overlay =>
  setMember(APOLLO_THERMAL, "Fans", fan, (m) => {
    m.Reading = 0;
    m.Status = { Health: "Critical", State: "Enabled" };
  });

/** Every Thermal entry of one GPU (HPE lists GPU temperatures as plain entries "62-GPU 1"...). */
const gpuTemperature = (sensor: string, celsius: number): Overlay =>
  setMember(APOLLO_THERMAL, "Temperatures", sensor, (m) => {
    m.ReadingCelsius = celsius;
  });

const chassisPower =
  (watts: number): Overlay =>
  (patch) =>
    patch(TOWER_POWER, (doc) => {
      ((doc.PowerControl as Record<string, unknown>[])[0] as Record<string, unknown>).PowerConsumedWatts = watts;
    });

const eccUncorrectable = (gpu: number, count: number): Overlay => setAt(GB300_DRAM(gpu), ["LifeTime", "UncorrectableECCErrorCount"], count);

const overlay = (node: string, name: string, o: Overlay | undefined) => (ctx: ScenarioContext) => ctx.fleet.node(node).setOverlay(name, o);
const condition = (deployment: string, name: string, c: TrafficCondition | undefined) => (ctx: ScenarioContext) =>
  ctx.traffic.setCondition(deployment, name, c);

/** A temperature ramp: one step per minute from `fromMin`. */
function ramp(node: string, sensor: string, fromMin: number, values: readonly number[]): FaultStep[] {
  return values.map((value, i) => ({ atMin: fromMin + i, value, apply: overlay(node, "gpu-heat", gpuTemperature(sensor, value)) }));
}

// ------------------------------------------------------------------------------ scenarios

/** The full run of `npm run simulate`: a healthy hour with benign noise, then one of each fault. */
export function fullScenario(): Scenario {
  return {
    name: "full",
    warmupMinutes: 10,
    durationMinutes: 195,
    healthy: { fromMin: 0, toMin: 60 },
    redfishPhaseSeconds: 20,
    azurePhaseSeconds: 35,
    noise: [
      {
        id: "gpu-swing",
        title: "GPU temperature swing to 76 °C for 4 min (below warn)",
        atMin: 12,
        untilMin: 16,
        apply: overlay("apollo-1", "swing", gpuTemperature("62-GPU 1", 76)),
        clear: overlay("apollo-1", "swing", undefined),
      },
      {
        id: "cold-start",
        title: "cold-start latency spike, P99 at 1.8x SLO for 3 min",
        atMin: 20,
        untilMin: 23,
        apply: condition("gpt-4o-mini", "cold-start", { latencyFactor: 3.6 }),
        clear: condition("gpt-4o-mini", "cold-start", undefined),
      },
      {
        id: "single-429s",
        title: "a few 429s (2 % for 6 min)",
        atMin: 35,
        untilMin: 41,
        apply: condition("gpt-4o", "few-429", { throttledShare: 0.02 }),
        clear: condition("gpt-4o", "few-429", undefined),
      },
      {
        id: "short-429-burst",
        title: "a 429 burst (40 % for 3 min)",
        atMin: 47,
        untilMin: 50,
        apply: condition("gpt-4o-mini", "burst", { throttledShare: 0.4 }),
        clear: condition("gpt-4o-mini", "burst", undefined),
      },
    ],
    faults: [
      {
        id: "ecc",
        title: "uncorrectable ECC error on gb300-1 GPU_1",
        cluster: "train-a",
        expect: { signal: "gpu-uncorrectable-ecc", level: "critical" },
        steps: [{ atMin: 60 + 8 / 60, apply: overlay("gb300-1", "ecc", eccUncorrectable(1, 1)) }],
        clearMin: 60 + 8 / 60,
        clear: () => {},
        delivery: "redfish",
      },
      {
        id: "fan",
        title: "a fan dies on apollo-1 (Fan 3)",
        cluster: "train-a",
        expect: { signal: "fan-failed", level: "warn" },
        steps: [{ atMin: 64 + 21 / 60, apply: overlay("apollo-1", "fan", fanStopped("Fan 3")) }],
        clearMin: 84,
        clear: overlay("apollo-1", "fan", undefined),
        delivery: "redfish",
      },
      {
        id: "gpu-heat",
        title: "apollo-2 GPU 1 climbs past 83 °C",
        cluster: "train-a",
        expect: { signal: "gpu-temperature", level: "critical" },
        alsoExpected: [{ signal: "gpu-temperature", level: "warn" }],
        steps: ramp("apollo-2", "62-GPU 1", 70 + 33 / 60, [72, 77, 80, 85, 88, 89]),
        clearMin: 92,
        clear: overlay("apollo-2", "gpu-heat", undefined),
        delivery: "redfish",
      },
      {
        id: "power-cap",
        title: "tower-1 draws at its power cap (1,030 of 1,045 W)",
        cluster: "train-a",
        expect: { signal: "power-cap", level: "warn" },
        steps: [{ atMin: 95 + 50 / 60, apply: overlay("tower-1", "power", chassisPower(1030)) }],
        clearMin: 110,
        clear: overlay("tower-1", "power", undefined),
        delivery: "redfish",
      },
      {
        id: "bmc-dark",
        title: "BMC rack-3 goes dark",
        cluster: "infer-b",
        expect: { signal: "bmc-telemetry-stale", level: "warn" },
        steps: [{ atMin: 100 + 41 / 60, apply: (ctx) => ctx.fleet.node("rack-3").setDark(true) }],
        clearMin: 124,
        clear: (ctx) => ctx.fleet.node("rack-3").setDark(false),
        delivery: "redfish-stale",
      },
      {
        id: "429-storm",
        title: "429 storm on gpt-4o-mini (30 % throttled)",
        deployment: "gpt-4o-mini",
        expect: { signal: "aoai-429-rate", level: "warn" },
        steps: [{ atMin: 120 + 12 / 60, apply: condition("gpt-4o-mini", "storm", { throttledShare: 0.3 }) }],
        clearMin: 136,
        clear: condition("gpt-4o-mini", "storm", undefined),
        delivery: "azure-metrics",
      },
      {
        id: "latency",
        title: "latency spike on gpt-4o (P99 at 1.6x SLO)",
        deployment: "gpt-4o",
        expect: { signal: "aoai-p99-latency", level: "warn" },
        steps: [{ atMin: 122 + 47 / 60, apply: condition("gpt-4o", "slow", { latencyFactor: 3.2 }) }],
        clearMin: 144,
        clear: condition("gpt-4o", "slow", undefined),
        delivery: "azure-logs",
      },
      {
        id: "outage",
        title: "gpt-4o-mini deployment outage (every request 503)",
        deployment: "gpt-4o-mini",
        expect: { signal: "aoai-zero-success", level: "critical" },
        steps: [{ atMin: 150 + 5 / 60, apply: condition("gpt-4o-mini", "outage", { serverErrorShare: 1 }) }],
        clearMin: 162,
        clear: condition("gpt-4o-mini", "outage", undefined),
        delivery: "azure-metrics",
      },
    ],
  };
}

/** The fast test's scenario: a short healthy stretch, then a fan failure and an overheating GPU. */
export function shortScenario(): Scenario {
  const full = fullScenario();
  const pick = (id: string) => full.faults.find((f) => f.id === id) as FaultSpec;
  const fan = pick("fan");
  const heat = pick("gpu-heat");
  const shift = (f: FaultSpec, by: number): FaultSpec => ({
    ...f,
    steps: f.steps.map((s) => ({ ...s, atMin: s.atMin + by })),
    clearMin: f.clearMin + by,
  });
  return {
    name: "short",
    warmupMinutes: 8,
    durationMinutes: 24,
    healthy: { fromMin: 0, toMin: 8 },
    redfishPhaseSeconds: full.redfishPhaseSeconds,
    azurePhaseSeconds: full.azurePhaseSeconds,
    noise: [],
    // Fan dies at 8:21 and is fixed at 16; the GPU ramp starts at 8:33 (past 83 °C at 11:33) and cools at 18.
    faults: [
      { ...shift(fan, -56), clearMin: 16 },
      { ...shift(heat, -62), clearMin: 18 },
    ],
  };
}
