/**
 * What the fleet and the Azure deployments look like at an instant: the healthy snapshots with
 * every active effect (faults and noise) applied. Pure.
 */
import type { BmcSnapshot, Component } from "../../core/snapshot";
import { minuteCondition, type TrafficCondition, worstOf } from "../traffic-condition";
import type { Effect } from "./scenario";

export interface ActiveWindow {
  readonly fromMs: number;
  readonly untilMs: number;
  readonly effects: readonly Effect[];
}

export class World {
  constructor(
    private readonly base: ReadonlyMap<string, BmcSnapshot>,
    private readonly windows: readonly ActiveWindow[],
  ) {}

  private active(t: number): { effect: Effect; fromMs: number }[] {
    const out: { effect: Effect; fromMs: number }[] = [];
    for (const w of this.windows)
      if (w.fromMs <= t && t < w.untilMs) for (const effect of w.effects) out.push({ effect, fromMs: w.fromMs });
    return out;
  }

  nodes(): string[] {
    return [...this.base.keys()];
  }

  /** The snapshot the poller would produce for `node` read at `t`. */
  snapshot(node: string, t: number): BmcSnapshot {
    const base = this.base.get(node);
    if (!base) throw new Error(`no simulated node ${node}`);
    let components: Component[] = base.components.map((c) => ({ ...c }));
    let status: BmcSnapshot["status"] = "ok";
    const errors: string[] = [];
    const of = <K extends Component["kind"]>(kind: K) => components.filter((c) => c.kind === kind) as Extract<Component, { kind: K }>[];
    // Readings first, then what the BMC answered at all (a dark BMC hides every reading).
    const active = this.active(t).sort((a, b) => Number(a.effect.kind === "bmc-status") - Number(b.effect.kind === "bmc-status"));
    for (const { effect: e, fromMs } of active) {
      if ("node" in e && e.node !== node) continue;
      switch (e.kind) {
        case "gpu-temperature": {
          const gpu = of("gpu")[e.gpu];
          if (!gpu) throw new Error(`${node} has no GPU #${e.gpu}`);
          const values = typeof e.celsius === "number" ? [e.celsius] : e.celsius;
          const i = Math.min(values.length - 1, Math.floor((t - fromMs) / 60_000));
          gpu.temperatureC = values[i] as number;
          break;
        }
        case "fan-failed":
          for (const i of e.fans) {
            const fan = of("fan")[i];
            if (!fan) throw new Error(`${node} has no fan #${i}`);
            Object.assign(fan, { failed: true, rpm: 0, health: "Critical" });
          }
          break;
        case "gpu-throttled": {
          const gpu = of("gpu")[e.gpu];
          if (!gpu) throw new Error(`${node} has no GPU #${e.gpu}`);
          Object.assign(gpu, { throttled: true, throttleReasons: ["HwThermalSlowdown"] });
          break;
        }
        case "ecc-uncorrectable": {
          const gpu = of("gpu")[e.gpu];
          if (!gpu) throw new Error(`${node} has no GPU #${e.gpu}`);
          gpu.eccUncorrectable = (gpu.eccUncorrectable ?? 0) + e.add;
          break;
        }
        case "chassis-power": {
          const chassis = of("chassis").find((c) => c.powerLimitW !== undefined);
          if (!chassis) throw new Error(`${node} has no chassis with a power limit`);
          chassis.powerW = e.watts;
          break;
        }
        case "bmc-status":
          if (e.nodes !== "all" && !e.nodes.includes(node)) break;
          if (e.status === "partial") {
            // The thermal resources failed: no temperatures, GPUs still listed.
            status = status === "ok" ? "partial" : status;
            components = components.filter((c) => c.kind !== "temperature" && c.kind !== "fan");
            for (const g of of("gpu")) delete g.temperatureC;
            errors.push("Thermal: http 500");
          } else {
            status = e.status;
            components = [];
            errors.push(e.status === "auth_failed" ? "401 Unauthorized" : "connect ETIMEDOUT");
          }
          break;
        default:
          break;
      }
    }
    return { ...base, collectedAt: new Date(t).toISOString(), status, errors, components };
  }

  /** The Azure condition of a deployment at `t` (several conditions: the worst of each field). */
  traffic(deployment: string, t: number): Required<TrafficCondition> {
    return worstOf(this.active(t).flatMap(({ effect: e }) => (e.kind === "azure" && e.deployment === deployment ? [e.condition] : [])));
  }

  /** A minute's condition (minuteCondition: 10 s samples averaged, latency the worst). */
  minuteTraffic(deployment: string, minute: number): Required<TrafficCondition> {
    return minuteCondition((t) => this.traffic(deployment, t), minute);
  }

  ingest(t: number): { failureShare: number; secondsPerRecord: number } {
    let failureShare = 0;
    let secondsPerRecord = 0;
    for (const { effect: e } of this.active(t)) {
      if (e.kind === "ingest-errors") failureShare = Math.max(failureShare, e.failureShare);
      if (e.kind === "ingest-slow") secondsPerRecord = Math.max(secondsPerRecord, e.secondsPerRecord);
    }
    return { failureShare, secondsPerRecord };
  }
}
