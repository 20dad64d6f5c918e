/**
 * The benign noise of a healthy fleet, drawn from the run's PRNG: none of it is a fault, and
 * none is clipped to stay under a threshold or shorter than M, so a page from it is possible
 * and is scored as a false page. Rates are per the whole simulated fleet.
 */
import type { Rng } from "../../dev-support/random";
import type { NoiseItem } from "./scenario";

export interface NoiseTargets {
  readonly nodes: readonly string[];
  readonly nodesWithFans: readonly string[];
  readonly deployments: readonly string[];
  /** A GPU that runs warm all the time: its temperature hovers just under the warn threshold. */
  readonly warmGpu: { readonly node: string; readonly gpu: number; readonly warnC: number };
}

const MIN = 60_000;
const GLITCH_MS = 15_000;

/** Poisson arrivals with the given mean interval over [from, to). */
function arrivals(rng: Rng, from: number, to: number, meanIntervalMin: number): number[] {
  const out: number[] = [];
  for (let t = from + rng.exponential(meanIntervalMin) * MIN; t < to; t += rng.exponential(meanIntervalMin) * MIN) out.push(t);
  return out;
}

export function drawNoise(rng: Rng, from: number, to: number, targets: NoiseTargets): NoiseItem[] {
  const items: NoiseItem[] = [];
  // Single-poll glitches last GLITCH_MS: two reads of one BMC are at least 15 s apart (60 s
  // between sweeps, at most 45 s of sweep), so a glitch is seen by at most one poll, and by one
  // poll in about GLITCH_MS / 60 s of cases; the arrival rates below are of glitches, not of polls hit.
  // A BMC times out: about every 5 min somewhere in the fleet (one poll missed every ~20 min).
  for (const t of arrivals(rng, from, to, 5)) {
    const node = rng.pick(targets.nodes);
    items.push({
      id: "poll-timeout",
      title: `${node} misses a poll`,
      atMs: t,
      untilMs: t + GLITCH_MS,
      effects: [{ kind: "bmc-status", nodes: [node], status: "unreachable" }],
    });
  }
  // A 0-rpm fan reading (a sensor glitch): about every hour (one poll hit every ~4 h).
  for (const t of arrivals(rng, from, to, 60)) {
    const node = rng.pick(targets.nodesWithFans);
    items.push({
      id: "fan-glitch",
      title: `${node} reports a fan at 0 rpm`,
      atMs: t,
      untilMs: t + GLITCH_MS,
      effects: [{ kind: "fan-failed", node, fans: [0] }],
    });
  }
  // A BMC reboots (firmware watchdog, BMC update): dark for 2-4 min, about every 8 h.
  for (const t of arrivals(rng, from, to, 480)) {
    const node = rng.pick(targets.nodes);
    const minutes = rng.between(2, 4);
    items.push({
      id: "bmc-reboot",
      title: `${node} BMC reboots (${minutes.toFixed(1)} min)`,
      atMs: t,
      untilMs: t + minutes * MIN,
      effects: [{ kind: "bmc-status", nodes: [node], status: "unreachable" }],
    });
  }
  // A minute with a burst of 429s (5-30 %): about every 30 min on some deployment.
  for (const t of arrivals(rng, from, to, 30)) {
    const deployment = rng.pick(targets.deployments);
    const share = rng.between(0.05, 0.3);
    items.push({
      id: "single-429s",
      title: `${deployment}: 429s for a minute (${Math.round(share * 100)} %)`,
      atMs: t,
      untilMs: t + MIN,
      effects: [{ kind: "azure", deployment, condition: { throttledShare: share } }],
    });
  }
  // Cold-start latency spike on a deployment: P99 at 1.5-1.9x its SLO for 2-4 min, about every 3 h.
  for (const t of arrivals(rng, from, to, 180)) {
    const deployment = rng.pick(targets.deployments);
    const minutes = rng.between(2, 4);
    items.push({
      id: "latency-spike",
      title: `${deployment}: cold-start latency spike`,
      atMs: t,
      untilMs: t + minutes * MIN,
      effects: [{ kind: "azure", deployment, condition: { latencyFactor: rng.between(3, 3.8) } }],
    });
  }
  // The warm GPU: 1.5-0.2 °C under warn most minutes; about 2 % of minutes start an excursion of 1-3 min just over it.
  const { node, gpu, warnC } = targets.warmGpu;
  const celsius: number[] = [];
  for (let t = from; t < to; t += MIN) {
    if (rng.chance(0.02)) {
      const minutes = rng.int(1, 3);
      for (let i = 0; i < minutes; i++) celsius.push(Math.round((warnC + rng.between(0.2, 1.5)) * 10) / 10);
      t += (minutes - 1) * MIN;
    } else celsius.push(Math.round((warnC - rng.between(0.2, 1.5)) * 10) / 10);
  }
  items.push({
    id: "warm-gpu",
    title: `${node} GPU #${gpu} hovers just under ${warnC} °C`,
    atMs: from,
    untilMs: to,
    effects: [{ kind: "gpu-temperature", node, gpu, celsius }],
  });
  return items;
}
