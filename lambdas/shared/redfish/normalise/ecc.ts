/**
 * A GPU's ECC error counts: DRAM (HBM) and SRAM, corrected and uncorrected, plus NVIDIA's row
 * remapping evidence.
 */
import { at, type JsonObject, linkOf, obj } from "../odata";
import type { ResourceStore } from "../resource-store";
import { count, first, sumDefined } from "./values";

interface EccCounts {
  correctable?: number;
  uncorrectable?: number;
}

export interface GpuEcc {
  readonly eccCorrectable?: number;
  readonly eccUncorrectable?: number;
  readonly sramEccThresholdExceeded?: boolean;
  readonly rowRemappingFailed?: true;
  readonly rowRemapUncorrectable?: number;
}

function lifetimeCounts(block: unknown): EccCounts {
  // SOURCE ORDER (ECC): LifeTime counters, else CurrentPeriod.
  const life = obj(at(block, "LifeTime"));
  const current = obj(at(block, "CurrentPeriod"));
  return {
    correctable: first(count(life?.CorrectableECCErrorCount), count(current?.CorrectableECCErrorCount)),
    uncorrectable: first(count(life?.UncorrectableECCErrorCount), count(current?.UncorrectableECCErrorCount)),
  };
}

/**
 * `memories`: the GPU's linked (present) Memory documents; `metrics`: its ProcessorMetrics.
 * SOURCE ORDER (ECC): DRAM = the GPU's linked Memory MemoryMetrics (summed), else its
 * MemorySummary MemoryMetrics; SRAM = ProcessorMetrics.CacheMetricsTotal. Reported = DRAM + SRAM.
 */
export function gpuEccOf(store: ResourceStore, processor: JsonObject, metrics: JsonObject | undefined, memories: JsonObject[]): GpuEcc {
  const summaryMetrics = store.get(linkOf(at(processor, "MemorySummary", "Metrics")));
  const dram = memories.map((m) => lifetimeCounts(store.get(linkOf(m.Metrics))));
  const dramCorrectable = dram.length ? sumDefined(dram.map((d) => d.correctable)) : undefined;
  const dramUncorrectable = dram.length ? sumDefined(dram.map((d) => d.uncorrectable)) : undefined;
  const summary = lifetimeCounts(summaryMetrics);
  const sram = lifetimeCounts(at(metrics, "CacheMetricsTotal"));
  const memCorrectable = first(dramCorrectable, summary.correctable);
  const memUncorrectable = first(dramUncorrectable, summary.uncorrectable);
  const rowRemapUncorrectable = sumDefined(
    memories.map((m) => count(at(store.get(linkOf(m.Metrics)), "Oem", "Nvidia", "RowRemapping", "UncorrectableRowRemappingCount"))),
  );
  const counted = sumDefined([memUncorrectable, sram.uncorrectable]);
  // A row remapped for an uncorrectable error proves at least that many uncorrectable errors,
  // even when the counter itself was reset.
  const eccUncorrectable =
    counted === undefined && rowRemapUncorrectable === undefined ? undefined : Math.max(counted ?? 0, rowRemapUncorrectable ?? 0);
  const sramFlag = first(
    at(metrics, "Oem", "Nvidia", "SRAMECCErrorThresholdExceeded"),
    at(processor, "Oem", "Nvidia", "SRAMECCErrorThresholdExceeded"),
  );
  const rowRemappingFailed = memories.some((m) => at(m, "Oem", "Nvidia", "RowRemappingFailed") === true);
  return {
    eccCorrectable: sumDefined([memCorrectable, sram.correctable]),
    eccUncorrectable,
    sramEccThresholdExceeded: typeof sramFlag === "boolean" ? sramFlag : undefined,
    rowRemappingFailed: rowRemappingFailed || undefined,
    rowRemapUncorrectable,
  };
}
