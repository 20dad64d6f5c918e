/**
 * Fleet aggregates and per-node findings from a batch of snapshots. Pure: no SDK, no clock.
 *
 * Aggregates are keyed by (environment, cluster, minute of collectedAt), so the CloudWatch
 * metric count depends on configuration only, never on the number of GPUs or BMCs, and a
 * backlog replayed late still lands in the minute it describes. Which node / GPU / fan is
 * behind a number goes to `findings` (structured log lines, see docs/telemetry.md).
 */
import type { MetricKey } from "../../core/metric-registry";
import type { BmcSnapshot } from "../../core/snapshot";

export interface TemperatureThresholds {
  /** A GPU above this (deg C) counts as over warn. */
  readonly warnC: number;
  /** A GPU above this (deg C) counts as over critical. */
  readonly criticalC: number;
}

export interface AssessOptions {
  readonly gpuTemperature: TemperatureThresholds;
  /** A BMC whose last good snapshot is older than this is stale. */
  readonly staleAfterMs: number;
  /** Chassis drawing within this share of its cap count as at the cap (0.05 = 5 %). */
  readonly powerCapMargin: number;
}

/** The aggregate metrics this module computes: the telemetry-ingest entries of metric-names.ts. */
export type AggregateKey = Extract<
  MetricKey,
  | "gpuTemperatureMaxC"
  | "gpusOverWarnTemperature"
  | "gpusOverCriticalTemperature"
  | "gpusThrottled"
  | "gpusNewUncorrectableEcc"
  | "gpusReporting"
  | "fansFailed"
  | "maxFansFailedPerChassis"
  | "chassisAtPowerCap"
  | "bmcsUnreachable"
  | "bmcsStale"
  | "snapshotsIngested"
  | "gpusExpected"
  | "gpusHealthy"
>;

export interface MetricGroup {
  readonly environment: string;
  readonly cluster: string;
  /** Start of the minute the snapshots were collected in (epoch ms). */
  readonly minuteMs: number;
  readonly values: Partial<Record<AggregateKey, number>>;
}

/** One structured log line. `event` names the shape; docs/telemetry.md lists the fields. */
export type Finding =
  | {
      readonly event: "fleetwatch.gpu";
      readonly environment: string;
      readonly cluster: string;
      readonly bmc: string;
      readonly gpu: string;
      readonly system?: string;
      readonly collectedAt: string;
      readonly temperatureC?: number;
      readonly temperatureLevel: "ok" | "warn" | "critical" | "unknown";
      readonly throttled: boolean;
      readonly throttleReasons: readonly string[];
      readonly eccUncorrectable?: number;
      readonly eccUncorrectableNew: boolean;
      readonly powerW?: number;
      readonly powerLimitW?: number;
    }
  | {
      readonly event: "fleetwatch.fan";
      readonly environment: string;
      readonly cluster: string;
      readonly bmc: string;
      readonly fan: string;
      readonly collectedAt: string;
      readonly rpm?: number;
      readonly failedFansInChassis: number;
    }
  | {
      readonly event: "fleetwatch.power_cap";
      readonly environment: string;
      readonly cluster: string;
      readonly bmc: string;
      readonly chassis: string;
      readonly collectedAt: string;
      readonly powerW?: number;
      readonly powerLimitW?: number;
      readonly headroomPercent?: number;
    }
  | {
      readonly event: "fleetwatch.bmc";
      readonly environment: string;
      readonly cluster: string;
      readonly bmc: string;
      readonly collectedAt: string;
      readonly status: BmcSnapshot["status"];
      readonly stale: boolean;
      readonly lastGoodAt?: string;
      readonly errors: readonly string[];
    }
  | {
      readonly event: "fleetwatch.snapshot";
      readonly environment: string;
      readonly cluster: string;
      readonly bmc: string;
      readonly collectedAt: string;
      readonly status: BmcSnapshot["status"];
      readonly gpus: number;
      readonly gpuTemperatureMaxC?: number;
      readonly hottestGpu?: string;
      readonly gpusThrottled: number;
      readonly fansFailed: number;
    };

const DOWN = new Set<BmcSnapshot["status"]>(["unreachable", "auth_failed", "error"]);

/**
 * What this container remembers between batches: last uncorrectable-ECC count per GPU and the
 * last good snapshot per BMC. Kinesis routes a BMC (partition key) to one shard, and
 * ParallelizationFactor 1 processes a shard in order, so a warm container sees a BMC's
 * snapshots in order. Memory is bounded by the fleet size (one entry per GPU and per BMC).
 */
export class FleetState {
  private readonly ecc = new Map<string, { at: number; value: number }>();
  private readonly lastGood = new Map<string, number>();
  private readonly firstSeen = new Map<string, number>();
  private readonly gpuCount = new Map<string, number>();

  /**
   * GPUs this BMC should report: the count of its last snapshot with GPUs in it. A BMC that is
   * down reports none, and the GPU fleet SLO counts its last known GPUs as not reporting.
   */
  expectedGpus(bmcKey: string, reported: number): number {
    if (reported > 0) this.gpuCount.set(bmcKey, reported);
    return Math.max(reported, this.gpuCount.get(bmcKey) ?? 0);
  }

  /**
   * True when the GPU's uncorrectable count grew. The first sighting in this container is the
   * baseline, not news: a fleet always holds GPUs with old uncorrectable errors (retired rows,
   * awaiting RMA), and counting them at every cold start would page P1 for nothing.
   */
  observeEcc(gpuKey: string, at: number, value: number | undefined): boolean {
    if (value === undefined) return false;
    const previous = this.ecc.get(gpuKey);
    if (previous && at <= previous.at) return false; // an older snapshot replayed: not news
    this.ecc.set(gpuKey, { at, value });
    return previous !== undefined && value > previous.value;
  }

  /** Records the snapshot and returns when this BMC last answered (or was first seen here). */
  observeBmc(bmcKey: string, at: number, good: boolean): { reference: number; lastGood?: number } {
    if (!this.firstSeen.has(bmcKey)) this.firstSeen.set(bmcKey, at);
    if (good) this.lastGood.set(bmcKey, Math.max(at, this.lastGood.get(bmcKey) ?? at));
    const lastGood = this.lastGood.get(bmcKey);
    return { reference: lastGood ?? (this.firstSeen.get(bmcKey) as number), ...(lastGood === undefined ? {} : { lastGood }) };
  }
}

export interface Assessment {
  readonly groups: MetricGroup[];
  readonly findings: Finding[];
}

interface GroupCounters {
  environment: string;
  cluster: string;
  minuteMs: number;
  temperatureMax?: number;
  overWarn: number;
  overCritical: number;
  throttled: number;
  newEcc: number;
  gpus: number;
  fansFailed: number;
  maxFansFailedPerChassis: number;
  atCap: number;
  unreachable: number;
  stale: number;
  snapshots: number;
  expected: number;
  healthy: number;
}

export function assessSnapshots(snapshots: readonly BmcSnapshot[], state: FleetState, options: AssessOptions): Assessment {
  const { warnC, criticalC } = options.gpuTemperature;
  const counters = new Map<string, GroupCounters>();
  const findings: Finding[] = [];
  // Oldest first, so ECC deltas and last-good times advance in collection order.
  const ordered = [...snapshots].sort((a, b) => Date.parse(a.collectedAt) - Date.parse(b.collectedAt));

  for (const s of ordered) {
    const at = Date.parse(s.collectedAt);
    const minuteMs = at - (at % 60_000);
    const groupKey = `${s.environment}\u0000${s.cluster}\u0000${minuteMs}`;
    let g = counters.get(groupKey);
    if (!g) {
      g = {
        environment: s.environment,
        cluster: s.cluster,
        minuteMs,
        overWarn: 0,
        overCritical: 0,
        throttled: 0,
        newEcc: 0,
        gpus: 0,
        fansFailed: 0,
        maxFansFailedPerChassis: 0,
        atCap: 0,
        unreachable: 0,
        stale: 0,
        snapshots: 0,
        expected: 0,
        healthy: 0,
      };
      counters.set(groupKey, g);
    }
    g.snapshots++;
    const where = { environment: s.environment, cluster: s.cluster, bmc: s.bmc, collectedAt: s.collectedAt };
    const bmcKey = `${s.environment}\u0000${s.bmc}`;

    const down = DOWN.has(s.status);
    const { reference, lastGood } = state.observeBmc(bmcKey, at, !down);
    const stale = down && at - reference > options.staleAfterMs;
    if (down) {
      g.unreachable++;
      if (stale) g.stale++;
      findings.push({
        event: "fleetwatch.bmc",
        ...where,
        status: s.status,
        stale,
        ...(lastGood === undefined ? {} : { lastGoodAt: new Date(lastGood).toISOString() }),
        errors: s.errors.slice(0, 3),
      });
    }

    let hottest: { id: string; t: number } | undefined;
    let gpus = 0;
    let throttledHere = 0;
    let fansFailedHere = 0;
    const failedFans: { id: string; rpm?: number }[] = [];
    for (const c of s.components) {
      if (c.kind === "gpu") {
        gpus++;
        const t = c.temperatureC;
        if (t !== undefined && (!hottest || t > hottest.t)) hottest = { id: c.id, t };
        const level = t === undefined ? "unknown" : t > criticalC ? "critical" : t > warnC ? "warn" : "ok";
        if (level === "warn" || level === "critical") g.overWarn++;
        if (level === "critical") g.overCritical++;
        const throttled = c.throttled === true;
        if (throttled) throttledHere++;
        // GPU fleet SLO: a healthy GPU-minute is reporting, not over critical, not throttled. A GPU
        // whose BMC gives no temperature is not evidence of heat (some BMCs never expose it).
        if (level !== "critical" && !throttled) g.healthy++;
        const eccNew = state.observeEcc(`${bmcKey}\u0000${c.system ?? ""}\u0000${c.id}`, at, c.eccUncorrectable);
        if (eccNew) g.newEcc++;
        if (level === "warn" || level === "critical" || throttled || (c.eccUncorrectable ?? 0) > 0) {
          findings.push({
            event: "fleetwatch.gpu",
            ...where,
            gpu: c.id,
            ...(c.system === undefined ? {} : { system: c.system }),
            ...(t === undefined ? {} : { temperatureC: t }),
            temperatureLevel: level,
            throttled,
            throttleReasons: c.throttleReasons ?? [],
            ...(c.eccUncorrectable === undefined ? {} : { eccUncorrectable: c.eccUncorrectable }),
            eccUncorrectableNew: eccNew,
            ...(c.powerW === undefined ? {} : { powerW: c.powerW }),
            ...(c.powerLimitW === undefined ? {} : { powerLimitW: c.powerLimitW }),
          });
        }
      } else if (c.kind === "fan" && c.failed) {
        fansFailedHere++;
        failedFans.push({ id: c.id, ...(c.rpm === undefined ? {} : { rpm: c.rpm }) });
      } else if (c.kind === "chassis") {
        const nearCap = c.powerW !== undefined && c.powerLimitW !== undefined && c.powerW >= c.powerLimitW * (1 - options.powerCapMargin);
        if (c.capped === true || nearCap) {
          g.atCap++;
          findings.push({
            event: "fleetwatch.power_cap",
            ...where,
            chassis: c.id,
            ...(c.powerW === undefined ? {} : { powerW: c.powerW }),
            ...(c.powerLimitW === undefined ? {} : { powerLimitW: c.powerLimitW }),
            ...(c.powerW !== undefined && c.powerLimitW !== undefined
              ? { headroomPercent: Math.round(((c.powerLimitW - c.powerW) / c.powerLimitW) * 1000) / 10 }
              : {}),
          });
        }
      }
    }
    for (const fan of failedFans) {
      findings.push({
        event: "fleetwatch.fan",
        ...where,
        fan: fan.id,
        ...(fan.rpm === undefined ? {} : { rpm: fan.rpm }),
        failedFansInChassis: fansFailedHere,
      });
    }
    g.gpus += gpus;
    g.expected += state.expectedGpus(bmcKey, gpus);
    g.throttled += throttledHere;
    g.fansFailed += fansFailedHere;
    g.maxFansFailedPerChassis = Math.max(g.maxFansFailedPerChassis, fansFailedHere);
    if (hottest && (g.temperatureMax === undefined || hottest.t > g.temperatureMax)) g.temperatureMax = hottest.t;

    findings.push({
      event: "fleetwatch.snapshot",
      ...where,
      status: s.status,
      gpus,
      ...(hottest ? { gpuTemperatureMaxC: hottest.t, hottestGpu: hottest.id } : {}),
      gpusThrottled: throttledHere,
      fansFailed: fansFailedHere,
    });
  }

  const groups: MetricGroup[] = [...counters.values()].map((g) => ({
    environment: g.environment,
    cluster: g.cluster,
    minuteMs: g.minuteMs,
    values: {
      // No GPU temperature at all in this minute: publish nothing rather than a fake 0.
      ...(g.temperatureMax === undefined ? {} : { gpuTemperatureMaxC: g.temperatureMax }),
      gpusOverWarnTemperature: g.overWarn,
      gpusOverCriticalTemperature: g.overCritical,
      gpusThrottled: g.throttled,
      gpusNewUncorrectableEcc: g.newEcc,
      gpusReporting: g.gpus,
      fansFailed: g.fansFailed,
      maxFansFailedPerChassis: g.maxFansFailedPerChassis,
      chassisAtPowerCap: g.atCap,
      bmcsUnreachable: g.unreachable,
      bmcsStale: g.stale,
      snapshotsIngested: g.snapshots,
      gpusExpected: g.expected,
      gpusHealthy: g.healthy,
    },
  }));
  return { groups, findings };
}
