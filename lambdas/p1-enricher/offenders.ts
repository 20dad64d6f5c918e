/**
 * Finds the node(s) and GPU(s) behind a fleet alarm in the BMC snapshots of the alarm's
 * window: the alarm itself only sees per-cluster aggregates. Pure.
 */
import type { SignalDefinition } from "../../core/catalog/types";
import type { BmcSnapshot } from "../../core/snapshot";
import type { Offender } from "./alarm-message";

/** How a signal finds its offenders: the catalog's `offenders` field. */
export type OffenderKind = NonNullable<SignalDefinition["offenders"]>;

export interface OffenderQuery {
  readonly kind: OffenderKind;
  readonly cluster: string;
  /** The alarm's threshold (°C for temperature, failed fans per chassis, ...). */
  readonly threshold: number;
}

/** Latest snapshot per BMC of the cluster, by collectedAt. */
function latestPerBmc(snapshots: readonly BmcSnapshot[], cluster: string): BmcSnapshot[] {
  const latest = new Map<string, BmcSnapshot>();
  for (const s of snapshots) {
    if (s.cluster !== cluster) continue;
    const prev = latest.get(s.bmc);
    if (!prev || Date.parse(s.collectedAt) >= Date.parse(prev.collectedAt)) latest.set(s.bmc, s);
  }
  return [...latest.values()];
}

export function findOffenders(query: OffenderQuery, snapshots: readonly BmcSnapshot[]): Offender[] {
  const latest = latestPerBmc(snapshots, query.cluster);
  const out: (Offender & { rank: number })[] = [];
  for (const s of latest) {
    switch (query.kind) {
      case "gpu-temperature":
        for (const c of s.components) {
          if (c.kind === "gpu" && c.temperatureC !== undefined && c.temperatureC > query.threshold) {
            out.push({ cluster: s.cluster, bmc: s.bmc, component: c.id, detail: `${c.temperatureC} °C`, rank: c.temperatureC });
          }
        }
        break;
      case "gpu-ecc": {
        // Growth inside the window is the event; a GPU with a standing count is still worth naming.
        const earliest = earliestGpuEcc(snapshots, s);
        for (const c of s.components) {
          if (c.kind === "gpu" && (c.eccUncorrectable ?? 0) > 0) {
            const grew = (c.eccUncorrectable ?? 0) - (earliest.get(c.id) ?? 0);
            out.push({
              cluster: s.cluster,
              bmc: s.bmc,
              component: c.id,
              detail: `${c.eccUncorrectable} uncorrectable ECC errors${grew > 0 ? ` (+${grew} in window)` : ""}`,
              rank: grew * 1e6 + (c.eccUncorrectable ?? 0),
            });
          }
        }
        break;
      }
      case "fans": {
        const failed = s.components.filter((c) => c.kind === "fan" && c.failed).map((c) => c.id);
        if (failed.length > query.threshold) {
          out.push({
            cluster: s.cluster,
            bmc: s.bmc,
            component: failed.join(","),
            detail: `${failed.length} fans failed`,
            rank: failed.length,
          });
        }
        break;
      }
      case "bmc-status":
        if (s.status === "unreachable" || s.status === "auth_failed" || s.status === "error") {
          out.push({ cluster: s.cluster, bmc: s.bmc, detail: `status ${s.status}`, rank: 0 });
        }
        break;
    }
  }
  return out.sort((a, b) => b.rank - a.rank || a.bmc.localeCompare(b.bmc)).map(({ rank: _rank, ...o }) => o);
}

function earliestGpuEcc(snapshots: readonly BmcSnapshot[], latest: BmcSnapshot): Map<string, number> {
  let earliest: BmcSnapshot | undefined;
  for (const s of snapshots) {
    if (
      s.cluster === latest.cluster &&
      s.bmc === latest.bmc &&
      (!earliest || Date.parse(s.collectedAt) < Date.parse(earliest.collectedAt))
    ) {
      earliest = s;
    }
  }
  const counts = new Map<string, number>();
  for (const c of earliest?.components ?? []) if (c.kind === "gpu") counts.set(c.id, c.eccUncorrectable ?? 0);
  return counts;
}
